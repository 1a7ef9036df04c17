"""The outbox's Telegram channel: an AM's reply, an acknowledgement or a bot notice, to its chat and topic.

One adapter for both outbox tables (client messages and the bot's notices to
people), so both are paced, classified and reconciled the same way.

Never twice: before a call the adapter looks at the slots of earlier attempts.
A slot that got an answer means delivered (its id is returned again); a slot
left ``pending`` or ``unknown`` means a call went out and no answer came back,
so the message may be in the chat: the row fails with a clear reason for a
person to check, and nothing resends it by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from agencydesk.integrations.telegram.choices import SendOutcome
from agencydesk.integrations.telegram.client import (
    ApiError,
    MaybeSent,
    NotSent,
    Refused,
    RetryLater,
)
from agencydesk.integrations.telegram.models import SendSlot, TelegramChat, TelegramNotice
from agencydesk.integrations.telegram.sending import PacingFull, Target, send_paced
from agencydesk.messaging.channels import LoggedChannel
from agencydesk.outbox.adapters import Failure, MaybeDelivered, PermanentFailure, channel_failure

if TYPE_CHECKING:
    from agencydesk.messaging.models import Conversation, OutboundMessage

    Row = OutboundMessage | TelegramNotice


def ambiguous_reason() -> str:
    return _(
        "Telegram did not answer after the message was sent: it may have been delivered. "
        "Check the chat; write it again only if it is not there."
    )


def target_for(conversation: Conversation) -> Target:
    """The chat and forum topic of a conversation; ``PermanentFailure`` if it has none."""
    key = conversation.external_key
    if key == "main":
        rank = {"supergroup": 0, "group": 1, "private": 2}
        chats = sorted(
            TelegramChat.objects.filter(client_id=conversation.client_id, type__in=rank),
            key=lambda c: (rank[c.type], c.pk),
        )
        chat = chats[0] if chats else None
        if chat is None:
            raise PermanentFailure(_("No Telegram chat is linked to this client."))
        return Target(chat.chat_id, None, chat.is_group)
    chat_part, _sep, thread_part = key.partition(":")
    try:
        chat_id = int(chat_part)
        thread_id = int(thread_part) if thread_part else None
    except ValueError:
        raise PermanentFailure(_("This conversation is not a Telegram chat.")) from None
    chat = TelegramChat.objects.filter(chat_id=chat_id, client_id=conversation.client_id).first()
    if chat is None:
        raise PermanentFailure(_("This Telegram chat is no longer linked to the client."))
    return Target(chat.chat_id, thread_id, chat.is_group)


def _external_id(slot: SendSlot) -> str:
    return f"{slot.chat_id}:{slot.telegram_message_id}"


def _slot_owner(row: Row) -> dict[str, int]:
    """Which column of a send slot points at ``row``."""
    if isinstance(row, TelegramNotice):
        return {"notice_id": row.pk}
    return {"outbox_id": row.pk}


def _logged(row: Row) -> bool:
    # Without a bot token a client message is recorded by the logged channel, so
    # the desk works before Telegram is set up; a notice has no client to log it for.
    return not settings.TELEGRAM_BOT_TOKEN and not isinstance(row, TelegramNotice)


class TelegramAdapter:
    """Delivers through the Bot API, paced; without a bot token, client messages go to the logged channel."""

    name = "telegram"

    def send(self, row: Row) -> str:
        if _logged(row):
            return LoggedChannel().send(row)
        owner = _slot_owner(row)
        earlier = list(SendSlot.objects.filter(**owner).order_by("reserved_at"))
        for slot in earlier:
            if slot.outcome == SendOutcome.SENT:
                return _external_id(slot)
        if any(s.outcome in (SendOutcome.PENDING, SendOutcome.UNKNOWN) for s in earlier):
            raise MaybeDelivered(ambiguous_reason())
        if isinstance(row, TelegramNotice):
            chat = TelegramChat.objects.filter(chat_id=row.chat_id).first()
            target = Target(row.chat_id, row.thread_id, bool(chat and chat.is_group))
            text = row.text
        else:
            target = target_for(row.message.conversation)
            text = row.message.text
        return _external_id(send_paced(target, text, **owner))

    def classify(self, exc: Exception) -> Failure | None:
        """Telegram's answers as the outbox understands them; the outbox's own exceptions as they are."""
        if isinstance(exc, PacingFull | RetryLater):
            return Failure.temporary(str(exc), retry_after=exc.retry_after)
        if isinstance(exc, NotSent):
            return Failure.temporary(str(exc))
        if isinstance(exc, MaybeSent):
            return Failure.final(f"{ambiguous_reason()} ({exc})")
        if isinstance(exc, Refused | ApiError):
            return Failure.final(str(exc))
        return channel_failure(exc)

    def reconcile(self, row: Row) -> str | None:
        """After a worker died mid-send: delivered (its id), surely not (None), or unknown (``MaybeDelivered``)."""
        if _logged(row):
            return LoggedChannel().reconcile(row)
        slot = SendSlot.objects.filter(**_slot_owner(row)).order_by("-reserved_at").first()
        if slot is None or slot.outcome == SendOutcome.FAILED:
            return None
        if slot.outcome == SendOutcome.SENT:
            return _external_id(slot)
        # The call went out and its answer was lost with the worker: a person must look.
        raise MaybeDelivered(ambiguous_reason())
