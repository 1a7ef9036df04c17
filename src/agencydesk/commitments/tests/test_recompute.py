"""The bulk recompute after a calendar change: the same moments as row by row, and never a closed one reopened."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from agencydesk.calendars.selectors import (
    acknowledgement_moment,
    calendar_default,
    calendar_engine,
)
from agencydesk.calendars.services import calendar_save
from agencydesk.clients.models import Client
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.commitments import recompute
from agencydesk.commitments.kinds import KINDS
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitments_recompute_for_calendar
from agencydesk.core.models import AuditLog
from agencydesk.messaging.choices import FIRST_RESPONSE, KEEP_IN_TOUCH, QUESTION

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=MSK)


def _mixed_set(client: Client, count: int = 120) -> list[Commitment]:
    """Open, missed, met and calendar-day commitments of three kinds, from any microsecond."""
    calendar = calendar_default()
    engine = calendar_engine(calendar)
    rng = np.random.default_rng(11)
    subject_type = ContentType.objects.get_for_model(Client)
    base = dt.datetime(2026, 4, 27, tzinfo=dt.UTC)
    rows = []
    for k in range(count):
        start = base + dt.timedelta(microseconds=int(rng.integers(0, 21 * 86_400 * 10**6)))
        minutes = int(rng.integers(1, 1500))
        kind = (FIRST_RESPONSE, QUESTION, KEEP_IN_TOUCH)[k % 3]
        due = engine.add(start, minutes)
        params: dict = {}
        action: dt.datetime | None = due
        if kind == FIRST_RESPONSE and k % 4:  # some opened without the delay
            params, action = {"ack_minutes": 5}, acknowledgement_moment(engine, start, 5)
        if kind == KEEP_IN_TOUCH:
            minutes, action = 0, None  # counted in calendar days: never recomputed
        if k % 7 == 0:
            action = None  # the desk already acted
        rows.append(
            Commitment(
                kind=kind,
                state=("open", "open", "breached", "met", "cancelled")[k % 5],
                client=client,
                calendar=calendar,
                subject_type=subject_type,
                subject_id=k + 1,
                start_at=start,
                business_minutes=minutes,
                due_at=due,
                visible_from=start,
                action_at=action,
                opened_at=start,
                reason_params=params,
            )
        )
    return Commitment.objects.bulk_create(rows)


def _row_by_row(engine, rows: list[Commitment]) -> dict[int, tuple]:
    """What the recompute did before it was vectorised: ``add`` and the kind's scalar hook per row."""
    expected = {}
    for row in rows:
        if row.state not in ("open", "breached") or row.business_minutes == 0:
            expected[row.pk] = (row.due_at, row.action_at)
            continue
        row.due_at = engine.add(row.start_at, row.business_minutes)
        spec = KINDS[row.kind]
        if row.action_at is not None and spec.action_moment is not None:
            moment = spec.action_moment(row, engine)
            row.action_at = moment.astimezone(dt.UTC) if moment else None
        expected[row.pk] = (row.due_at, row.action_at)
    return expected


def _stored() -> dict[int, tuple]:
    return {
        pk: (due, action)
        for pk, due, action in Commitment.objects.values_list("pk", "due_at", "action_at")
    }


@pytest.mark.parametrize("scalar_only", [False, True], ids=["vectorised kinds", "scalar hook only"])
@time_machine.travel(NOW, tick=False)
def test_bulk_recompute_leaves_the_same_moments_as_the_per_row_path(
    director, monkeypatch, scalar_only
):
    if scalar_only:
        # A kind that declares only ``action_moment`` is asked row by row.
        for code in (FIRST_RESPONSE, QUESTION):
            monkeypatch.setitem(KINDS, code, dataclasses.replace(KINDS[code], action_moments=None))
    client = ClientFactory(account_manager=director)
    rows = _mixed_set(client)
    before = _stored()
    calendar = calendar_save(
        calendar=calendar_default(),
        by=director,
        at=NOW,
        hours="mon-thu 10:00-13:00,14:00-19:00; fri 10:00-16:45",
    )
    engine = calendar_engine(calendar)
    expected = _row_by_row(engine, rows)

    moved = commitments_recompute_for_calendar(calendar, engine)

    after = _stored()
    assert after == expected
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert moved == len(changed) > 40
    audit = AuditLog.objects.filter(action="commitment.recompute")
    assert {int(a.object_id) for a in audit} == changed
    one = audit.first()
    pk = int(one.object_id)
    assert one.changes["due_at"] == [before[pk][0].isoformat(), after[pk][0].isoformat()]
    assert one.client_id == client.pk
    assert one.object_repr == str(Commitment.objects.get(pk=pk))
    assert one.at == NOW


@time_machine.travel(NOW, tick=False)
def test_a_commitment_closed_during_the_recompute_is_not_reopened_nor_audited(
    director, monkeypatch
):
    client = ClientFactory(account_manager=director)
    rows = _mixed_set(client, count=30)
    open_one = next(r for r in rows if r.state == "open" and r.action_at is not None)
    rescheduled = next(r for r in rows if r.state == "open" and r.pk != open_one.pk)
    calendar = calendar_save(
        calendar=calendar_default(), by=director, at=NOW, hours="mon-fri 11:00-15:00"
    )
    compute = recompute.commitments_moments

    def meanwhile(rows_read, engine):
        # Another worker meets one and escalates another between the read and the write.
        Commitment.objects.filter(pk=open_one.pk).update(state="met", action_at=None)
        Commitment.objects.filter(pk=rescheduled.pk).update(due_at=NOW + dt.timedelta(days=3))
        return compute(rows_read, engine)

    monkeypatch.setattr(recompute, "commitments_moments", meanwhile)
    moved = commitments_recompute_for_calendar(calendar, calendar_engine(calendar))

    open_one.refresh_from_db()
    assert (open_one.state, open_one.action_at) == ("met", None)
    rescheduled.refresh_from_db()
    assert rescheduled.due_at == NOW + dt.timedelta(days=3)
    audited = set(
        AuditLog.objects.filter(action="commitment.recompute").values_list("object_id", flat=True)
    )
    assert str(open_one.pk) not in audited and str(rescheduled.pk) not in audited
    assert moved == len(audited) > 0


@time_machine.travel(NOW, tick=False)
def test_an_unchanged_calendar_writes_nothing(director, django_assert_max_num_queries):
    client = ClientFactory(account_manager=director)
    _mixed_set(client, count=30)
    calendar = calendar_default()
    with django_assert_max_num_queries(1):
        assert commitments_recompute_for_calendar(calendar, calendar_engine(calendar)) == 0
    assert not AuditLog.objects.filter(action="commitment.recompute").exists()


@time_machine.travel(NOW, tick=False)
def test_a_recompute_of_many_rows_costs_a_fixed_number_of_queries(
    director, django_assert_max_num_queries
):
    client = ClientFactory(account_manager=director)
    _mixed_set(client, count=600)
    calendar = calendar_save(
        calendar=calendar_default(), by=director, at=NOW, hours="mon-fri 08:00-12:00"
    )
    engine = calendar_engine(calendar)
    # read, the cache size twice, the update, the content type, the audit insert, savepoints
    with django_assert_max_num_queries(10):
        assert commitments_recompute_for_calendar(calendar, engine) > 200
