"""Deliberately simple references the engine is checked against.

Neither reference shares code with the engine: both take the calendar as
plain data (weekday -> list of (start_minute, end_minute)), ask the
``holidays`` package directly, and decide every UTC minute on its own by
converting it to local wall-clock time with ``zoneinfo``. That is the
definition of business time, with no timeline, no offset stretches and no
grammar in between.

* :class:`ReferenceCalendar` walks minute by minute -- obviously right, slow.
* :class:`MinuteGrid` is the same per-minute decision made once for every
  minute of a span and kept as a bitmap with a running count; it answers
  microsecond-exact questions in bulk, for checks over 100,000 cases.

Both assume what the engine's inputs guarantee in these tests: hours on whole
minutes and UTC offsets in whole minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from agencydesk.calendars.tests.official import OFFICIAL, official_shortened

Hours = list[tuple[int, int]]
# Labour Code of the Russian Federation, art. 112: the non-working public holidays.
RU_LAW_HOLIDAYS = ("01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08",
                   "02-23", "03-08", "05-01", "05-09", "06-12", "11-04")  # fmt: skip
MINUTE = 60_000_000  # microseconds
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ReferenceCalendar:
    def __init__(
        self,
        timezone: str,
        weekly: Mapping[int, Hours],
        country: str | None = None,
        subdivision: str | None = None,
        days_off: Iterable[date] = (),
        extra_workdays: Mapping[date, Hours | None] | None = None,
        shortened: Mapping[date, Hours] | None = None,
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.weekly = {day: list(hours) for day, hours in weekly.items() if hours}
        self.country = country
        self.subdivision = subdivision
        self.days_off = set(days_off)
        self.extra_workdays = dict(extra_workdays or {})
        self.shortened = dict(shortened or {})
        self._public: dict[int, tuple[set[date], set[date]]] = {}
        self._day_cache: dict[date, Hours] = {}

    def _public_year(self, year: int) -> tuple[set[date], set[date]]:
        if year not in self._public:
            assert self.country is not None
            found = holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
            moved = {d for d in found.weekend_workdays if d.year == year}
            self._public[year] = (set(found), moved)
        return self._public[year]

    def _pre_holiday(self, day: date) -> bool:
        """Russia's shortened days: the official lists, else the eve of an art. 112 holiday."""
        if self.country != "RU" or day in self.extra_workdays or day in self.shortened:
            return False
        eve = (day + timedelta(days=1)).strftime("%m-%d") in RU_LAW_HOLIDAYS
        if day.year in OFFICIAL["RU"]:
            # The lists are of a five-day week; a weekend day off in it is
            # shortened on the eve of a holiday for whoever works it.
            year = OFFICIAL["RU"][day.year]
            weekend_off = day.weekday() >= 5 and day.strftime("%m-%d") not in (
                year.working_weekend_days
            )
            return day in official_shortened("RU") or (weekend_off and eve)
        return eve

    def moved_day_hours(self) -> Hours:
        """A moved working day runs like a regular Monday (or the first day with hours)."""
        if 0 in self.weekly:
            return self.weekly[0]
        return self.weekly[min(self.weekly)]

    def hours_on(self, day: date) -> Hours:
        """The rules, in their order of precedence."""
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        if day in self.extra_workdays:
            hours = self.extra_workdays[day] or self.moved_day_hours()
        elif day in self.days_off:
            hours = []
        elif day in self.shortened:
            hours = self.shortened[day]
        elif self.country and day in self._public_year(day.year)[0]:
            hours = []
        elif self.country and day in self._public_year(day.year)[1]:
            hours = self.moved_day_hours()
        else:
            hours = self.weekly.get(day.weekday(), [])
        if hours and self._pre_holiday(day):
            hours = _cut_end(hours, 60)
        self._day_cache[day] = hours
        return hours

    # --- minute by minute ------------------------------------------------

    def minute_open(self, utc_minute: int) -> bool:
        """Is the UTC minute starting here working time on its local date?"""
        local = datetime.fromtimestamp(utc_minute * 60, self.tz)
        minute_of_day = local.hour * 60 + local.minute
        return any(s <= minute_of_day < e for s, e in self.hours_on(local.date()))

    @staticmethod
    def _minute_of(t: datetime) -> int:
        delta = t - _EPOCH
        assert delta.seconds % 60 == 0 and delta.microseconds == 0, "whole minutes only"
        return delta.days * 1440 + delta.seconds // 60

    def _at(self, utc_minute: int) -> datetime:
        return datetime.fromtimestamp(utc_minute * 60, self.tz)

    def add(self, start: datetime, minutes: int, limit: int = 3_000_000) -> datetime:
        m = self._minute_of(start)
        if minutes == 0:
            return start.astimezone(self.tz)
        left = minutes
        for _ in range(limit):
            if self.minute_open(m):
                left -= 1
                if left == 0:
                    return self._at(m + 1)
            m += 1
        raise AssertionError("reference walked too far")

    def between(self, a: datetime, b: datetime) -> timedelta:
        ma, mb = self._minute_of(a), self._minute_of(b)
        lo, hi = min(ma, mb), max(ma, mb)
        count = sum(1 for m in range(lo, hi) if self.minute_open(m))
        return timedelta(minutes=count if mb >= ma else -count)

    def is_open(self, t: datetime) -> bool:
        return self.minute_open(self._minute_of(t))

    def next_open(self, t: datetime, limit: int = 3_000_000) -> datetime:
        m = self._minute_of(t)
        for _ in range(limit):
            if self.minute_open(m):
                return self._at(m)
            m += 1
        raise AssertionError("reference walked too far")


