from __future__ import annotations

from typing import Any

from django import template

from agencydesk.integrations.email.choices import Classification
from agencydesk.integrations.email.models import InboundEmail

register = template.Library()


@register.simple_tag
def email_extras(messages: list[Any]) -> dict[int, InboundEmail]:
    """The e-mails behind the timeline page's e-mail messages: one query at most."""
    ids = [m.pk for m in messages if m.channel == "email" and m.source == "email"]
    if not ids:
        return {}
    rows = InboundEmail.objects.filter(record_id__in=ids).defer("raw")
    return {row.record_id: row for row in rows if row.record_id is not None}


@register.inclusion_tag("email/_message_extras.html", takes_context=True)
def email_details(context: dict[str, Any], extras: dict[int, InboundEmail], message: Any) -> dict:
    """Classification (correctable per sender), return date, warning and folded quoted text."""
    return {
        "email": extras.get(message.pk),
        "message": message,
        "can_write": context.get("can_write"),
        "choices": Classification.choices,
        "csrf_token": context.get("csrf_token"),
    }
