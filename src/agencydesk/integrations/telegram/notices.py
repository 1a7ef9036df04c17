"""The bot's own messages (confirmations in a chat, alerts and digests to a person): queued in the one outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from agencydesk.integrations.telegram.models import TelegramNotice
from agencydesk.outbox.services import outbox_hand_over_on_commit, outbox_hold_or_queue

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


def notice_queue(
    *,
    kind: str,
    key: str,
    chat_id: int,
    text: str,
    at: datetime,
    thread_id: int | None = None,
    user: User | None = None,
) -> TelegramNotice | None:
    """Queue a message of the bot; the same ``key`` twice queues it once. Sent after commit."""
    if TelegramNotice.objects.filter(key=key).exists():
        return None
    notice = TelegramNotice(
        kind=kind,
        key=key,
        chat_id=chat_id,
        thread_id=thread_id,
        text=text,
        user=user,
        created_at=at,
    )
    outbox_hold_or_queue(row=notice, at=at)
    # The key's uniqueness is the database's to decide, below: a worker racing us is not an error.
    notice.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        return None  # queued by another worker meanwhile: the key says it is the same notice
    outbox_hand_over_on_commit(row=notice)
    return notice
