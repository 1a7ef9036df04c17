"""The outbox: a crash never loses or duplicates a message; failures retry with backoff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from agencydesk.messaging import channels
from agencydesk.messaging.models import Delivery, OutboundMessage
from agencydesk.messaging.services import message_send
from agencydesk.messaging.tasks import outbox_send
from agencydesk.outbox.adapters import PermanentFailure, TemporaryFailure
from agencydesk.outbox.services import outbox_tick

from .conftest import msk

pytestmark = pytest.mark.django_db
NOON = msk(2026, 3, 10, 12, 0)


def _queued(acme, team):
    # Not run on commit: the test drives the task itself.
    return message_send(client=acme, text="Добрый день!", by=team["am"], at=NOON)


def test_running_the_send_task_twice_delivers_once(acme, team):
    outbox = _queued(acme, team)
    with time_machine.travel(NOON, tick=False):
        assert outbox_send.call(outbox.pk) == "sent"
        assert outbox_send.call(outbox.pk) == "sent"
    assert Delivery.objects.count() == 1


class CrashAfterDelivery(BaseException):
    """Like a SIGKILL between the channel's answer and our write: not an Exception."""


def test_worker_killed_after_delivery_is_reconciled_without_a_second_send(acme, team, monkeypatch):
    outbox = _queued(acme, team)
    real_send = channels.LoggedChannel.send

    def send_then_die(self, box):
        real_send(self, box)
        raise CrashAfterDelivery

    monkeypatch.setattr(channels.LoggedChannel, "send", send_then_die)
    with time_machine.travel(NOON, tick=False), pytest.raises(CrashAfterDelivery):
        outbox_send.call(outbox.pk)
    outbox.refresh_from_db()
    assert outbox.state == "sending" and Delivery.objects.count() == 1
    monkeypatch.setattr(channels.LoggedChannel, "send", real_send)
    later = NOON + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["reconciled"] == 1
    outbox.refresh_from_db()
    assert outbox.state == "sent" and outbox.external_id.startswith("log-")
    assert Delivery.objects.count() == 1


def test_worker_killed_before_delivery_is_sent_again_exactly_once(
    acme, team, monkeypatch, django_capture_on_commit_callbacks
):
    outbox = _queued(acme, team)

    def die(self, box):
        raise CrashAfterDelivery

    monkeypatch.setattr(channels.LoggedChannel, "send", die)
    with time_machine.travel(NOON, tick=False), pytest.raises(CrashAfterDelivery):
        outbox_send.call(outbox.pk)
    assert Delivery.objects.count() == 0
    monkeypatch.undo()
    later = NOON + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        outbox_tick(now=later)  # requeues and (immediate backend) sends
    outbox.refresh_from_db()
    assert outbox.state == "sent"
    assert Delivery.objects.count() == 1


def test_temporary_failure_retries_with_backoff_then_succeeds(acme, team, monkeypatch):
    outbox = _queued(acme, team)
    calls = []

    def flaky(self, box):
        calls.append(box.pk)
        raise TemporaryFailure("429 Too Many Requests", retry_after=7)

    monkeypatch.setattr(channels.LoggedChannel, "send", flaky)
    with time_machine.travel(NOON, tick=False):
        assert outbox_send.call(outbox.pk) == "queued"
    outbox.refresh_from_db()
    assert outbox.send_after == NOON + dt.timedelta(seconds=7)
    assert outbox.attempts == 1 and "429" in outbox.last_error
    with time_machine.travel(NOON + dt.timedelta(seconds=3), tick=False):
        assert outbox_send.call(outbox.pk) == "queued"  # not due yet: nothing tried
    assert len(calls) == 1
    monkeypatch.undo()
    with time_machine.travel(NOON + dt.timedelta(seconds=8), tick=False):
        assert outbox_send.call(outbox.pk) == "sent"
    assert Delivery.objects.count() == 1


def test_permanent_failure_is_kept_as_failed(acme, team, monkeypatch):
    outbox = _queued(acme, team)

    def refuse(self, box):
        raise PermanentFailure("chat not found")

    monkeypatch.setattr(channels.LoggedChannel, "send", refuse)
    with time_machine.travel(NOON, tick=False):
        assert outbox_send.call(outbox.pk) == "failed"
    outbox.refresh_from_db()
    assert outbox.state == "failed" and "chat not found" in outbox.last_error
    assert OutboundMessage.objects.count() == 1  # nothing lost: the row and the message stay


def test_a_lost_enqueue_is_handed_over_again_but_not_every_tick(acme, team):
    outbox = _queued(acme, team)  # committed, but its task never ran (the enqueue was lost)
    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        assert outbox_tick(now=NOON + dt.timedelta(minutes=1))["released"] == 0
    later = NOON + dt.timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["released"] == 1
    outbox.refresh_from_db()
    assert outbox.state == "sent" and Delivery.objects.count() == 1
    with time_machine.travel(later + dt.timedelta(minutes=5), tick=False):
        assert outbox_tick(now=later + dt.timedelta(minutes=5))["released"] == 0
