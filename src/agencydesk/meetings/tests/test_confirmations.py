"""Minutes confirmed through signed links: GET only shows, POST answers, the silent deadline accepts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as WebClient

from agencydesk.commitments.clock import clock_round
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.core.signed_links import link_token, register_purpose
from agencydesk.meetings import confirmations, services
from agencydesk.meetings.choices import MINUTES_DUE
from agencydesk.meetings.models import Minutes, PointResponse
from agencydesk.messaging.models import OutboundMessage

from .conftest import msk

pytestmark = pytest.mark.django_db

PLANNED = msk(2026, 3, 2, 10, 0)
AFTER = msk(2026, 3, 3, 13, 0)  # the meeting was Tuesday 3 March 11:00-12:00
BASE = "http://testserver/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def sent(acme, team, contacts):
    meeting = services.meeting_create(
        client=acme,
        title="Статус по запуску",
        starts_at=msk(2026, 3, 3, 11, 0),
        duration_minutes=60,
        contacts=contacts,
        people=[team["writer"]],
        by=team["am"],
        at=PLANNED,
    ).meeting
    minutes = services.minutes_save(
        meeting=meeting,
        by=team["am"],
        at=AFTER,
        decisions=["Запуск 10 марта", "Бюджет не меняется"],
        actions=[
            services.ActionIn(
                text="Список СМИ", owner=team["writer"], due_at=msk(2026, 3, 5, 12, 0)
            )
        ],
    )
    links = confirmations.minutes_send(minutes=minutes, by=team["am"], at=AFTER, base_url=BASE)
    minutes.refresh_from_db()
    return {"minutes": minutes, "links": links, "meeting": meeting}


def path(link) -> str:
    return link.url.removeprefix("http://testserver")


def answers(minutes, verdict="confirm", comment=""):
    data = {}
    for point in minutes.points.all():
        data[f"point-{point.pk}"] = verdict
        data[f"comment-{point.pk}"] = comment
    return data


def test_sending_goes_through_the_outbox_and_meets_the_minutes_commitment(sent, acme, contacts):
    minutes = sent["minutes"]
    assert minutes.state == "sent" and minutes.sent_version == 1
    # Two business days of Acme's calendar from Tuesday 13:00: Thursday 13:00.
    assert minutes.confirm_due_at == msk(2026, 3, 5, 13, 0)
    outbox = OutboundMessage.objects.filter(client=acme).select_related("message")
    assert outbox.count() == 2 and {o.channel for o in outbox} == {"telegram"}
    texts = [o.message.text for o in outbox]
    assert any("Алексей Викторович" in t for t in texts)  # the contact's form of address
    assert all("/minutes/" in t and "Статус по запуску" in t for t in texts)
    assert Commitment.objects.get(kind=MINUTES_DUE).state == "met"


def test_a_get_never_confirms(sent):
    web = WebClient(enforce_csrf_checks=True)
    for _ in range(3):  # a mail scanner, a link preview, the person
        page = web.get(path(sent["links"][0]))
        assert page.status_code == 200
    assert "Запуск 10 марта" in page.content.decode()
    assert b"noindex" in page.content
    assert not PointResponse.objects.exists()
    assert Minutes.objects.get().state == "sent"


def test_post_needs_the_csrf_token(sent):
    web = WebClient(enforce_csrf_checks=True)
    response = web.post(path(sent["links"][0]), answers(sent["minutes"]))
    assert response.status_code == 403
    assert not PointResponse.objects.exists()


def test_everyone_confirming_accepts_the_minutes(sent):
    minutes = sent["minutes"]
    for link in sent["links"]:
        web = WebClient()
        assert web.post(path(link), answers(minutes)).status_code == 302
    minutes.refresh_from_db()
    assert minutes.state == "accepted" and minutes.accepted_how == "confirmed"
    assert PointResponse.objects.filter(verdict="confirm").count() == 6


def test_a_dispute_needs_a_comment_and_stops_the_silent_acceptance(sent):
    minutes = sent["minutes"]
    web = WebClient()
    bad = web.post(path(sent["links"][0]), answers(minutes, "dispute"))
    assert bad.status_code == 422
    assert not PointResponse.objects.exists()
    point = minutes.points.get(text="Бюджет не меняется")
    data = answers(minutes)
    data[f"point-{point.pk}"] = "dispute"
    data[f"comment-{point.pk}"] = "Бюджет растёт на 10%"
    assert web.post(path(sent["links"][0]), data).status_code == 302
    minutes.refresh_from_db()
    assert minutes.state == "disputed"
    response = PointResponse.objects.get(verdict="dispute")
    assert response.comment == "Бюджет растёт на 10%" and response.point == point
    clock_round(now=msk(2026, 3, 6, 10, 0))
    minutes.refresh_from_db()
    assert minutes.state == "disputed" and minutes.accepted_at is None
    # The account manager sees who disputed what on the meeting page.
    am = WebClient()
    am.force_login(
        minutes.meeting.client.account_manager, backend="django.contrib.auth.backends.ModelBackend"
    )
    page = am.get(f"/meetings/{minutes.meeting_id}/").content.decode()
    assert "Бюджет растёт на 10%" in page


def test_silence_by_the_deadline_accepts_and_is_recorded(sent):
    minutes = sent["minutes"]
    clock_round(now=msk(2026, 3, 5, 12, 59))
    minutes.refresh_from_db()
    assert minutes.state == "sent"
    for _ in range(2):  # two clocks accept once
        clock_round(now=msk(2026, 3, 5, 13, 0))
    minutes.refresh_from_db()
    assert minutes.state == "accepted" and minutes.accepted_how == "silence"
    assert minutes.accepted_at == msk(2026, 3, 5, 13, 0)
    assert AuditLog.objects.filter(action="minutes.accept").count() == 1
    # After the deadline the link still shows the record, and takes no answer.
    with time_machine.travel(msk(2026, 3, 6, 10, 0), tick=False):
        web = WebClient()
        page = web.get(path(sent["links"][0]))
        assert page.status_code == 200 and b'data-testid="link-closed"' in page.content
        late = web.post(path(sent["links"][0]), answers(minutes))
        assert late.status_code == 409
    assert not PointResponse.objects.exists()


@pytest.mark.parametrize("how", ["cut", "flipped", "garbage"])
def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(sent, how):
    token = path(sent["links"][0]).split("/")[2]
    forged = {
        "cut": token[:-3],
        "flipped": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "garbage": "x" * 500,
    }[how]
    web = WebClient()
    page = web.get(f"/minutes/{forged}/")
    assert page.status_code == 400 and b'data-problem="tampered"' in page.content
    assert web.post(f"/minutes/{forged}/", answers(sent["minutes"])).status_code == 400
    assert not PointResponse.objects.exists()


def test_an_expired_link_shows_a_clear_page(sent):
    with time_machine.travel(msk(2026, 6, 1, 10, 0), tick=False):
        page = WebClient().get(path(sent["links"][0]))
    assert page.status_code == 410 and b'data-problem="expired"' in page.content


def test_a_foreign_link_shows_a_clear_page(sent, hansa):
    minutes = sent["minutes"]
    stranger = hansa.contacts.create(name="Fremder")
    expires = AFTER + dt.timedelta(days=5)
    # A link of these minutes made for someone who is not a participant.
    token = link_token(
        purpose="minutes",
        object_id=minutes.pk,
        contact_id=stranger.pk,
        version=1,
        expires_at=expires,
    )
    page = WebClient().get(f"/minutes/{token}/")
    assert page.status_code == 404 and b'data-problem="foreign"' in page.content
    # A genuine link made for another purpose (an approval, say).
    register_purpose("approval-test")
    other = link_token(
        purpose="approval-test",
        object_id=minutes.pk,
        contact_id=stranger.pk,
        version=1,
        expires_at=expires,
    )
    page = WebClient().get(f"/minutes/{other}/")
    assert page.status_code == 404 and b'data-problem="foreign"' in page.content
    assert not PointResponse.objects.exists()


def test_a_new_version_supersedes_the_old_links(sent, team):
    minutes = sent["minutes"]
    old = sent["links"][0]
    changed = services.minutes_save(
        meeting=sent["meeting"],
        by=team["am"],
        at=AFTER,
        decisions=["Запуск 12 марта", "Бюджет не меняется"],
        actions=[
            services.ActionIn(
                text="Список СМИ", owner=team["writer"], due_at=msk(2026, 3, 5, 12, 0)
            )
        ],
    )
    assert changed.version == 2 and changed.state == "draft"
    web = WebClient()
    page = web.get(path(old))
    assert (
        b'data-testid="link-outdated"' in page.content
        and "Запуск 12 марта" in page.content.decode()
    )
    assert web.post(path(old), answers(Minutes.objects.get())).status_code == 409
    assert not PointResponse.objects.exists()
    new_links = confirmations.minutes_send(minutes=changed, by=team["am"], at=AFTER, base_url=BASE)
    assert web.post(path(new_links[0]), answers(Minutes.objects.get())).status_code == 302
    assert PointResponse.objects.filter(version=2).count() == 3
    assert minutes.pk == changed.pk
