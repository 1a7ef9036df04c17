"""The approver's signed link: it shows on GET, decides only on the page's POST, and refuses
tampered, expired, foreign and stale links alike, changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient

from agencydesk.approvals import services
from agencydesk.approvals.models import Decision
from agencydesk.core.signed_links import link_token

from .conftest import BASE, NOW, msk

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(frozen, team, media_plan, approvers):
    return services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers,
        material_url="https://files.example/plan-v1.pdf",
        note="Бюджет на апрель",
        by=team["am"],
        at=NOW,
        base_url=BASE,
    )


def path(url: str) -> str:
    return url.removeprefix(BASE.rstrip("/"))


def browser() -> HttpClient:
    return HttpClient(enforce_csrf_checks=True)


def open_and_decide(client: HttpClient, url: str, **data: str):
    page = client.get(path(url))
    token = page.cookies["csrftoken"].value
    return client.post(path(url), {"csrfmiddlewaretoken": token, **data})


def test_get_shows_the_material_in_the_clients_language_and_never_decides(sent):
    _contact, url = sent.links[0]
    for _ in range(3):  # a mail scanner, a link preview, the person
        response = browser().get(path(url))
        assert response.status_code == 200
    body = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert "Медиаплан на апрель" in body and "https://files.example/plan-v1.pdf" in body
    assert "Ваше решение" in body and "csrfmiddlewaretoken" in body
    assert "csrftoken" in response.cookies
    assert not Decision.objects.exists()


def test_the_post_needs_the_pages_csrf_token(sent):
    _contact, url = sent.links[0]
    response = browser().post(path(url), {"decision": "approved"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_decision_through_the_link_and_a_replay_that_changes_nothing(sent, approvers):
    _contact, url = sent.links[0]
    client = browser()
    response = open_and_decide(client, url, decision="changes_requested", comment="Больше digital")
    assert response.status_code == 200
    assert "решение записано" in response.content.decode()
    decision = Decision.objects.get()
    assert (decision.contact, decision.verdict, decision.channel) == (
        approvers[0],
        "changes_requested",
        "link",
    )
    replay = open_and_decide(client, url, decision="approved")
    assert replay.status_code == 409
    assert "ничего не изменилось" in replay.content.decode()
    assert Decision.objects.get().verdict == "changes_requested"


def test_changes_without_a_comment_are_refused_on_the_page(sent):
    _contact, url = sent.links[0]
    response = open_and_decide(browser(), url, decision="changes_requested", comment="")
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_tampered_expired_and_foreign_links_get_the_same_clear_page(sent, team, media_plan):
    _contact, url = sent.links[0]
    token = url.rstrip("/").rsplit("/", 1)[-1]
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    other = link_token(
        purpose="minutes",
        object_id=sent.request.pk,
        contact_id=1,
        version=1,
        expires_at=NOW + dt.timedelta(days=3),
    )
    # Another request's link (a genuine approval token, of a request this contact is not on).
    stranger = link_token(
        purpose="approval",
        object_id=sent.request.pk + 100,
        contact_id=1,
        version=1,
        expires_at=NOW + dt.timedelta(days=3),
    )
    statuses = set()
    for bad in (tampered, other, stranger, "x" * 500):
        for method in ("get", "post"):
            response = getattr(HttpClient(), method)(f"/approve/{bad}/", {"decision": "approved"})
            statuses.add(response.status_code)
            assert (
                "Ссылкой нельзя воспользоваться" in response.content.decode()
                or response.status_code == 404
            )
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        expired = HttpClient().post(path(url), {"decision": "approved"})
        statuses.add(expired.status_code)
    assert statuses == {404}
    assert not Decision.objects.exists()


def test_another_approvers_token_cannot_decide_for_someone_not_on_the_request(sent, acme):
    from agencydesk.clients.tests.factories import ContactFactory

    outsider = ContactFactory(client=acme, name="Чужой")
    forged = link_token(
        purpose="approval",
        object_id=sent.request.pk,
        contact_id=outsider.pk,
        version=1,
        expires_at=NOW + dt.timedelta(days=3),
    )
    assert HttpClient().post(f"/approve/{forged}/", {"decision": "approved"}).status_code == 404
    assert not Decision.objects.exists()


def test_an_old_rounds_link_shows_the_newer_version_and_cannot_decide(sent, team):
    _contact, old_url = sent.links[0]
    services.approval_round_create(
        request=sent.request,
        material_url="https://files.example/plan-v2.pdf",
        by=team["am"],
        at=msk(2026, 3, 2, 12, 0),
        base_url=BASE,
    )
    client = browser()
    page = client.get(path(old_url))
    body = page.content.decode()
    assert page.status_code == 200
    assert "plan-v2.pdf" in body and 'data-testid="link-superseded"' in body
    assert 'data-testid="decision-form"' not in body
    response = client.post(
        path(old_url),
        {"csrfmiddlewaretoken": page.cookies["csrftoken"].value, "decision": "approved"},
    )
    assert response.status_code == 409
    assert not Decision.objects.exists()
