from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from agencydesk.integrations.telegram.models import MessageVersion, TelegramReply
from agencydesk.integrations.telegram.selectors import client_chats, client_link_code_pending

register = template.Library()


@register.inclusion_tag("telegram/_client_card.html", takes_context=True)
def telegram_card(context: dict[str, Any], client: Any, can_edit: bool) -> dict[str, Any]:
    """The client page's Telegram section: linked chats and their topics, the link-code button,
    and the code its viewer made, while it is valid."""
    return telegram_card_context(context["request"], client, can_edit, context.get("csrf_token"))


def telegram_card_context(
    request: HttpRequest, client: Any, can_edit: bool, csrf_token: Any = None
) -> dict[str, Any]:
    user = request.user
    return {
        "client": client,
        "can_edit": can_edit,
        "chats": client_chats(user=user, client=client),  # type: ignore[arg-type]
        "pending_code": (
            client_link_code_pending(user=user, client=client, now=timezone.now())  # type: ignore[arg-type]
            if can_edit
            else None
        ),
        "csrf_token": csrf_token,
    }


@register.simple_tag
def telegram_extras(messages: list[Any]) -> dict[int, dict[str, Any]]:
    """Edits and quoted replies of the Telegram messages on a timeline page: two queries at most."""
    ids = [m.pk for m in messages if m.channel == "telegram"]
    if not ids:
        return {}
    extras: dict[int, dict[str, Any]] = {pk: {"versions": [], "reply": None} for pk in ids}
    for version in MessageVersion.objects.filter(message_id__in=ids).order_by("edited_at"):
        extras[version.message_id]["versions"].append(version)
    for reply in TelegramReply.objects.filter(message_id__in=ids):
        extras[reply.message_id]["reply"] = reply
    return extras


@register.filter
def extras_for(extras: dict[int, dict[str, Any]], pk: int) -> dict[str, Any]:
    return extras.get(pk) or {}
