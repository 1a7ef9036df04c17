"""Account managers' personal alerts: a warning before a first response is late, and the daily digest.

Each alert is a ``TelegramNotice`` with a key (``warn:<commitment>``,
``digest:<user>:<date>``), so a tick run by several workers, or twice, sends
each one once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencydesk.commitments.choices import State
from agencydesk.commitments.kinds import kind_label
from agencydesk.commitments.models import Commitment
from agencydesk.insights.selectors import attention_items
from agencydesk.integrations.telegram.choices import NoticeKind
from agencydesk.integrations.telegram.models import TelegramChat, TelegramNotice
from agencydesk.integrations.telegram.notices import notice_queue
from agencydesk.messaging.choices import FIRST_RESPONSE

WARN_BEFORE = timedelta(minutes=5)
DIGEST_HOUR = 9  # local time of the account manager
DIGEST_LINES = 15


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def alerts_queue(*, now: datetime) -> int:
    """Queue the warnings and digests due at ``now`` for AMs with a linked personal chat."""
    chats = {
        chat.user_id: chat
        # A chat that blocked the bot takes nothing: each send would only fail.
        for chat in TelegramChat.objects.filter(
            user__isnull=False, user__is_active=True, disconnected_at__isnull=True
        )
        .select_related("user")
        .order_by("linked_at")
    }
    if not chats:
        return 0
    queued = 0
    soon = Commitment.objects.filter(
        kind=FIRST_RESPONSE,
        state=State.OPEN,
        due_at__gt=now,
        due_at__lte=now + WARN_BEFORE,
        owner_id__in=list(chats),
    ).select_related("client", "owner")
    with transaction.atomic():
        for commitment in soon:
            chat = chats[commitment.owner_id]
            user = chat.user
            with translation.override(user.language or "en"):
                minutes = max(1, int((commitment.due_at - now).total_seconds() // 60))
                text = ngettext(
                    "Reply to %(client)s within %(minutes)d minute: the first response is due.",
                    "Reply to %(client)s within %(minutes)d minutes: the first response is due.",
                    minutes,
                ) % {"client": commitment.client.name, "minutes": minutes}
            queued += (
                notice_queue(
                    kind=NoticeKind.BREACH_WARNING,
                    key=f"warn:{commitment.pk}",
                    chat_id=chat.chat_id,
                    text=text,
                    at=now,
                    user=user,
                )
                is not None
            )
        for chat in chats.values():
            queued += _digest(chat, now=now)
    return queued


def digest_text(*, user, now: datetime) -> str:
    """Today's queue of ``user`` as a short plain-text message."""
    items = attention_items(user=user, now=now, limit=DIGEST_LINES + 1)
    zone = _zone(user.timezone)
    with translation.override(user.language or "en"):
        if not items:
            return _("Good morning! Nothing is waiting on you today.")
        overdue = sum(1 for item in items if item.overdue)
        lines = [
            ngettext(
                "Good morning! Today: %(count)d item, %(overdue)d overdue.",
                "Good morning! Today: %(count)d items, %(overdue)d overdue.",
                len(items),
            )
            % {"count": len(items), "overdue": overdue}
        ]
        for item in items[:DIGEST_LINES]:
            when = formats.date_format(item.due_at.astimezone(zone), "D H:i")
            mark = "❗" if item.overdue else "•"
            label = kind_label(item.kind)  # in the AM's language, not the request's
            lines.append(f"{mark} {when} {label} — {item.client_name}")
        if len(items) > DIGEST_LINES:
            lines.append(_("…and more on the Today page."))
        return "\n".join(lines)


def _digest(chat: TelegramChat, *, now: datetime) -> int:
    user = chat.user
    local = now.astimezone(_zone(user.timezone))
    if local.hour < DIGEST_HOUR:
        return 0
    key = f"digest:{user.pk}:{local.date().isoformat()}"
    if TelegramNotice.objects.filter(key=key).exists():
        return 0
    notice = notice_queue(
        kind=NoticeKind.DIGEST,
        key=key,
        chat_id=chat.chat_id,
        text=digest_text(user=user, now=now),
        at=now,
        user=user,
    )
    return int(notice is not None)


def chat_lost_alert(*, chat: TelegramChat, commitment: Commitment, at: datetime) -> bool:
    """Tell the client's account manager, in their personal chat, that the bot left the client's chat."""
    owner = commitment.owner
    if owner is None or not owner.is_active:
        return False
    personal = (
        TelegramChat.objects.filter(user=owner, disconnected_at__isnull=True)
        .order_by("-linked_at")
        .first()
    )
    if personal is None:
        return False  # Today still shows it
    with translation.override(owner.language or "en"):
        text = _(
            "AgencyDesk no longer sees the Telegram chat “%(chat)s” of %(client)s: the bot was "
            "removed. Messages there are not recorded until someone adds the bot back."
        ) % {"chat": chat, "client": commitment.client.name}
    notice = notice_queue(
        kind=NoticeKind.CHAT_LOST,
        key=f"lost:{commitment.pk}",
        chat_id=personal.chat_id,
        text=text,
        at=at,
        user=owner,
    )
    return notice is not None


def telegram_tick(*, now: datetime) -> dict[str, int]:
    """What the connector does because time passed: the alerts due.

    Delivering them, retrying and reconciling is the one outbox's tick.
    """
    return {"alerts": alerts_queue(now=now)}
