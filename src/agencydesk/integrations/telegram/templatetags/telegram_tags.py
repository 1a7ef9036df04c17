from __future__ import annotations

from typing import Any

from django import template

from agencydesk.integrations.telegram.selectors import client_chats

register = template.Library()


@register.inclusion_tag("telegram/_client_card.html", takes_context=True)
def telegram_card(context: dict[str, Any], client: Any, can_edit: bool) -> dict[str, Any]:
    """The client page's Telegram section: linked chats and their topics, the link-code button."""
    return {
        "client": client,
        "can_edit": can_edit,
        "chats": client_chats(client=client),
        "csrf_token": context.get("csrf_token"),
    }
