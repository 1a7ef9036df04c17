from __future__ import annotations

from datetime import date, datetime

from django import forms, template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from agencydesk.core.dates import format_moment, short_format
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


# Icons shipped with the app: inline SVG paths (24×24, stroked), so they never depend on
# the fonts of the reader's machine (a ⏸ glyph renders as an empty box without one).
_ICONS = {
    "today": '<rect x="3" y="4" width="18" height="17" rx="2"/><path d="M3 9h18M8 2v4M16 2v4M8 14l2.5 2.5L16 12"/>',
    "clients": '<path d="M3 21v-1a6 6 0 0 1 12 0v1"/><circle cx="9" cy="8" r="4"/><path d="M16 4.5a4 4 0 0 1 0 7M21 21v-1a6 6 0 0 0-3.5-5.5"/>',
    "team": '<circle cx="12" cy="7" r="3.5"/><path d="M5 21v-1.5a7 7 0 0 1 14 0V21"/>',
    "responses": '<circle cx="12" cy="13" r="8"/><path d="M12 9v4l2.5 2.5M9 2h6"/>',
    "telegram": '<path d="M21.5 3.5 2.5 11l7 2.5M21.5 3.5 18 20.5l-8.5-7M21.5 3.5l-12 10V19l3-3"/>',
    "lock": '<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "menu": '<path d="M3 6h18M3 12h18M3 18h18"/>',
    "close": '<path d="M5 5l14 14M19 5 5 19"/>',
    "pause": '<rect x="6" y="4" width="4" height="16" rx="1"/><rect x="14" y="4" width="4" height="16" rx="1"/>',
    "check": '<path d="M4 12.5 9.5 18 20 6"/>',
    "cross": '<path d="M6 6l12 12M18 6 6 18"/>',
    "bolt": '<path d="M13 2 4 14h7l-1 8 9-12h-7z"/>',
    "phone": '<path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2"/>',
    "copy": '<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1"/>',
    "download": '<path d="M12 3v12M7 10l5 5 5-5M4 21h16"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>',
    "work": '<rect x="3" y="7" width="18" height="13" rx="2"/><path d="M9 7V5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v2M3 13h18"/>',
    "upload": '<path d="M12 21V9M7 14l5-5 5 5M4 3h16"/>',
    "meetings": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M8 3v4M16 3v4M3 10h18M8 14h3M8 17h6"/>',
}


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline SVG icon; decorative (hidden from screen readers) unless given a label."""
    paths = _ICONS[name]
    if label:
        return format_html(
            '<svg class="icon icon-{}" viewBox="0 0 24 24" role="img" aria-label="{}">{}</svg>',
            name,
            label,
            mark_safe(paths),  # noqa: S308 - the constant paths above
        )
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{}</svg>',
        name,
        mark_safe(paths),  # noqa: S308 - the constant paths above
    )


@register.filter
def moment(value: datetime | None) -> str:
    """``D j M H:i`` in the current time zone, with the year when it is not this year's."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = timezone.localtime(timezone.now()).year
    return date_format(
        local, short_format("D j M H:i" if local.year == this_year else "D j M Y H:i")
    )


@register.filter
def when(value: datetime | date | None, fmt: str) -> str:
    """Django's ``date`` filter with the month cased as the language writes it ("1 дек")."""
    if value is None or value == "":
        return ""
    return format_moment(value, fmt)
