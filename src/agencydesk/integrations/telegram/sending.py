"""Pacing: every sendMessage first reserves a slot in the database, so all workers share the limits.

Telegram allows about one message a second in a chat, twenty a minute in a
group and thirty a second in all. Each call is a ``SendSlot`` row reserved
under a lock (a locked row on PostgreSQL, the write lock on SQLite); a slot is
granted only if the windows, counted over the rows, have room. The limits
below keep a margin so that the moments Telegram sees the calls, a few
milliseconds later, stay inside its limits too; and once a call ends its slot
moves to that moment, so the next message to the chat is counted from when
the previous one surely arrived, not from when it was asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from agencydesk.integrations.telegram.choices import SendOutcome
from agencydesk.integrations.telegram.client import ApiError, MaybeSent, TelegramClient
from agencydesk.integrations.telegram.models import PacingLock, SendSlot

CHAT_INTERVAL = 1.1  # seconds between two messages to one chat (Telegram: about 1 s)
GROUP_LIMIT, GROUP_WINDOW = 20, 61.0  # per group (Telegram: 20 a minute)
GLOBAL_LIMIT, GLOBAL_WINDOW = 25, 1.0  # in all (Telegram: 30 a second)
KEEP_SLOTS = timedelta(days=2)
WAIT_IN_PLACE = 3.0  # a shorter wait is slept here; a longer one goes back to the queue
IN_FLIGHT = 30.0  # a pending slot older than this is a dead worker's, not a call in flight


class PacingFull(Exception):
    """No slot now; ``retry_after`` seconds until there is one."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"pacing: next slot in {retry_after:.1f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Target:
    chat_id: int
    thread_id: int | None
    is_group: bool


def _wait_needed(target: Target, now) -> float:
    # A call still in flight to this chat: its arrival moment is not known yet.
    if SendSlot.objects.filter(
        chat_id=target.chat_id,
        outcome=SendOutcome.PENDING,
        reserved_at__gt=now - timedelta(seconds=IN_FLIGHT),
    ).exists():
        return 0.05
    wait = 0.0
    last = (
        SendSlot.objects.filter(
            chat_id=target.chat_id, reserved_at__gt=now - timedelta(seconds=CHAT_INTERVAL)
        )
        .order_by("-reserved_at")
        .values_list("reserved_at", flat=True)
        .first()
    )
    if last is not None:
        wait = (last + timedelta(seconds=CHAT_INTERVAL) - now).total_seconds()
    if target.is_group:
        recent = list(
            SendSlot.objects.filter(
                chat_id=target.chat_id, reserved_at__gt=now - timedelta(seconds=GROUP_WINDOW)
            )
            .order_by("-reserved_at")
            .values_list("reserved_at", flat=True)[:GROUP_LIMIT]
        )
        if len(recent) >= GROUP_LIMIT:
            oldest = recent[-1] + timedelta(seconds=GROUP_WINDOW)
            wait = max(wait, (oldest - now).total_seconds())
    recent = list(
        SendSlot.objects.filter(reserved_at__gt=now - timedelta(seconds=GLOBAL_WINDOW))
        .order_by("-reserved_at")
        .values_list("reserved_at", flat=True)[:GLOBAL_LIMIT]
    )
    if len(recent) >= GLOBAL_LIMIT:
        oldest = recent[-1] + timedelta(seconds=GLOBAL_WINDOW)
        wait = max(wait, (oldest - now).total_seconds())
    # A clock set back (or slots from another machine ahead of ours) never blocks for long.
    return min(wait, GROUP_WINDOW)


def slot_reserve(target: Target, *, outbox_id: int | None = None, notice_id: int | None = None):
    """A slot now, or the seconds to wait for one (a float)."""
    with transaction.atomic():
        lock, _created = PacingLock.objects.get_or_create(name="send")
        PacingLock.objects.select_for_update().filter(pk=lock.pk).first()
        now = timezone.now()
        wait = _wait_needed(target, now)
        if wait > 0:
            return wait
        slot = SendSlot.objects.create(
            chat_id=target.chat_id,
            is_group=target.is_group,
            reserved_at=now,
            outbox_id=outbox_id,
            notice_id=notice_id,
        )
        if slot.pk % 500 == 0:
            SendSlot.objects.filter(reserved_at__lt=now - KEEP_SLOTS).delete()
        return slot


def send_paced(
    target: Target,
    text: str,
    *,
    outbox_id: int | None = None,
    notice_id: int | None = None,
    client: TelegramClient | None = None,
) -> SendSlot:
    """Send within the limits; the slot records the outcome. Raises ``PacingFull`` or ``ApiError``."""
    deadline = time.monotonic() + WAIT_IN_PLACE
    while True:
        reserved = slot_reserve(target, outbox_id=outbox_id, notice_id=notice_id)
        if isinstance(reserved, SendSlot):
            break
        if time.monotonic() + reserved > deadline:
            raise PacingFull(reserved)
        time.sleep(reserved)
    slot = reserved
    try:
        result = (client or TelegramClient()).send_message(
            chat_id=target.chat_id, text=text, message_thread_id=target.thread_id
        )
    except MaybeSent as exc:
        SendSlot.objects.filter(pk=slot.pk).update(
            outcome=SendOutcome.UNKNOWN, error=str(exc)[:500]
        )
        raise
    except ApiError as exc:
        SendSlot.objects.filter(pk=slot.pk).update(outcome=SendOutcome.FAILED, error=str(exc)[:500])
        raise
    slot.outcome = SendOutcome.SENT
    slot.telegram_message_id = int(result["message_id"])
    slot.reserved_at = timezone.now()
    SendSlot.objects.filter(pk=slot.pk).update(
        outcome=slot.outcome,
        telegram_message_id=slot.telegram_message_id,
        reserved_at=slot.reserved_at,
    )
    return slot
