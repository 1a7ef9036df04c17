"""Whether the bot is still in a chat: removed from a client's group, the desk goes blind there.

Telegram says so with ``my_chat_member``. A removal marks the chat disconnected
(its history stays), opens a commitment in the account manager's Today and
alerts them; adding the bot back, or the AM dismissing it, meets the commitment.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import business_day_minutes, calendar_engine, client_calendar
from agencydesk.clients.responsible import responsible_for
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_meet, commitment_open
from agencydesk.core.services import audit_record
from agencydesk.integrations.telegram.alerts import chat_lost_alert
from agencydesk.integrations.telegram.choices import TELEGRAM_LOST
from agencydesk.integrations.telegram.models import TelegramChat

if TYPE_CHECKING:
    from agencydesk.accounts.models import User

GONE = ("left", "kicked")


def _is_gone(status: str, is_member: bool) -> bool:
    # A restricted bot may still be a member: only then does it still see the chat.
    return status in GONE or (status == "restricted" and not is_member)


def _pending_lost(chat: TelegramChat) -> Commitment | None:
    if chat.lost_id is None:
        return None
    return Commitment.objects.filter(pk=chat.lost_id, state__in=ACTIVE_STATES).first()


@transaction.atomic
def bot_status_record(
    *, chat: TelegramChat, status: str, is_member: bool, changed_at: datetime, at: datetime
) -> TelegramChat:
    """Telegram told what the bot now is in ``chat``: keep it, and act if it is out or back."""
    gone = _is_gone(status, is_member)
    was_gone = chat.disconnected_at is not None
    chat.bot_status = status[:16]
    fields = ["bot_status"]
    if gone and not was_gone:
        chat.disconnected_at = changed_at
        fields.append("disconnected_at")
    elif not gone and was_gone:
        chat.disconnected_at = None
        fields.append("disconnected_at")
    chat.save(update_fields=fields)
    if gone == was_gone:
        return chat
    audit_record(
        actor=None,
        action="telegram_chat.disconnect" if gone else "telegram_chat.reconnect",
        obj=chat,
        client_id=chat.client_id,
        changes={"bot_status": status},
        at=at,
    )
    if gone:
        _lost_open(chat, at=at)
    else:
        lost = _pending_lost(chat)
        if lost is not None:
            commitment_meet(commitment=lost, at=at)
    return chat


def _lost_open(chat: TelegramChat, *, at: datetime) -> None:
    """The account manager must know the desk no longer sees this chat, in Today and in Telegram."""
    client = chat.client
    if client is None or _pending_lost(chat) is not None:
        return  # an unassigned chat or an AM's alert chat: nobody's promise is at stake
    calendar = client_calendar(client)
    start = chat.disconnected_at or at
    minutes = business_day_minutes(calendar_engine(calendar), start)
    commitment = commitment_open(
        kind=TELEGRAM_LOST,
        subject=chat,
        client=client,
        owner=responsible_for(client=client, at=at),
        calendar=calendar,
        start_at=start,
        minutes=minutes,
        reason_params={"chat": str(chat)[:120], "client": client.name[:120]},
        at=at,
    )
    chat.lost = commitment
    chat.save(update_fields=["lost"])
    chat_lost_alert(chat=chat, commitment=commitment, at=at)


@transaction.atomic
def chat_lost_dismiss(*, chat: TelegramChat, by: User, at: datetime) -> bool:
    """The AM knows the bot is gone and it is meant to be: the item leaves Today, the chat stays."""
    if chat.client is None or not can_edit_client(by, chat.client):
        raise PermissionDenied(_("Only the client's account managers or a director may do this."))
    lost = _pending_lost(chat)
    if lost is None:
        return False
    return commitment_meet(commitment=lost, at=at, by=by)
