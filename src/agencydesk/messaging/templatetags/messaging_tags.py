"""What the desk read in a client's message, for the timeline: each label, whether it holds, and why."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from agencydesk.messaging.models import Message
from agencydesk.messaging.services import CORRECTED
from agencydesk.messaging.understanding import LABELS

register = template.Library()


def _names() -> dict[str, str]:
    return {
        "question": _("question"),
        "needs_response": _("needs an answer"),
        "approval": _("approval"),
        "urgent": _("urgent"),
    }


@register.filter
def label_rows(message: Message) -> list[dict[str, Any]]:
    """One row per label: its name in the reader's language, on or off, and why it is on."""
    names = _names()
    labels = message.label_values()
    rows = []
    for label in LABELS:
        reason = message.label_reasons.get(label, "") if labels[label] else ""
        rows.append(
            {
                "label": label,
                "name": names[label],
                "on": labels[label],
                "reason": _("set by a person") if reason == CORRECTED else reason,
            }
        )
    return rows
