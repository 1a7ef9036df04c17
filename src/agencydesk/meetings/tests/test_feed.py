"""The calendar feed, parsed back with ``icalendar``: VEVENTs, VTIMEZONE, stable UIDs, current rights."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import time_machine
from django.test import Client as WebClient

from agencydesk.clients.models import KeyEvent
from agencydesk.meetings import services
from agencydesk.meetings.feed import feed_token_create, feed_token_revoke
from agencydesk.meetings.models import FeedToken
from agencydesk.work import services as work_services

from .conftest import berlin, msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 2, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agenda(acme, hansa, team, press_release):
    """Anna owns a deliverable of Acme, meets Hansa every week, and Acme has a trade show."""
    acme.team.add(team["writer"])
    deliverable = work_services.deliverable_create(
        client=acme,
        title="Пресс-релиз",
        type=press_release,
        owner=team["writer"],
        reviewer=team["am"],
        due_at=msk(2026, 3, 10, 12, 0),
        by=team["am"],
        at=NOW,
    ).deliverable
    meeting = services.meeting_create(
        client=hansa,
        title="Weekly",
        starts_at=berlin(2026, 3, 3, 10, 0),
        duration_minutes=30,
        rrule="FREQ=WEEKLY;COUNT=3",
        people=[team["writer"]],
        by=team["am"],
        at=NOW,
    ).meeting
    event = KeyEvent.objects.create(
        client=acme, title="Выставка", kind="trade_show", date=dt.date(2026, 4, 14)
    )
    return {"deliverable": deliverable, "meeting": meeting, "event": event}


def fetch(raw: str):
    return WebClient().get(f"/calendar/{raw}.ics")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(cal):
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_feed_has_vevents_with_timezones_urls_and_stable_uids(agenda, team):
    _token, raw = feed_token_create(user=team["writer"], at=NOW)
    first = parse(fetch(raw))
    assert not first.walk("VTODO")
    zones = {str(tz["tzid"]) for tz in first.walk("VTIMEZONE")}
    assert {"Europe/Moscow", "Europe/Berlin"} <= zones
    found = events(first)
    deliverable, meeting, event = agenda["deliverable"], agenda["meeting"], agenda["event"]
    assert f"deliverable-{deliverable.pk}@agencydesk" in found
    due = found[f"deliverable-{deliverable.pk}@agencydesk"]
    assert due.decoded("dtend") == msk(2026, 3, 10, 12, 0)
    assert str(due["dtend"].params["TZID"]) == "Europe/Moscow"
    assert str(due["url"]) == f"http://testserver/deliverables/{deliverable.pk}/"
    meetings = sorted(
        (e for uid, e in found.items() if uid.startswith(f"meeting-{meeting.pk}-")),
        key=lambda e: e.decoded("dtstart"),
    )
    assert [e.decoded("dtstart") for e in meetings] == [
        berlin(2026, 3, 3, 10, 0),
        berlin(2026, 3, 10, 10, 0),
        berlin(2026, 3, 17, 10, 0),
    ]
    assert str(meetings[0]["dtstart"].params["TZID"]) == "Europe/Berlin"
    key = found[f"keyevent-{event.pk}@agencydesk"]
    assert key.decoded("dtstart") == dt.date(2026, 4, 14)
    # The same items have the same UIDs on the next request (calendar apps update, not duplicate).
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        again = events(parse(fetch(raw)))
    assert set(again) == set(found)


def test_revoked_or_replaced_token_is_404_and_opens_nothing_else(agenda, team, api):
    _token, raw = feed_token_create(user=team["writer"], at=NOW)
    assert fetch(raw).status_code == 200
    # The feed's secret is no API token and no login.
    assert (
        WebClient(headers={"Authorization": f"Bearer {raw}"})
        .get("/api/v1/deliverables")
        .status_code
        == 401
    )
    assert WebClient().get("/meetings/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 302
    _token, newer = feed_token_create(user=team["writer"], at=NOW)
    assert fetch(raw).status_code == 404
    assert fetch(newer).status_code == 200
    feed_token_revoke(user=team["writer"], at=NOW)
    assert fetch(newer).status_code == 404
    assert fetch("cal_made-up").status_code == 404
    # Only the digest is kept.
    assert not FeedToken.objects.filter(digest=newer).exists()
    assert all(newer not in (t.digest, t.prefix) for t in FeedToken.objects.all())


def test_rights_are_read_at_every_request(agenda, team, acme):
    _token, raw = feed_token_create(user=team["writer"], at=NOW)
    deliverable_uid = f"deliverable-{agenda['deliverable'].pk}@agencydesk"
    assert deliverable_uid in events(parse(fetch(raw)))
    # Acme becomes confidential and Anna leaves its team: its items leave her feed.
    acme.confidential = True
    acme.save()
    acme.team.remove(team["writer"])
    found = events(parse(fetch(raw)))
    assert deliverable_uid not in found
    assert f"keyevent-{agenda['event'].pk}@agencydesk" not in found
    assert any(uid.startswith("meeting-") for uid in found)  # Hansa's meetings stay
    team["writer"].is_active = False
    team["writer"].save()
    assert fetch(raw).status_code == 404


def test_profile_makes_and_turns_off_the_address(team):
    web = WebClient()
    web.force_login(team["writer"], backend="django.contrib.auth.backends.ModelBackend")
    page = web.get("/accounts/profile/")
    assert b'id="calendar-feed"' in page.content
    made = web.post("/calendar/feed/new/", follow=True)
    text = made.content.decode()
    assert "/calendar/cal_" in text and 'data-testid="feed-active"' in text
    raw = text.split("/calendar/", 1)[1].split(".ics", 1)[0]
    assert fetch(raw).status_code == 200
    web.post("/calendar/feed/revoke/")
    assert fetch(raw).status_code == 404
