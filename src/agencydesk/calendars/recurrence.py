"""Recurring due moments (RFC 5545 rules, or "the Nth working day of the month") in a client's calendar.

A rule gives local dates; the time of day is the client's; a moment that falls
on a closed day (or outside the hours) moves to the next opening or back to
the previous closing, as the series says.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr

from agencydesk.calendars.engine import WorkCalendar

NEXT, PREVIOUS = "next", "previous"
MAX_OCCURRENCES = 2000


def rule_check(rule: str) -> str | None:
    """What is wrong with an RFC 5545 rule, or None."""
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))  # noqa: DTZ001 - local wall clock
    except (ValueError, TypeError) as exc:
        return str(exc) or "invalid rule"
    return None


def _moved(engine: WorkCalendar, local: datetime, on_closed: str) -> datetime:
    if engine.last_close(local) == local:  # inside the hours (a closing moment included)
        return local
    return engine.next_open(local) if on_closed == NEXT else engine.last_close(local)


def _working_days(engine: WorkCalendar, year: int, month: int) -> list[date]:
    day = date(year, month, 1)
    days = []
    while day.month == month:
        if engine.hours_on(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def recurring_moments(
    engine: WorkCalendar,
    *,
    rule: str,
    at: time,
    on_closed: str,
    start: datetime,
    until: datetime,
    working_day: int | None = None,
) -> list[datetime]:
    """The due moments of a series after ``start`` and up to ``until``, in the engine's zone."""
    tz = engine.tz
    first = start.astimezone(tz).date()
    local_dates: list[date] = []
    if working_day:
        year, month = first.year, first.month
        last = until.astimezone(tz).date()
        while (year, month) <= (last.year, last.month):
            days = _working_days(engine, year, month)
            if days:
                local_dates.append(days[min(working_day, len(days)) - 1])
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        series = rrulestr(rule, dtstart=datetime.combine(first - timedelta(days=1), at))
        stop = until.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        for n, naive in enumerate(series):
            if naive > stop or n > MAX_OCCURRENCES:
                break
            local_dates.append(naive.date())
    result = []
    step = timedelta(days=1 if on_closed == NEXT else -1)
    for day in local_dates:
        for _ in range(60):  # a closed day moves to the next (or previous) working day
            if engine.hours_on(day):
                break
            day += step
        moment = _moved(engine, datetime.combine(day, at, tzinfo=tz), on_closed)
        if start < moment <= until and moment not in result:
            result.append(moment)
    return result