def _cut_end(hours: Hours, minutes: int) -> Hours:
    """Working minutes of a day with the last ``minutes`` of them taken away."""
    kept = sorted(m for s, e in hours for m in range(s, e))[:-minutes]
    result: Hours = []
    for m in kept:
        if result and result[-1][1] == m:
            result[-1] = (result[-1][0], m + 1)
        else:
            result.append((m, m + 1))
    return result


def _offset_minutes(local: datetime) -> int:
    offset = local.utcoffset()
    assert offset is not None
    return offset // timedelta(minutes=1)


class MinuteGrid:
    """Every UTC minute of ``[first, last)`` decided once by :class:`ReferenceCalendar`.

    The decision for all minutes is vectorised only in how the local reading
    is looked up: each UTC minute's offset comes from ``zoneinfo`` one minute
    at a time, and each local date's hours from the reference's own rules.
    """

    def __init__(self, ref: ReferenceCalendar, first: datetime, last: datetime) -> None:
        self.ref = ref
        self.m0 = ReferenceCalendar._minute_of(first)
        m1 = ReferenceCalendar._minute_of(last)
        minutes = np.arange(self.m0, m1, dtype=np.int64)
        tz = ref.tz
        offsets = np.fromiter(
            (_offset_minutes(datetime.fromtimestamp(m * 60, tz)) for m in minutes.tolist()),
            dtype=np.int64,
            count=minutes.size,
        )
        local = minutes + offsets
        local_day = local // 1440
        minute_of_day = local % 1440
        day0 = int(local_day.min())
        days = int(local_day.max()) - day0 + 1
        mask = np.zeros((days, 1440), dtype=bool)
        epoch_ordinal = date(1970, 1, 1).toordinal()
        for k in range(days):
            for s, e in ref.hours_on(date.fromordinal(epoch_ordinal + day0 + k)):
                mask[k, s:e] = True
        self.open = mask[local_day - day0, minute_of_day]
        # count[k] = open minutes before minute m0 + k, in microseconds
        self.count = np.concatenate(([0], np.cumsum(self.open, dtype=np.int64))) * MINUTE
        self.size = minutes.size

    def _index(self, us: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = us // MINUTE - self.m0
        if k.min() < 0 or k.max() >= self.size:
            raise AssertionError("moment outside the grid")
        return k, us - (k + self.m0) * MINUTE

    def positions(self, us: np.ndarray) -> np.ndarray:
        k, rest = self._index(us)
        return self.count[k] + np.where(self.open[k], rest, 0)

    def add(self, us: np.ndarray, amount_us: np.ndarray) -> np.ndarray:
        """UTC microseconds in, UTC microseconds out; ``amount_us`` >= 0."""
        target = self.positions(us) + amount_us
        # the minute during which the running count reaches the target
        k = np.searchsorted(self.count, target, side="left") - 1
        if k.max() >= self.size - 1:
            raise AssertionError("result outside the grid")
        due = (k + self.m0) * MINUTE + (target - self.count[np.maximum(k, 0)])
        return np.where(amount_us == 0, us, due)

    def between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.positions(b) - self.positions(a)

    def is_open(self, us: np.ndarray) -> np.ndarray:
        k, _ = self._index(us)
        return self.open[k]

    def next_open(self, us: np.ndarray) -> np.ndarray:
        k, _ = self._index(us)
        open_idx = np.flatnonzero(self.open)
        nxt = np.searchsorted(open_idx, k, side="left")
        if nxt.max() >= open_idx.size:
            raise AssertionError("no opening inside the grid")
        return np.where(self.open[k], us, (open_idx[nxt] + self.m0) * MINUTE)
