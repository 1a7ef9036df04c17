"""Reads of business calendars, and the process-wide cache of built engines."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from agencydesk.calendars._timeline import decree_years, holiday_year
from agencydesk.calendars.choices import ExceptionKind
from agencydesk.calendars.defaults import default_calendar_fields
from agencydesk.calendars.engine import WorkCalendar, format_intervals
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.core.selectors import one_or_none

if TYPE_CHECKING:
    from agencydesk.clients.models import Client

_engines: dict[tuple[int, int, object], WorkCalendar] = {}
_engines_lock = threading.Lock()


def calendar_default() -> BusinessCalendar:
    """The agency default calendar.

    The first migration creates it; should it ever be missing (deleted in the
    back office, a flushed database) it is made again from the same settings
    rather than failing every timer.
    """
    calendar = one_or_none(BusinessCalendar.objects.filter(is_default=True))
    if calendar is None:
        calendar, _created = BusinessCalendar.objects.get_or_create(
            is_default=True, defaults=default_calendar_fields()
        )
    return calendar


def calendar_engine_build(calendar: BusinessCalendar) -> WorkCalendar:
    """Build an engine from a stored calendar; raises ValueError on bad stored data."""
    return engine_from_rows(
        timezone=calendar.timezone,
        hours=calendar.hours,
        country=calendar.country,
        subdivision=calendar.subdivision,
        rows=[
            {"date": exc.date, "kind": exc.kind, "hours": exc.hours}
            for exc in calendar.exceptions.all()
        ],
    )


def engine_from_rows(
    *, timezone: str, hours: str, country: str, subdivision: str, rows: list[dict[str, Any]]
) -> WorkCalendar:
    """An engine from calendar settings and dated exception rows (``date``, ``kind``, ``hours``).

    The one place exception rows become an engine: a stored calendar and the
    editor's unsaved values (the live preview) both come here.
    """
    days_off = []
    extra: dict[date, str | None] = {}
    shortened: dict[date, str] = {}
    for row in rows:
        if row["kind"] == ExceptionKind.DAY_OFF:
            days_off.append(row["date"])
        elif row["kind"] == ExceptionKind.EXTRA_WORKDAY:
            extra[row["date"]] = row.get("hours") or None  # None: the hours of a regular Monday
        else:
            shortened[row["date"]] = row["hours"]
    return WorkCalendar(
        timezone=timezone,
        hours=hours,
        country=(country or "").upper() or None,
        subdivision=subdivision or None,
        days_off=days_off,
        extra_workdays=extra,
        shortened=shortened,
    )


def calendar_engine(calendar: BusinessCalendar) -> WorkCalendar:
    """The engine of a calendar, built once per change per process.

    ``updated_at`` is part of the key because a rolled-back change may have
    used a revision number that a later change uses again.
    """
    key = (calendar.pk, calendar.revision, calendar.updated_at)
    engine = _engines.get(key)
    if engine is None:
        engine = calendar_engine_build(calendar)
        with _engines_lock:
            for stale in [k for k in _engines if k[0] == calendar.pk]:
                del _engines[stale]
            _engines[key] = engine
    return engine


def client_calendar(client: Client) -> BusinessCalendar:
    """The client's own calendar, else the agency default (read once per client object)."""
    if client.calendar_id is not None:
        return client.calendar  # type: ignore[return-value]
    default: BusinessCalendar | None = getattr(client, "_default_calendar", None)
    if default is None:
        default = calendar_default()
        client._default_calendar = default  # type: ignore[attr-defined]
    return default


def client_engine(client: Client) -> WorkCalendar:
    return calendar_engine(client_calendar(client))


def holiday_name(country: str, subdivision: str | None, day: date) -> str:
    """The name of a public holiday on ``day``, or an empty string."""
    if not country:
        return ""
    import holidays
    from django.utils.translation import get_language

    # The package names holidays in a few languages per country: the person's when it has it.
    language = {"en": "en_US"}.get(get_language() or "", get_language() or "")
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=day.year)
        supported = getattr(calendar, "supported_languages", ())
        if language in supported:
            calendar = holidays.country_holidays(
                country, subdiv=subdivision or None, years=day.year, language=language
            )
    except NotImplementedError:
        return ""
    return calendar.get(day) or ""


