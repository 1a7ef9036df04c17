"""Reads of the connector: chats waiting for an administrator, a client's chats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from agencydesk.clients.selectors import clients_visible_to
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import TelegramChat, TelegramUpdate

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client


def chats_unlinked() -> QuerySet[TelegramChat]:
    """Chats nobody has tied to a client or a person yet, newest first."""
    return TelegramChat.objects.filter(client__isnull=True, user__isnull=True).order_by(
        "-first_seen_at"
    )


def kept_updates(chat_ids: list[int]) -> dict[int | None, int]:
    rows = (
        TelegramUpdate.objects.filter(chat_id__in=chat_ids, state=UpdateState.PARKED)
        .values("chat_id")
        .annotate(n=Count("pk"))
    )
    return {row["chat_id"]: row["n"] for row in rows}


def chats_disconnected(*, user: User) -> list[TelegramChat]:
    """Clients' chats the bot was removed from, among the clients ``user`` may see; latest first."""
    return list(
        TelegramChat.objects.filter(
            disconnected_at__isnull=False,
            client__in=clients_visible_to(user),
        )
        .select_related("client", "lost")
        .order_by("-disconnected_at", "pk")
    )


def client_chats(*, client: Client) -> list[TelegramChat]:
    return list(
        TelegramChat.objects.filter(client=client).prefetch_related("topics").order_by("title")
    )


def alert_chats(*, user: User) -> list[TelegramChat]:
    return list(TelegramChat.objects.filter(user=user).order_by("-linked_at"))
