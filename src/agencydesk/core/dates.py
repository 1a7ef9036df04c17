"""Dates as the reader's language writes them.

Django's ``M`` capitalises the month's abbreviation ("1 Дек"); Russian,
Ukrainian and Bulgarian write months in lower case in the middle of a
sentence ("1 дек"), so for them ``M`` becomes ``b`` (the lower-case
abbreviation). Every short date of the desk goes through :func:`short_format`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

# Languages that write month names in lower case mid-sentence.
LOWER_CASE_MONTHS = frozenset({"ru", "uk", "bg"})


def months_lower_case(language: str | None = None) -> bool:
    code = (language or get_language() or "en").split("-")[0]
    return code in LOWER_CASE_MONTHS


def short_format(fmt: str, language: str | None = None) -> str:
    """``fmt`` (a Django date format) with the month abbreviation cased for ``language``."""
    if not months_lower_case(language):
        return fmt
    out, escaped = [], False
    for char in fmt:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        else:
            out.append("b" if char == "M" else char)
    return "".join(out)


def format_moment(value: datetime | date, fmt: str) -> str:
    """``value`` (an aware datetime is shown in the current time zone) in ``fmt``, months cased."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, short_format(fmt))


def short_moment(value: datetime, *, now: datetime, time: bool = True) -> str:
    """ "1 Dec 09:25" / "1 дек 09:25" in the current time zone, with the year when not ``now``'s."""
    local = timezone.localtime(value)
    this_year = local.year == timezone.localtime(now).year
    fmt = ("j M" if this_year else "j M Y") + (" H:i" if time else "")
    return date_format(local, short_format(fmt))
