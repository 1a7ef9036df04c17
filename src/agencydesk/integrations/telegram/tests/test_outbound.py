"""Outbound: replies reach the right chat and topic, within the limits, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agencydesk.integrations.telegram import sending
from agencydesk.integrations.telegram.adapter import TelegramAdapter
from agencydesk.integrations.telegram.choices import SendOutcome
from agencydesk.integrations.telegram.models import SendSlot, TelegramChat
from agencydesk.integrations.telegram.sending import Target, slot_reserve
from agencydesk.integrations.telegram.testing import Fault
from agencydesk.messaging.models import OutboundMessage
from agencydesk.messaging.services import conversation_for, message_send
from agencydesk.messaging.tasks import outbox_send
from agencydesk.outbox.adapters import MaybeDelivered
from agencydesk.outbox.services import outbox_tick

GROUP = -1001234
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def linked(client_acme):
    return TelegramChat.objects.create(
        chat_id=GROUP,
        type="supergroup",
        title="Acme",
        is_forum=True,
        client=client_acme,
        first_seen_at=timezone.now(),
    )


def _reply(client, am, key, capture, text="Макет будет сегодня"):
    conversation = conversation_for(client=client, channel="telegram", key=key, at=timezone.now())
    with capture(execute=True):
        return message_send(
            client=client, text=text, by=am, at=timezone.now(), conversation=conversation
        )


def test_a_reply_goes_to_the_chat_and_forum_topic_of_its_conversation(
    fake_api, linked, client_acme, am, django_capture_on_commit_callbacks
):
    outbox = _reply(client_acme, am, f"{GROUP}:7", django_capture_on_commit_callbacks)
    outbox.refresh_from_db()
    [sent] = fake_api.sent
    assert (sent.chat_id, sent.message_thread_id, sent.text) == (GROUP, 7, "Макет будет сегодня")
    assert outbox.state == "sent"
    assert outbox.external_id == f"{GROUP}:{sent.message_id}"


def test_the_main_thread_goes_to_the_clients_group(
    fake_api, linked, client_acme, am, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(client=client_acme, text="Hello", by=am, at=timezone.now(), channel="telegram")
    [sent] = fake_api.sent
    assert (sent.chat_id, sent.message_thread_id) == (GROUP, None)


def test_a_client_without_a_linked_chat_fails_with_a_reason(
    fake_api, client_acme, am, django_capture_on_commit_callbacks
):
    outbox = _reply(client_acme, am, None, django_capture_on_commit_callbacks)
    outbox.refresh_from_db()
    assert outbox.state == "failed"
    assert "No Telegram chat" in outbox.last_error
    assert fake_api.sent == []


def test_429_waits_the_time_telegram_asks_then_sends_once(
    fake_api, linked, client_acme, am, django_capture_on_commit_callbacks
):
    calls = []

    def fault(method, params):
        calls.append(method)
        return Fault(status=429, retry_after=7) if len(calls) == 1 else None

    fake_api.fault = fault
    outbox = _reply(client_acme, am, str(GROUP), django_capture_on_commit_callbacks)
    outbox.refresh_from_db()
    assert outbox.state == "queued" and "retry" in outbox.last_error.lower()
    wait = (outbox.send_after - timezone.now()).total_seconds()
    assert 5 < wait <= 7
    assert outbox_send.call(outbox.pk) == "queued"  # not due yet: nothing is sent
    with time_machine.travel(outbox.send_after + dt.timedelta(seconds=1)):
        assert outbox_send.call(outbox.pk) == "sent"
        assert outbox_send.call(outbox.pk) == "sent"
    assert len(fake_api.sent) == 1


def test_a_500_is_retried_with_backoff(
    fake_api, linked, client_acme, am, django_capture_on_commit_callbacks
):
    failures = iter([Fault(status=500)])
    fake_api.fault = lambda method, params: next(failures, None)
    outbox = _reply(client_acme, am, str(GROUP), django_capture_on_commit_callbacks)
    outbox.refresh_from_db()
    assert (outbox.state, outbox.attempts) == ("queued", 1)
    assert (outbox.send_after - timezone.now()).total_seconds() > 5
    with time_machine.travel(outbox.send_after + dt.timedelta(seconds=1)):
        assert outbox_send.call(outbox.pk) == "sent"
    assert len(fake_api.sent) == 1
    assert list(SendSlot.objects.order_by("reserved_at").values_list("outcome", flat=True)) == [
        SendOutcome.FAILED,
        SendOutcome.SENT,
    ]


def test_no_answer_after_sending_is_never_resent(
    fake_api, linked, client_acme, am, settings, django_capture_on_commit_callbacks
):
    settings.TELEGRAM_TIMEOUT = 0.3
    fake_api.fault = lambda method, params: Fault(delay=1.0)
    outbox = _reply(client_acme, am, str(GROUP), django_capture_on_commit_callbacks)
    outbox.refresh_from_db()
    assert outbox.state == "failed"
    assert "may have been delivered" in outbox.last_error
    fake_api.fault = None
    # Whatever tries again (a retry, the clock's reconciliation) sends nothing more.
    OutboundMessage.objects.filter(pk=outbox.pk).update(state="queued")
    assert outbox_send.call(outbox.pk) == "failed"
    assert len(fake_api.sent) == 1


def test_a_worker_dead_mid_call_leaves_the_message_for_a_person(fake_api, linked, client_acme, am):
    with time_machine.travel(T0):
        outbox = message_send(
            client=client_acme, text="x", by=am, at=timezone.now(), channel="telegram"
        )
    OutboundMessage.objects.filter(pk=outbox.pk).update(state="sending", claimed_at=T0)
    SendSlot.objects.create(chat_id=GROUP, reserved_at=T0, outbox=outbox)  # no outcome: died
    outbox.refresh_from_db()
    with pytest.raises(MaybeDelivered):
        TelegramAdapter().reconcile(outbox)
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["reconciled"] == 1
    outbox.refresh_from_db()
    assert outbox.state == "failed" and "may have been delivered" in outbox.last_error
    assert fake_api.sent == []


def test_reconcile_knows_a_delivered_message(fake_api, linked, client_acme, am):
    outbox = message_send(
        client=client_acme, text="x", by=am, at=timezone.now(), channel="telegram"
    )
    SendSlot.objects.create(
        chat_id=GROUP,
        reserved_at=timezone.now(),
        outbox=outbox,
        outcome=SendOutcome.SENT,
        telegram_message_id=99,
    )
    assert TelegramAdapter().reconcile(outbox) == f"{GROUP}:99"
    assert TelegramAdapter().send(outbox) == f"{GROUP}:99"
    assert fake_api.sent == []


def _sent(target: Target) -> SendSlot | float:
    """Reserve a slot and end its call at once, as a delivered message does."""
    slot = slot_reserve(target)
    if isinstance(slot, SendSlot):
        SendSlot.objects.filter(pk=slot.pk).update(outcome=SendOutcome.SENT)
    return slot


@pytest.mark.django_db
def test_one_message_a_second_per_chat_counted_from_the_end_of_the_call():
    target = Target(GROUP, None, True)
    with time_machine.travel(T0, tick=False) as traveller:
        in_flight = slot_reserve(target)
        assert isinstance(in_flight, SendSlot)
        assert slot_reserve(target) == pytest.approx(0.05)  # wait for the answer first
        traveller.shift(0.4)
        SendSlot.objects.filter(pk=in_flight.pk).update(
            outcome=SendOutcome.SENT, reserved_at=timezone.now()
        )
        assert slot_reserve(target) == pytest.approx(sending.CHAT_INTERVAL)
        assert isinstance(_sent(Target(-2, None, True)), SendSlot)  # another chat: free
        traveller.shift(sending.CHAT_INTERVAL)
        assert isinstance(_sent(target), SendSlot)


@pytest.mark.django_db
def test_twenty_a_minute_per_group_but_not_for_a_private_chat():
    group, private = Target(GROUP, None, True), Target(42, None, False)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(sending.GROUP_LIMIT):
            assert isinstance(_sent(group), SendSlot)
            assert isinstance(_sent(private), SendSlot)
            traveller.shift(2)
        # 40 s later the group's first slot is still in its window.
        wait = _sent(group)
        assert wait == pytest.approx(sending.GROUP_WINDOW - 2 * sending.GROUP_LIMIT)
        assert isinstance(_sent(private), SendSlot)


@pytest.mark.django_db
def test_the_global_limit_spans_every_chat():
    with time_machine.travel(T0, tick=False):
        for chat in range(sending.GLOBAL_LIMIT):
            assert isinstance(_sent(Target(chat, None, False)), SendSlot)
        wait = _sent(Target(10_000, None, False))
        assert 0 < wait <= sending.GLOBAL_WINDOW


def test_the_automatic_acknowledgement_answers_in_the_clients_topic(
    fake_api, process, client_acme, am, django_capture_on_commit_callbacks
):
    from agencydesk.commitments.models import Commitment
    from agencydesk.integrations.telegram.services import link_code_create
    from agencydesk.integrations.telegram.testing import group_message
    from agencydesk.messaging.services import acknowledgement_send, template_text

    code = link_code_create(client=client_acme, by=am, at=timezone.now())
    process(
        group_message(
            update_id=1, chat_id=GROUP, message_id=1, is_forum=True, text=f"/link {code.code}"
        ),
        group_message(
            update_id=2,
            chat_id=GROUP,
            message_id=2,
            is_forum=True,
            thread_id=9,
            username="gromov",
            text="Пришлите счёт",
        ),
    )
    first = Commitment.objects.get(kind="first_response")
    with django_capture_on_commit_callbacks(execute=True):
        acknowledgement_send(commitment=first, at=timezone.now())
    ack = fake_api.sent_to(GROUP)[-1]
    assert ack.message_thread_id == 9
    expected = template_text(
        kind="acknowledgement", client=client_acme, contact=client_acme.contacts.get()
    )
    assert ack.text == expected
