"""The outbox's Telegram channel: deliver an AM's reply, an acknowledgement or a notice to its chat and topic.

Never twice: before a call the adapter looks at the slots of earlier attempts.
A slot that got an answer means delivered (its id is returned again); a slot
left ``pending`` or ``unknown`` means a call went out and no answer came back,
so the message may be in the chat: the outbox row fails with a clear reason
for the account manager to check, and nothing resends it by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from agencydesk.integrations.telegram.choices import SendOutcome
from agencydesk.integrations.telegram.client import MaybeSent, NotSent, Refused, RetryLater
from agencydesk.integrations.telegram.models import SendSlot, TelegramChat
from agencydesk.integrations.telegram.sending import PacingFull, Target, send_paced
from agencydesk.messaging.channels import LoggedChannel, PermanentFailure, TemporaryFailure
from agencydesk.messaging.choices import OutboxState

if TYPE_CHECKING:
    from agencydesk.messaging.models import Conversation, OutboundMessage


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


class TelegramAdapter:
    """Delivers through the Bot API; without a bot token, the logged channel records the message."""

    name = "telegram"

    def send(self, outbox: OutboundMessage) -> str:
        if not settings.TELEGRAM_BOT_TOKEN:
            return LoggedChannel().send(outbox)
        earlier = list(SendSlot.objects.filter(outbox=outbox).order_by("reserved_at"))
        for slot in earlier:
            if slot.outcome == SendOutcome.SENT:
                return _external_id(slot)
        if any(s.outcome in (SendOutcome.PENDING, SendOutcome.UNKNOWN) for s in earlier):
            raise PermanentFailure(ambiguous_reason())
        target = target_for(outbox.message.conversation)
        try:
            slot = send_paced(target, outbox.message.text, outbox_id=outbox.pk)
        except (PacingFull, RetryLater) as exc:
            raise TemporaryFailure(str(exc), retry_after=exc.retry_after) from exc
        except NotSent as exc:
            raise TemporaryFailure(str(exc)) from exc
        except MaybeSent as exc:
            raise PermanentFailure(f"{ambiguous_reason()} ({exc})") from exc
        except Refused as exc:
            raise PermanentFailure(str(exc)) from exc
        return _external_id(slot)

    def reconcile(self, outbox: OutboundMessage) -> str | None:
        """After a worker died mid-send: delivered (its id), surely not (None), or unknown (failed)."""
        from agencydesk.messaging.models import OutboundMessage

        if not settings.TELEGRAM_BOT_TOKEN:
            return LoggedChannel().reconcile(outbox)
        slot = SendSlot.objects.filter(outbox=outbox).order_by("-reserved_at").first()
        if slot is None or slot.outcome == SendOutcome.FAILED:
            return None
        if slot.outcome == SendOutcome.SENT:
            return _external_id(slot)
        # The call went out and its answer was lost with the worker: a person must look.
        OutboundMessage.objects.filter(pk=outbox.pk, state=OutboxState.SENDING).update(
            state=OutboxState.FAILED, last_error=ambiguous_reason(), claimed_at=None
        )
        return None
