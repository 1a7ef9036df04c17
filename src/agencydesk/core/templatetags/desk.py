from __future__ import annotations

from django import forms, template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from agencydesk.core.validators import WEB_SCHEMES, is_safe_link

register = template.Library()


@register.filter
def safe_link(value: object) -> bool:
    """Whether a stored attachment may be an href: rows saved before the validator may hold javascript:."""
    return is_safe_link(value)


@register.filter
def safe_web_link(value: object) -> bool:
    """Like ``safe_link``, for documents: http and https only."""
    return is_safe_link(value, WEB_SCHEMES)


@register.filter
def is_checkbox(bound_field: forms.BoundField) -> bool:
    """A single tick box, laid out with its label on the right."""
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(bound_field: forms.BoundField) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxSelectMultiple)


_VERBS = {
    "create": _("added"),
    "update": _("changed"),
    "delete": _("deleted"),
    "exceptions": _("dated exceptions changed"),
    "calendar_reset": _("back on the default calendar"),
    "open": _("opened"),
    "meet": _("met"),
    "breach": _("missed"),
    "cancel": _("cancelled"),
    "escalate": _("escalated"),
    "recompute": _("due moment recomputed"),
    "revoke": _("revoked"),
}


@register.filter
def audit_label(entry) -> str:
    """ "Contact added", "Calendar changed": an audit action in the reader's language."""
    model = entry.content_type.model_class()
    noun = capfirst(model._meta.verbose_name) if model else entry.action.split(".")[0]
    verb = _VERBS.get(entry.action.rsplit(".", 1)[-1], entry.action)
    return f"{noun} — {verb}"
