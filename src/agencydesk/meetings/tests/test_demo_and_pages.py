"""Demo meetings in every state, and the pages: list (query count), detail in both time zones, the
minutes editor turning an action item into a deliverable, sending for confirmation."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client as WebClient

from agencydesk.commitments.models import Commitment
from agencydesk.demo_meetings import demo_meetings
from agencydesk.meetings.choices import MINUTES_DUE
from agencydesk.meetings.models import Meeting, Minutes
from agencydesk.work.models import Deliverable

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 12, 15, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(acme, team, contacts):
    acme.team.add(team["writer"])
    demo_meetings(clients=[acme], users={"anna": team["writer"]}, now=NOW)
    return acme


def web(user) -> WebClient:
    client = WebClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_demo_has_minutes_in_every_state_once(demo, team):
    states = sorted(Minutes.objects.values_list("state", flat=True))
    assert states == ["accepted", "disputed", "sent"]
    assert Minutes.objects.get(state="accepted").accepted_how == "silence"
    assert Meeting.objects.exclude(rrule="").count() == 1
    assert Meeting.objects.filter(minutes__isnull=True, rrule="").count() == 1
    assert Commitment.objects.filter(kind=MINUTES_DUE, state="open").exists()
    assert Deliverable.objects.count() == 3  # one per written minutes, from its action item
    count = Meeting.objects.count()
    demo_meetings(clients=[demo], users={"anna": team["writer"]}, now=NOW)
    assert Meeting.objects.count() == count


def test_list_page_in_a_fixed_number_of_queries(demo, team, django_assert_num_queries):
    client = web(team["am"])
    client.get("/meetings/")  # warm the session and the content types
    # session, user, can-create, count, page, the client filter
    with django_assert_num_queries(6):
        response = client.get("/meetings/?client=")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="meeting-row"') == Meeting.objects.count()


def test_detail_shows_both_time_zones_and_the_answers(demo, team):
    team["am"].timezone = "Asia/Almaty"
    team["am"].save()
    disputed = Minutes.objects.get(state="disputed")
    page = web(team["am"]).get(f"/meetings/{disputed.meeting_id}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Europe/Moscow" in text and "Asia/Almaty" in text
    assert "Бюджет мы ещё не согласовали" in text
    assert "Оспорен" in text


def test_minutes_editor_makes_a_deliverable_once_and_sends(acme, team, contacts):
    meeting_page = web(team["am"]).post(
        "/meetings/new/",
        {
            "client": acme.pk,
            "title": "Статус",
            "starts_at": "2026-03-13T11:00",
            "duration_minutes": 60,
            "contacts": [c.pk for c in contacts],
            "people": [team["writer"].pk],
        },
    )
    assert meeting_page.status_code == 302, meeting_page.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.starts_at == msk(2026, 3, 13, 11, 0)
    form = {
        "summary": "",
        "decisions": "Запуск 20 марта\n",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-text": "Пресс-релиз о запуске",
        "form-0-owner": team["writer"].pk,
        "form-0-due_at": "2026-03-17T12:00",
        "form-0-outcome": "deliverable",
        "form-0-deliverable_type": "",
        "form-1-outcome": "task",
        "form-2-outcome": "task",
    }
    with time_machine.travel(msk(2026, 3, 13, 13, 0), tick=False):
        am = web(team["am"])
        editor = am.get(f"/meetings/{meeting.pk}/minutes/")
        assert editor.status_code == 200
        from agencydesk.work.models import DeliverableType

        bad = am.post(f"/meetings/{meeting.pk}/minutes/", form)
        assert (
            bad.status_code == 200 and "Give the type of the deliverable." in bad.content.decode()
        )
        form["form-0-deliverable_type"] = DeliverableType.objects.get(code="press_release").pk
        for _ in range(2):
            saved = am.post(f"/meetings/{meeting.pk}/minutes/", form)
            assert saved.status_code == 302
        deliverable = Deliverable.objects.get()
        assert deliverable.due_at == msk(2026, 3, 17, 12, 0)
        page = am.get(f"/meetings/{meeting.pk}/").content.decode()
        assert f"/deliverables/{deliverable.pk}/" in page
        minutes = Minutes.objects.get()
        sent = am.post(f"/meetings/minutes/{minutes.pk}/send/", follow=True)
        assert "Minutes sent for confirmation to 2 participants." in sent.content.decode()
    minutes.refresh_from_db()
    assert minutes.state == "sent"


def test_other_people_may_not_edit_minutes(demo, team):
    meeting = Meeting.objects.first()
    assert web(team["writer"]).get(f"/meetings/{meeting.pk}/minutes/").status_code == 403
    assert web(team["outsider"]).get(f"/meetings/{meeting.pk}/").status_code == 200
    demo.confidential = True
    demo.save()
    assert web(team["outsider"]).get(f"/meetings/{meeting.pk}/").status_code == 404


def test_today_shows_the_minutes_to_write_and_the_tasks(demo, team):
    page = web(team["am"]).get("/today/").content.decode()
    to_write = Meeting.objects.get(minutes__isnull=True, rrule="")
    assert f"/meetings/{to_write.pk}/#minutes" in page
    assert "Send the minutes of" in page
    point = Commitment.objects.filter(kind="meetings_action", owner=team["am"]).first()
    assert point is not None and f"/meetings/points/{point.subject_id}/" in page
    follow = web(team["am"]).get(f"/meetings/points/{point.subject_id}/")
    assert follow.status_code == 302 and f"#point-{point.subject_id}" in follow["Location"]
