"""Reads of the connector: chats waiting for an administrator, a client's chats."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from agencydesk.clients.access import visible_client_ids
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import (
    LinkCode,
    TelegramAttachment,
    TelegramChat,
    TelegramUpdate,
)

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
            client_id__in=visible_client_ids(user),
        )
        .select_related("client", "lost")
        .order_by("-disconnected_at", "pk")
    )


def chat_disconnected(*, user: User, pk: int) -> TelegramChat | None:
    """One chat the bot was removed from, if it belongs to a client ``user`` may see."""
    return (
        TelegramChat.objects.select_related("client", "lost")
        .filter(pk=pk, disconnected_at__isnull=False, client_id__in=visible_client_ids(user))
        .first()
    )


def client_chats(*, user: User, client: Client) -> list[TelegramChat]:
    """The chats tied to a client ``user`` may see, with their topics."""
    return list(
        TelegramChat.objects.filter(client=client, client_id__in=visible_client_ids(user))
        .prefetch_related("topics")
        .order_by("title")
    )


def client_link_code_pending(*, user: User, client: Client, now: datetime) -> LinkCode | None:
    """The newest code ``user`` made for ``client`` that is still unused and valid: the card shows
    it to its maker (and to nobody else) until it is used or expires."""
    return (
        LinkCode.objects.filter(
            client=client,
            client_id__in=visible_client_ids(user),
            created_by=user,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def attachment_visible(*, user: User, pk: int) -> TelegramAttachment | None:
    """A file a client sent, if ``user`` may see that client."""
    return (
        TelegramAttachment.objects.select_related("message__client")
        .filter(pk=pk, message__client_id__in=visible_client_ids(user))
        .first()
    )


def alert_chats(*, user: User) -> list[TelegramChat]:
    return list(TelegramChat.objects.filter(user=user).order_by("-linked_at"))
