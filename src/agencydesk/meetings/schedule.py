"""When a meeting takes place, and what its times say against the meeting window and the client's calendar.

Occurrences come from the desk's one RFC 5545 expander (``calendars/recurrence``)
run on the client's time zone with every hour open: a meeting keeps the time
and the day its rule gives (the client's wall clock, across DST changes); the
client's real calendar and the agency's meeting window only warn.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.recurrence import NEXT, recurring_moments, rule_check
from agencydesk.calendars.selectors import client_engine, within_hours

if TYPE_CHECKING:
    from agencydesk.meetings.models import Meeting

RULE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# How far ahead a series is checked when it is planned, and expanded at all.
CHECK_AHEAD = timedelta(days=366)
HORIZON = timedelta(days=2 * 366)

OUTSIDE_WINDOW = "outside_meeting_window"
CLOSED_DAY = "client_closed_day"
OUTSIDE_HOURS = "outside_client_hours"


def meeting_window() -> tuple[time, time]:
    """The agency's meeting window in its own time zone (``AGENCYDESK_MEETING_WINDOW``, 10:00-16:00)."""
    value = str(getattr(settings, "AGENCYDESK_MEETING_WINDOW", "10:00-16:00"))
    first, last = (part.strip() for part in value.split("-", 1))
    h1, m1 = (int(p) for p in first.split(":", 1))
    h2, m2 = (int(p) for p in last.split(":", 1))
    return time(h1, m1), time(h2, m2)


def agency_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rule_clean(rule: str) -> str:
    """An RFC 5545 rule the desk can expand: DAILY…YEARLY, no DTSTART of its own; else ValidationError."""
    rule = (rule or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if not rule:
        return ""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if "DTSTART" in rule or parts.get("FREQ") not in RULE_FREQUENCIES:
        raise ValidationError(
            {
                "rrule": _(
                    "Give a rule such as FREQ=WEEKLY;INTERVAL=2 (daily, weekly, monthly or "
                    "yearly, without DTSTART: the first meeting is the start)."
                )
            }
        )
    problem = rule_check(rule)
    if problem:
        raise ValidationError({"rrule": _("This rule cannot be read: %(why)s") % {"why": problem}})
    return rule


def _open_clock(zone: str) -> WorkCalendar:
    return WorkCalendar(timezone=zone, hours="mon-sun 00:00-24:00")


def occurrences(
    *, starts_at: datetime, rrule: str, zone: str, after: datetime, until: datetime
) -> list[datetime]:
    """The starts of a meeting from ``after`` (inclusive) up to ``until``, in the zone ``zone``."""
    tz = ZoneInfo(zone)
    first = starts_at.astimezone(tz)
    until = min(until, first + HORIZON)
    result = [first] if after <= first <= until else []
    if rrule:
        # The expander starts its rule on the day before ``start``: the first meeting's day.
        day_after = datetime.combine(first.date() + timedelta(days=1), time(0), tzinfo=tz)
        result += [
            moment
            for moment in recurring_moments(
                _open_clock(zone),
                rule=rrule,
                at=first.time().replace(tzinfo=None),
                on_closed=NEXT,
                start=day_after,
                until=until,
            )
            if moment >= after
        ]
    return result


def meeting_occurrences(meeting: Meeting, *, after: datetime, until: datetime) -> list[datetime]:
    return occurrences(
        starts_at=meeting.starts_at,
        rrule=meeting.rrule,
        zone=client_engine(meeting.client).timezone,
        after=after,
        until=until,
    )


def _in_window(start: datetime, end: datetime, tz: ZoneInfo, window: tuple[time, time]) -> bool:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    return (
        local_start.date() == local_end.date()
        and window[0] <= local_start.time()
        and local_end.time() <= window[1]
    )


def _fmt(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def schedule_warnings(
    *, engine: WorkCalendar, starts: list[datetime], minutes: int
) -> list[dict[str, Any]]:
    """What is wrong with these occurrences: each kind of problem once, with its first occurrence
    and how many of them have it, in the agency's and the client's time."""
    agency = agency_zone()
    window = meeting_window()
    found: dict[str, list[datetime]] = {}
    for start in starts:
        end = start + timedelta(minutes=minutes)
        if not _in_window(start, end, agency, window):
            found.setdefault(OUTSIDE_WINDOW, []).append(start)
        local_day = start.astimezone(engine.tz).date()
        if not engine.hours_on(local_day):
            found.setdefault(CLOSED_DAY, []).append(start)
        elif not (
            within_hours(engine, start)
            and within_hours(engine, end)
            and engine.between(start, end) == end - start
        ):
            found.setdefault(OUTSIDE_HOURS, []).append(start)
    return [
        {
            "code": code,
            "params": {
                "first": _fmt(moments[0], engine.tz),
                "agency_first": _fmt(moments[0], agency),
                "count": len(moments),
                "total": len(starts),
                "zone": engine.timezone,
                "agency_zone": str(agency),
                "window": "{}–{}".format(window[0].strftime("%H:%M"), window[1].strftime("%H:%M")),
            },
        }
        for code, moments in found.items()
    ]


def warning_message(warning: dict[str, Any]) -> str:
    """A stored warning in the active language."""
    code, params = warning.get("code"), warning.get("params") or {}
    if code == OUTSIDE_WINDOW:
        message = _(
            "Outside the agency's meeting window %(window)s (%(agency_zone)s): "
            "%(count)s of %(total)s meetings, the first %(agency_first)s."
        )
    elif code == CLOSED_DAY:
        message = _(
            "On a day the client does not work (%(zone)s): %(count)s of %(total)s "
            "meetings, the first %(first)s."
        )
    else:
        message = _(
            "Outside the client's working hours (%(zone)s): %(count)s of %(total)s "
            "meetings, the first %(first)s."
        )
    try:
        return message % params
    except (KeyError, TypeError, ValueError):
        return str(code)