def calendar_year_days(*, engine: WorkCalendar, year: int) -> dict[str, Any]:
    """The year's public holidays, moved working days and shortened days of the calendar's country.

    Each day with its name and the hours it has after every rule (a date typed
    by hand wins, as in the engine). ``forecast`` is true for a year after the
    last decree the ``holidays`` package knows: its holidays follow the law,
    but the moves of working days are not published yet.
    """
    country = engine.country or ""
    if not country:
        return {"year": year, "days": [], "forecast": False}
    public_off, moved, shortened = holiday_year(country, engine.subdivision, year)
    days = []
    for ordinal in sorted(public_off | moved | shortened):
        day = date.fromordinal(ordinal)
        hours = engine.hours_on(day)
        if ordinal not in public_off | moved and not hours:
            continue  # the day before a holiday is a weekend: nothing to shorten
        names = []
        if ordinal in public_off:
            names.append(holiday_name(country, engine.subdivision, day) or _("Public holiday"))
        if ordinal in moved:
            names.append(_("Working day moved by decree"))
        if ordinal in shortened:
            names.append(_("One hour shorter before a public holiday"))
        days.append(
            {
                "date": day,
                "name": " · ".join(names),
                "kind": "holiday"
                if ordinal in public_off
                else "moved"
                if ordinal in moved
                else "short",
                "hours": format_intervals(hours) if hours else "",
            }
        )
    decrees = decree_years(country)
    return {"year": year, "days": days, "forecast": decrees is not None and year > decrees[1]}


def calendar_days_preview(
    *, engine: WorkCalendar, first: date, days: int, exceptions: dict[date, str] | None = None
) -> list[dict]:
    """Each local date with its working hours after every rule, and why it differs."""
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        hours = engine.hours_on(day)
        regular = engine.weekly.get(day.weekday(), [])
        note = (exceptions or {}).get(day, "")
        if not note and hours != regular:
            note = holiday_name(engine.country or "", engine.subdivision, day)
        result.append(
            {
                "date": day,
                "hours": format_intervals(hours) if hours else "",
                "differs": hours != regular,
                "note": note,
            }
        )
    return result


def business_day_minutes(engine: WorkCalendar, at: datetime | None = None) -> int:
    """The working minutes of "one business day" counted from ``at``.

    The length of the working day ``at`` falls in (or the next one, out of
    hours), so that a question at 15:51 on a full day is due at 15:51 on the
    next full day; without ``at``, an average working day of the week.
    """
    if at is not None:
        day = engine.next_open(at).date()
        minutes = sum(e - s for s, e in engine.hours_on(day))
        if minutes:
            return minutes
    days = [sum(e - s for s, e in intervals) for intervals in engine.weekly.values() if intervals]
    return round(sum(days) / len(days)) if days else 8 * 60


def next_allowed_moment(engine: WorkCalendar, at: datetime, *, weekends_allowed: bool) -> datetime:
    """The first moment at or after ``at`` when a message may reach the client.

    Open in the client's calendar and, unless the client allows it, not on a
    Saturday or Sunday of the client's own week.
    """
    moment = engine.next_open(at)
    for _attempt in range(14):
        if weekends_allowed or moment.astimezone(engine.tz).weekday() < 5:
            return moment
        local = moment.astimezone(engine.tz)
        monday = (local + timedelta(days=7 - local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        moment = engine.next_open(monday)
    return moment


def days_later(at: datetime, days: float) -> datetime:
    """Calendar days, not business time: for "never more than a week without contact"."""
    return at + timedelta(days=days)


def acknowledgement_moment(engine: WorkCalendar, sent_at: datetime, minutes: int) -> datetime:
    """When the desk acknowledges a message: ``minutes`` of working time later, inside hours.

    Five minutes before closing, the acknowledgement waits for the next opening
    rather than landing on the closing moment itself.
    """
    return engine.next_open(engine.add(sent_at, minutes))


def acknowledgement_moments(engine: WorkCalendar, sent_at: Any, minutes: Any) -> Any:
    """:func:`acknowledgement_moment` over arrays (UTC ``datetime64[us]``), for bulk recompute."""
    return engine.next_open_many(engine.add_many(sent_at, minutes))


def within_hours(engine: WorkCalendar, at: datetime) -> bool:
    """Whether ``at`` is inside working hours, a closing moment included ("by 18:00")."""
    return engine.last_close(at) == at


def nearest_within_hours(engine: WorkCalendar, at: datetime) -> tuple[datetime, datetime]:
    """The nearest moments inside working hours before and after ``at`` (a closing, an opening)."""
    return engine.last_close(at), engine.next_open(at)


def buffer_before(engine: WorkCalendar, end: datetime, minutes: int) -> datetime:
    """``minutes`` of business time before ``end``: an internal deadline ahead of a client's one."""
    return engine.subtract(end, minutes)
