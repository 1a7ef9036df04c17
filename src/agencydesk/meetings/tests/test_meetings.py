"""Meetings against the meeting window and the client's calendar; minutes that become work exactly once."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from agencydesk.commitments.clock import clock_round
from agencydesk.commitments.models import Commitment
from agencydesk.meetings import services
from agencydesk.meetings.choices import ACTION_TASK, MINUTES_DUE
from agencydesk.meetings.models import Minutes, Point
from agencydesk.meetings.schedule import CLOSED_DAY, OUTSIDE_HOURS, OUTSIDE_WINDOW, warning_message
from agencydesk.work.models import Deliverable

from .conftest import berlin, msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 2, 20, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def plan(client, team, starts_at, *, minutes=60, rrule="", contacts=(), at=NOW):
    return services.meeting_create(
        client=client,
        title="Статус",
        starts_at=starts_at,
        duration_minutes=minutes,
        rrule=rrule,
        contacts=list(contacts),
        people=[team["writer"]],
        by=team["am"],
        at=at,
    )


def codes(planned):
    return {w["code"]: w["params"] for w in planned.warnings}


def test_window_in_two_time_zones_across_dst(hansa, team, settings):
    """13:30-14:30 in Berlin is 15:30-16:30 in Moscow in winter (outside 10-16), 14:30-15:30 in summer."""
    settings.TIME_ZONE = "Europe/Moscow"
    planned = plan(hansa, team, berlin(2026, 3, 2, 13, 30), rrule="FREQ=WEEKLY;COUNT=6")
    starts = services.meeting_occurrences(
        planned.meeting, after=berlin(2026, 3, 1), until=berlin(2026, 5, 1)
    )
    # The client's wall clock is kept across the change to summer time on 29 March.
    assert [s.astimezone(berlin(2026, 1, 1).tzinfo).hour for s in starts] == [13] * 6
    assert [s.utcoffset().total_seconds() / 3600 for s in starts] == [1, 1, 1, 1, 2, 2]
    found = codes(planned)
    # Monday 6 April is Easter Monday in Germany: a closed day of the client.
    assert set(found) == {OUTSIDE_WINDOW, CLOSED_DAY}
    assert found[CLOSED_DAY]["count"] == 1 and found[CLOSED_DAY]["first"] == "2026-04-06 13:30"
    assert found[OUTSIDE_WINDOW]["count"] == 4
    assert found[OUTSIDE_WINDOW]["total"] == 6
    assert found[OUTSIDE_WINDOW]["agency_first"] == "2026-03-02 15:30"
    assert found[OUTSIDE_WINDOW]["first"] == "2026-03-02 13:30"
    message = warning_message(next(w for w in planned.warnings if w["code"] == OUTSIDE_WINDOW))
    assert "10:00–16:00" in message and "Europe/Moscow" in message
    # The same wall time after the change is inside the window: no warning at all.
    assert plan(hansa, team, berlin(2026, 3, 30, 13, 30)).warnings == []


def test_window_is_the_agencys_setting(hansa, team, settings):
    settings.AGENCYDESK_MEETING_WINDOW = "09:00-17:00"
    assert plan(hansa, team, berlin(2026, 3, 2, 13, 30)).warnings == []


def test_closed_day_and_lunch_break_of_the_client_warn(acme, team):
    # Monday 23 February 2026 is a public holiday in Russia.
    holiday = plan(acme, team, msk(2026, 2, 23, 11, 0))
    assert set(codes(holiday)) == {CLOSED_DAY}
    # 12:30-13:30 crosses Acme's lunch break (13:00-14:00).
    lunch = plan(acme, team, msk(2026, 3, 10, 12, 30))
    assert set(codes(lunch)) == {OUTSIDE_HOURS}
    # Kept, not refused: the client may agree; the meeting page shows the warnings.
    assert holiday.meeting.warnings and lunch.meeting.pk


def test_every_two_weeks(acme, team):
    planned = plan(acme, team, msk(2026, 3, 3, 11, 0), rrule="FREQ=WEEKLY;INTERVAL=2")
    starts = services.meeting_occurrences(
        planned.meeting, after=msk(2026, 3, 1), until=msk(2026, 4, 15)
    )
    assert [s.date().isoformat() for s in starts] == [
        "2026-03-03",
        "2026-03-17",
        "2026-03-31",
        "2026-04-14",
    ]


def test_bad_input_is_refused(acme, team, hansa):
    with pytest.raises(ValidationError) as past:
        plan(acme, team, msk(2026, 2, 19, 11, 0))
    assert "starts_at" in past.value.message_dict
    with pytest.raises(ValidationError) as rule:
        plan(acme, team, msk(2026, 3, 3, 11, 0), rrule="FREQ=SECONDLY")
    assert "rrule" in rule.value.message_dict
    with pytest.raises(ValidationError) as long:
        plan(acme, team, msk(2026, 3, 3, 11, 0), minutes=600)
    assert "duration_minutes" in long.value.message_dict
    other = hansa.contacts.create(name="Stranger")
    with pytest.raises(ValidationError) as foreign:
        plan(acme, team, msk(2026, 3, 3, 11, 0), contacts=[other])
    assert "contacts" in foreign.value.message_dict
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            client=acme,
            title="x",
            starts_at=msk(2026, 3, 3, 11, 0),
            duration_minutes=60,
            by=team["outsider"],
            at=NOW,
        )


def actions(team, press_release, due):
    return [
        services.ActionIn(
            text="Подготовить пресс-релиз о запуске",
            owner=team["writer"],
            due_at=due,
            outcome="deliverable",
            deliverable_type=press_release,
        ),
        services.ActionIn(
            text="Прислать список СМИ", owner=team["editor"], due_at=due, outcome="task"
        ),
    ]


def test_minutes_become_deliverables_and_tasks_exactly_once(acme, team, press_release):
    meeting = plan(acme, team, msk(2026, 2, 24, 11, 0)).meeting
    after = msk(2026, 2, 24, 13, 0)
    due = msk(2026, 3, 4, 12, 0)
    with time_machine.travel(after, tick=False):
        first = services.minutes_save(
            meeting=meeting,
            by=team["am"],
            at=after,
            decisions=["Запуск 10 марта"],
            actions=actions(team, press_release, due),
        )
        again = services.minutes_save(
            meeting=meeting,
            by=team["am"],
            at=after,
            decisions=["Запуск 10 марта"],
            actions=actions(team, press_release, due),
        )
    assert again.pk == first.pk and again.version == 1
    deliverable = Deliverable.objects.get()
    assert deliverable.title == "Подготовить пресс-релиз о запуске"
    assert deliverable.owner == team["writer"] and deliverable.reviewer == team["am"]
    assert deliverable.due_at == due
    # The permanent link back, both ways.
    point = Point.objects.get(kind="action", outcome="deliverable")
    assert point.deliverable == deliverable
    assert deliverable.links == [meeting.get_absolute_url()]
    task = Commitment.objects.get(kind=ACTION_TASK)
    assert task.owner == team["editor"] and task.due_at == due and task.subject_id != point.pk
    assert Point.objects.count() == 3
    # A new point later adds only itself.
    with time_machine.travel(after, tick=False):
        services.minutes_save(
            meeting=meeting,
            by=team["am"],
            at=after,
            decisions=["Запуск 10 марта"],
            actions=[
                *actions(team, press_release, due),
                services.ActionIn(
                    text="Макет баннера",
                    owner=team["writer"],
                    due_at=due,
                    outcome="deliverable",
                    deliverable_type=press_release,
                ),
            ],
        )
    assert Deliverable.objects.count() == 2
    assert Commitment.objects.filter(kind=ACTION_TASK).count() == 1


def test_one_point_is_one_deliverable_in_the_database(acme, team, press_release):
    """The unique constraints hold even if a service forgot to check."""
    from django.db import IntegrityError, transaction

    meeting = plan(acme, team, msk(2026, 2, 24, 11, 0)).meeting
    after = msk(2026, 2, 24, 13, 0)
    minutes = services.minutes_save(
        meeting=meeting,
        by=team["am"],
        at=after,
        decisions=[],
        actions=actions(team, press_release, msk(2026, 3, 4, 12, 0))[:1],
    )
    point = minutes.points.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Point.objects.create(minutes=minutes, kind="decision", text="x", position=1)
        Point.objects.create(minutes=minutes, kind="decision", text="x", position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Point.objects.create(
            minutes=minutes, kind="action", text="other", deliverable=point.deliverable
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.create(
            meeting=meeting, held_at=minutes.held_at, created_at=after, updated_at=after
        )


def test_minutes_bad_input(acme, team, press_release):
    meeting = plan(acme, team, msk(2026, 2, 24, 11, 0)).meeting
    after = msk(2026, 2, 24, 13, 0)
    with pytest.raises(ValidationError) as early:
        services.minutes_save(meeting=meeting, by=team["am"], at=NOW, decisions=["x"], actions=[])
    assert "held_at" in early.value.message_dict
    with pytest.raises(ValidationError) as who:
        services.minutes_save(
            meeting=meeting,
            by=team["am"],
            at=after,
            decisions=[],
            actions=[services.ActionIn(text="x", owner=None, due_at=None)],
        )
    assert "action_items" in who.value.message_dict
    with pytest.raises(ValidationError) as hours:  # the work app's own rule: inside working hours
        services.minutes_save(
            meeting=meeting,
            by=team["am"],
            at=after,
            decisions=[],
            actions=[
                services.ActionIn(
                    text="Релиз",
                    owner=team["writer"],
                    due_at=msk(2026, 3, 4, 21, 0),
                    outcome="deliverable",
                    deliverable_type=press_release,
                )
            ],
        )
    assert "due_at" in hours.value.message_dict
    assert not Minutes.objects.exists() and not Deliverable.objects.exists()
    with pytest.raises(PermissionDenied):
        services.minutes_save(
            meeting=meeting, by=team["outsider"], at=after, decisions=["x"], actions=[]
        )


def test_minutes_not_sent_within_a_business_day_is_a_breach(acme, team):
    # Friday 27 Feb 16:00-17:00: due one business day after the end, Monday 17:00.
    meeting = plan(acme, team, msk(2026, 2, 27, 16, 0)).meeting
    commitment = Commitment.objects.get(kind=MINUTES_DUE)
    assert commitment.owner == team["am"]
    assert commitment.visible_from == msk(2026, 2, 27, 17, 0)
    assert commitment.due_at == msk(2026, 3, 2, 17, 0)
    clock_round(now=msk(2026, 3, 2, 17, 1))
    commitment.refresh_from_db()
    assert commitment.state == "breached"
    assert meeting.pk


def test_recurring_meetings_get_their_minutes_commitments_ahead_once(acme, team, settings):
    settings.AGENCYDESK_RECURRING_AHEAD_DAYS = 14
    plan(acme, team, msk(2026, 2, 24, 11, 0), rrule="FREQ=WEEKLY")
    assert Commitment.objects.filter(kind=MINUTES_DUE).count() == 2  # 24 Feb and 3 Mar
    for _ in range(2):  # two clocks at once open nothing twice
        services.minutes_due_tick(now=msk(2026, 3, 10, 10, 0))
    held = sorted(
        Commitment.objects.filter(kind=MINUTES_DUE).values_list("reason_params__held_at", flat=True)
    )
    # 24 Feb to 17 March: the horizon is 24 March 10:00, before that day's meeting.
    assert len(held) == len(set(held)) == 4


def test_a_one_off_meeting_far_ahead_gets_its_reminder_once(acme, team):
    meeting = plan(acme, team, msk(2026, 5, 12, 11, 0)).meeting
    [commitment] = Commitment.objects.filter(kind=MINUTES_DUE)
    assert commitment.visible_from == msk(2026, 5, 12, 12, 0)
    services.minutes_due_tick(now=msk(2026, 5, 1, 10, 0))
    services.minutes_due_open(meeting=meeting, at=msk(2026, 5, 1, 10, 0))
    assert Commitment.objects.filter(kind=MINUTES_DUE).count() == 1
