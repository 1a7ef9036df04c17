"""One outbox for client messages and the bot's notices: one backoff, one stuck rule, one code path.

Every test runs on both tables against the fake Bot API on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import time_machine

from agencydesk.commitments import clock
from agencydesk.integrations.telegram import adapter as telegram_adapter
from agencydesk.integrations.telegram.adapter import TelegramAdapter
from agencydesk.integrations.telegram.client import TelegramClient
from agencydesk.integrations.telegram.models import SendSlot
from agencydesk.integrations.telegram.testing import Fault
from agencydesk.outbox.adapters import Failure
from agencydesk.outbox.services import MAX_ATTEMPTS, STUCK_SENDING, outbox_tick

from .conftest import AM_CHAT, GROUP

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # Tuesday 12:00 in Moscow
KINDS = ["client message", "notice"]
CHAT = {"client message": GROUP, "notice": AM_CHAT}


class Crash(BaseException):
    """Like a SIGKILL of the worker: no ``except Exception`` sees it."""


def _send_calls(fake_api) -> int:
    return sum(1 for method, _params in fake_api.calls if method == "sendMessage")


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_retries_on_one_ladder_and_gives_up_after_the_same_attempts(kind, make, fake_api):
    fake_api.fault = lambda method, params: Fault(status=500)
    with time_machine.travel(T0, tick=False):
        row, task = make(kind, T0)
    delays, at = [], T0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(at, tick=False):
            state = task.call(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt and row.claimed_at is None
        if attempt == MAX_ATTEMPTS:
            assert state == "failed" == row.state
            break
        assert state == "queued" == row.state
        delays.append(int((row.send_after - at).total_seconds()))
        at = row.send_after
    assert delays == [10, 30, 120, 600, 1800, 1800, 1800]
    assert _send_calls(fake_api) == MAX_ATTEMPTS


@pytest.mark.parametrize("kind", KINDS)
def test_telegrams_retry_after_is_honoured_and_nothing_is_tried_before_it(kind, make, fake_api):
    calls = []

    def fault(method, params):
        calls.append(method)
        return Fault(status=429, retry_after=7) if len(calls) == 1 else None

    fake_api.fault = fault
    with time_machine.travel(T0, tick=False):
        row, task = make(kind, T0)
        assert task.call(row.pk) == "queued"
    row.refresh_from_db()
    assert row.send_after == T0 + dt.timedelta(seconds=7) and row.attempts == 1
    with time_machine.travel(T0 + dt.timedelta(seconds=6), tick=False):
        assert task.call(row.pk) == "queued"  # not due: no call, no attempt
        assert outbox_tick(now=T0 + dt.timedelta(seconds=6))["released"] == 0
    row.refresh_from_db()
    assert row.attempts == 1 and _send_calls(fake_api) == 1
    with time_machine.travel(T0 + dt.timedelta(seconds=7), tick=False):
        # The retry's time came: the clock hands it over and it goes out once.
        assert outbox_tick(now=T0 + dt.timedelta(seconds=7))["released"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert [s.chat_id for s in fake_api.sent] == [CHAT[kind]]
    assert row.external_id == f"{CHAT[kind]}:{fake_api.sent[0].message_id}"


@pytest.mark.parametrize("kind", KINDS)
def test_a_refusal_fails_the_row_for_good(kind, make, fake_api):
    fake_api.fault = lambda method, params: Fault(status=403)
    with time_machine.travel(T0, tick=False):
        row, task = make(kind, T0)
        assert task.call(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1) and "blocked" in row.last_error
    later = T0 + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later) == {"released": 0, "reconciled": 0}
        assert task.call(row.pk) == "failed"
    assert _send_calls(fake_api) == 1


def test_one_classification_decides_for_client_messages_and_notices_alike(
    make, fake_api, monkeypatch
):
    # A 500 is temporary; declare every failure final in the one adapter and both tables obey.
    monkeypatch.setattr(TelegramAdapter, "classify", lambda self, exc: Failure.final("final now"))
    fake_api.fault = lambda method, params: Fault(status=500)
    with time_machine.travel(T0, tick=False):
        rows = [make(kind, T0) for kind in KINDS]
        assert [task.call(row.pk) for row, task in rows] == ["failed", "failed"]
    for row, _task in rows:
        row.refresh_from_db()
        assert (row.state, row.last_error) == ("failed", "final now")


@pytest.mark.parametrize("kind", KINDS)
def test_a_stuck_send_is_timed_from_its_claim_not_from_when_it_was_due(kind, make, fake_api):
    due_long_ago = T0 - dt.timedelta(hours=3)
    with time_machine.travel(due_long_ago, tick=False):
        row, _task = make(kind, due_long_ago)
    type(row).objects.filter(pk=row.pk).update(
        state="sending", claimed_at=T0 - dt.timedelta(minutes=4), attempts=1
    )
    with time_machine.travel(T0, tick=False):
        assert outbox_tick(now=T0)["reconciled"] == 0
    row.refresh_from_db()
    assert row.state == "sending" and fake_api.sent == []
    later = T0 + dt.timedelta(minutes=2)  # claimed 6 minutes ago: that worker is dead
    assert later - row.claimed_at > STUCK_SENDING
    with time_machine.travel(later, tick=False):
        # No slot: the call never went out, so it is sent now, once.
        assert outbox_tick(now=later)["reconciled"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert [s.chat_id for s in fake_api.sent] == [CHAT[kind]]


def _crash_before_the_call(monkeypatch):
    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(telegram_adapter, "send_paced", die)


def _crash_after_the_answer(monkeypatch):
    real = telegram_adapter.send_paced

    def send_then_die(*args, **kwargs):
        real(*args, **kwargs)
        raise Crash

    monkeypatch.setattr(telegram_adapter, "send_paced", send_then_die)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("crash", [_crash_before_the_call, _crash_after_the_answer])
def test_a_worker_dying_between_claim_and_result_neither_loses_nor_doubles(
    kind, crash, make, fake_api, monkeypatch
):
    with time_machine.travel(T0, tick=False):
        row, task = make(kind, T0)
        crash(monkeypatch)
        with pytest.raises(Crash):
            task.call(row.pk)
    monkeypatch.undo()
    row.refresh_from_db()
    assert row.state == "sending" and row.claimed_at == T0
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["reconciled"] == 1
        assert task.call(row.pk) == "sent"  # a late retry of the dead task changes nothing
        assert outbox_tick(now=later + dt.timedelta(minutes=6))["reconciled"] == 0
    row.refresh_from_db()
    [sent] = fake_api.sent
    assert row.state == "sent" and row.external_id == f"{CHAT[kind]}:{sent.message_id}"


@pytest.mark.parametrize("kind", KINDS)
def test_a_worker_dying_inside_the_call_leaves_the_row_for_a_person(
    kind, make, fake_api, monkeypatch
):
    real = TelegramClient.send_message

    def answer_lost(self, **kwargs):
        real(self, **kwargs)
        raise Crash  # the message is in the chat; the answer died with the worker

    with time_machine.travel(T0, tick=False):
        row, task = make(kind, T0)
        monkeypatch.setattr(TelegramClient, "send_message", answer_lost)
        with pytest.raises(Crash):
            task.call(row.pk)
    monkeypatch.undo()
    assert SendSlot.objects.get().outcome == "pending"
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["reconciled"] == 1
        type(row).objects.filter(pk=row.pk).update(state="queued")  # whatever tries again…
        assert task.call(row.pk) == "failed"
    row.refresh_from_db()
    assert row.state == "failed" and "may have been delivered" in row.last_error
    assert len(fake_api.sent) == 1  # …never sends it twice


def test_a_message_held_for_quiet_hours_is_released_when_the_day_starts(
    acme, am, fake_api, django_capture_on_commit_callbacks
):
    from agencydesk.messaging.services import conversation_for, message_send

    evening = dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)  # 20:00 in Moscow
    morning = dt.datetime(2026, 3, 11, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow
    with time_machine.travel(evening, tick=False), django_capture_on_commit_callbacks(execute=True):
        conversation = conversation_for(client=acme, channel="telegram", key=str(GROUP), at=evening)
        row = message_send(
            client=acme, text="До завтра", by=am, at=evening, conversation=conversation
        )
    assert (row.state, row.send_after, row.held_reason) == ("held", morning, "outside_hours")
    before = morning - dt.timedelta(minutes=1)
    with time_machine.travel(before, tick=False):
        assert outbox_tick(now=before)["released"] == 0
    assert fake_api.sent == []
    with time_machine.travel(morning, tick=False):
        assert outbox_tick(now=morning)["released"] == 1
        assert outbox_tick(now=morning)["released"] == 0
    row.refresh_from_db()
    assert row.state == "sent" and [s.text for s in fake_api.sent] == ["До завтра"]


def test_the_outbox_ticks_with_the_desk_clock_and_the_ledger_knows_nothing_of_it():
    assert outbox_tick in clock.TICKS
    source = inspect.getsource(clock)
    assert not any(name in source for name in ("OutboundMessage", "OutboxState", "outbox_send"))
    assert "released" not in clock.clock_tick(now=T0)
