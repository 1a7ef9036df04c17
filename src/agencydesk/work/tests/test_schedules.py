"""Recurring deliverables: RFC 5545 rules and working days in the client's calendar, created once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.recurrence import recurring_moments
from agencydesk.commitments.clock import clock_round
from agencydesk.work.models import Deliverable
from agencydesk.work.schedules import schedule_create, schedules_tick

from .conftest import msk

pytestmark = pytest.mark.django_db

RU = WorkCalendar("Europe/Moscow", "mon-fri 09:00-18:00", country="RU")
LON = ZoneInfo("Europe/London")


def moments(engine, start, until, **kw):
    return recurring_moments(engine, start=start, until=until, **kw)


def test_first_working_day_after_the_russian_new_year_and_may_holidays():
    got = moments(
        RU,
        msk(2026, 1, 1),
        msk(2026, 6, 1),
        rule="",
        at=dt.time(10, 0),
        on_closed="next",
        working_day=1,
    )
    assert got == [
        msk(2026, 1, 12, 10, 0),  # 1-11 January are off
        msk(2026, 2, 2, 10, 0),
        msk(2026, 3, 2, 10, 0),
        msk(2026, 4, 1, 10, 0),
        msk(2026, 5, 4, 10, 0),  # 1-3 May are off
    ]


def test_the_first_of_the_month_moves_to_the_next_or_previous_working_day():
    common = {"rule": "FREQ=MONTHLY;BYMONTHDAY=1", "at": dt.time(10, 0)}
    nxt = moments(RU, msk(2026, 4, 15), msk(2026, 6, 15), on_closed="next", **common)
    assert nxt == [msk(2026, 5, 4, 10, 0), msk(2026, 6, 1, 10, 0)]
    prev = moments(RU, msk(2026, 4, 15), msk(2026, 6, 15), on_closed="previous", **common)
    assert prev == [msk(2026, 4, 30, 10, 0), msk(2026, 6, 1, 10, 0)]


def test_every_monday_skips_the_holiday_monday():
    got = moments(
        RU,
        msk(2026, 3, 1),
        msk(2026, 3, 17),
        rule="FREQ=WEEKLY;BYDAY=MO",
        at=dt.time(10, 0),
        on_closed="next",
    )
    assert got == [msk(2026, 3, 2, 10, 0), msk(2026, 3, 10, 10, 0), msk(2026, 3, 16, 10, 0)]


def test_time_of_day_stays_in_client_time_across_dst():
    gb = WorkCalendar("Europe/London", "mon-fri 09:00-18:00")
    got = moments(
        gb,
        dt.datetime(2026, 3, 20, tzinfo=LON),
        dt.datetime(2026, 4, 1, tzinfo=LON),
        rule="FREQ=WEEKLY;BYDAY=MO",
        at=dt.time(10, 0),
        on_closed="next",
    )
    assert [m.astimezone(LON).hour for m in got] == [10, 10]
    assert [m.utcoffset() for m in got] == [dt.timedelta(0), dt.timedelta(hours=1)]


def _series(acme, team, press_release, at, **kw):
    return schedule_create(
        client=acme,
        title="Еженедельный дайджест",
        type=press_release,
        owner=team["writer"],
        reviewer=team["editor"],
        time_of_day=dt.time(10, 0),
        by=team["am"],
        at=at,
        **kw,
    )


def test_occurrences_are_created_ahead_exactly_once_however_many_clocks_run(
    acme, team, press_release
):
    now = msk(2026, 3, 1, 12, 0)
    schedule = _series(acme, team, press_release, now, rrule="FREQ=WEEKLY;BYDAY=MO")
    due = list(Deliverable.objects.filter(schedule=schedule).values_list("due_at", flat=True))
    assert due == [msk(2026, 3, 2, 10, 0), msk(2026, 3, 10, 10, 0)]  # 14 days ahead
    for _ in range(3):
        schedules_tick(now=now)
    clock_round(now=now)
    assert Deliverable.objects.filter(schedule=schedule).count() == 2
    later = msk(2026, 3, 4, 12, 0)
    with time_machine.travel(later, tick=False):
        assert schedules_tick(now=later)["recurring_created"] == 1  # Monday 16 March
        assert schedules_tick(now=later)["recurring_created"] == 0
    first = Deliverable.objects.filter(schedule=schedule).first()
    assert first.owner == team["writer"] and first.reviewer == team["editor"]
    assert first.commitments.filter(kind="work_review").exists()


def test_a_series_needs_a_valid_rule(acme, team, press_release):
    now = msk(2026, 3, 1, 12, 0)
    for bad in ({"rrule": "EVERY MONDAY"}, {}, {"rrule": "FREQ=WEEKLY", "working_day": 1}):
        with pytest.raises(ValidationError):
            _series(acme, team, press_release, now, **bad)


def test_api_returns_the_next_five_due_moments(api, team, acme):
    with time_machine.travel(msk(2025, 12, 20, 12, 0), tick=False):
        response = api(team["am"]).post(
            "/api/v1/deliverable-schedules",
            {
                "client": acme.pk,
                "title": "Отчёт за месяц",
                "type": "report",
                "owner": "anna",
                "reviewer": "petr",
                "working_day": 1,
                "time": "10:00",
                "on_closed_day": "next",
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["next_occurrences"] == [
        "2026-01-12T10:00:00+03:00",
        "2026-02-02T10:00:00+03:00",
        "2026-03-02T10:00:00+03:00",
        "2026-04-01T10:00:00+03:00",
        "2026-05-04T10:00:00+03:00",
    ]
