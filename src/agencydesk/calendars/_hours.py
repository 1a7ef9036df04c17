"""The working-hours grammar shared by the engine and the forms.

Grammar (case-insensitive, whitespace tolerant)::

    hours    := group (";" group)*
    group    := days intervals
    days     := dayspec ("," dayspec)*        -- "mon", "mon-fri", "sun-thu" (wraps)
    intervals:= interval ("," interval)*      -- "09:00-13:00,14:00-18:00"
    interval := HH:MM "-" HH:MM               -- "24:00" only as an end

Minutes are counted from local midnight, so ``24:00`` is minute 1440: the
interval runs to the next local midnight and two such days join into one
continuous stretch.
"""

from __future__ import annotations

import itertools
import re

MINUTES_PER_DAY = 1440

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for i, name in enumerate(DAY_NAMES)} | {
    name: i for i, name in enumerate(_FULL_NAMES)
}

_INTERVAL_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_DAYS_PART_RE = re.compile(r"^([^\d]*?)\s*(\d.*)$", re.DOTALL)

Interval = tuple[int, int]


class HoursError(ValueError):
    """A working-hours text the grammar rejects: ``code`` and ``params`` let a UI say it in its language."""

    def __init__(self, message: str, code: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_intervals(intervals: list[Interval] | tuple[Interval, ...]) -> str:
    return ",".join(f"{format_minute(s)}-{format_minute(e)}" for s, e in intervals)


def _time(text: str, hh: str, mm: str, *, end: bool) -> int:
    hour, minute = int(hh), int(mm)
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        raise HoursError(
            f"bad time '{hh}:{mm}' in {text!r}: use HH:MM from 00:00 to 24:00",
            "bad_time",
            time=f"{hh}:{mm}",
        )
    if hour == 24 and not end:
        raise HoursError(
            f"24:00 can only end an interval, not start one, in {text!r}", "start_at_24"
        )
    return hour * 60 + minute


def parse_intervals(text: str, where: str) -> list[Interval]:
    """Parse ``"09:00-13:00,14:00-18:00"``; ``where`` names the day or date in messages."""
    if not isinstance(text, str):
        raise HoursError(
            f"hours for {where} must be text like '09:00-18:00', got {text!r}", "empty", where=where
        )
    compact = re.sub(r"\s+", "", text)
    if not compact:
        raise HoursError(f"no hours given for {where}", "empty", where=where)
    intervals: list[Interval] = []
    for piece in compact.split(","):
        match = _INTERVAL_RE.match(piece)
        if match is None:
            raise HoursError(
                f"bad interval {piece!r} for {where}: write it like 09:00-18:00",
                "bad_interval",
                interval=piece,
                where=where,
            )
        start = _time(text, match[1], match[2], end=False)
        stop = _time(text, match[3], match[4], end=True)
        if stop <= start:
            raise HoursError(
                f"reversed or empty interval on {where}: {piece} (intervals may not cross "
                "midnight; write 22:00-24:00 on one day and 00:00-06:00 on the next)",
                "reversed",
                interval=piece,
                where=where,
            )
        intervals.append((start, stop))
    intervals.sort()
    for first, second in itertools.pairwise(intervals):
        if second[0] < first[1]:
            raise HoursError(
                f"overlapping intervals on {where}: "
                f"{format_intervals([first])} and {format_intervals([second])}",
                "overlap",
                first=format_intervals([first]),
                second=format_intervals([second]),
                where=where,
            )
    return intervals


def _day(token: str, text: str) -> int:
    index = _DAY_INDEX.get(token)
    if index is None:
        raise HoursError(
            f"unknown day {token!r} in hours {text!r}: use mon tue wed thu fri sat sun",
            "unknown_day",
            day=token,
        )
    return index


def _parse_days(spec: str, text: str) -> list[int]:
    spec = re.sub(r"\s*-\s*", "-", spec.strip().lower())
    tokens = [t for t in re.split(r"[,\s]+", spec) if t]
    if not tokens:
        raise HoursError(
            f"no days before the hours in {text!r}: write e.g. 'mon-fri 09:00-18:00'", "no_days"
        )
    days: list[int] = []
    for token in tokens:
        first, sep, last = token.partition("-")
        if not sep:
            days.append(_day(first, text))
            continue
        a, b = _day(first, text), _day(last, text)
        # A range runs forward through the week and may wrap (sun-thu).
        days.extend((a + k) % 7 for k in range((b - a) % 7 + 1))
    return days


def parse_hours(text: str) -> dict[int, list[Interval]]:
    """Weekly hours: weekday (0 = Monday) -> sorted ``(start_minute, end_minute)`` list.

    Only days that have hours appear as keys. Raises ``ValueError`` naming the
    problem; a week with no working time at all is an error because nothing
    measured in it would ever fall due.
    """
    if not isinstance(text, str):
        raise HoursError(f"hours must be text like 'mon-fri 09:00-18:00', got {text!r}", "not_text")
    week: dict[int, list[Interval]] = {}
    for group in text.split(";"):
        if not group.strip():
            continue
        match = _DAYS_PART_RE.match(group.strip())
        if match is None:
            raise HoursError(
                f"no hours after {group.strip()!r} in {text!r}",
                "no_hours_after",
                days=group.strip(),
            )
        days = _parse_days(match[1], text)
        for day in days:
            if day in week:
                raise HoursError(
                    f"day {DAY_NAMES[day]} named twice in hours {text!r}",
                    "day_twice",
                    day=DAY_NAMES[day],
                )
            week[day] = parse_intervals(match[2], DAY_NAMES[day])
    if not week:
        raise HoursError(f"no working hours in a week: {text!r}", "no_week")
    return dict(sorted(week.items()))


def validate_hours(text: str) -> None:
    """Raise the same ``ValueError`` as :func:`parse_hours`; for form validation."""
    parse_hours(text)
