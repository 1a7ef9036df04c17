"""Business time: when does a promise made at moment X, worth N working minutes, fall due?

A :class:`WorkCalendar` turns weekly hours, public holidays and per-date
exceptions into a *timeline*: the sorted UTC intervals during which the
calendar is open, with the business time accumulated before each interval.
Every question then reduces to one or two binary searches over that timeline
(``bisect`` for single moments, ``numpy.searchsorted`` for arrays), which is
what makes recomputing every timer of an agency cheap.

Conventions (other code relies on them):

* Open time is the set of instants whose local wall-clock reading lies inside
  the hours of their local date. Intervals are half-open, so at closing time
  the calendar is already closed. Arithmetic happens in absolute time: a
  00:00-24:00 day lasts 23 hours on a spring-forward date and 25 on a
  fall-back date; wall-clock times that do not exist contribute nothing.
* ``add(start, n)`` is the earliest moment ``T >= start`` with
  ``between(start, T) == n``. Landing exactly on a closing moment returns that
  moment (Fri 16:00 + 2 h with close at 18:00 is Fri 18:00), and
  ``add(start, 0)`` is ``start`` itself even when the calendar is closed.
  Negative amounts raise ``ValueError``: business time is only counted forward.
* The hours of a date are, in order of precedence: ``extra_workdays``, then
  ``days_off`` (closed), then ``shortened`` (everything typed by hand wins),
  then a public holiday (closed), then a working weekend day moved by law
  (``weekend_workdays`` of the ``holidays`` package; worked with the hours of
  a regular Monday), then the weekly hours. A public holiday always wins over
  a moved working day, whatever the package version says.
* In countries whose law shortens the working day right before a public
  holiday (``PRE_HOLIDAY_CUT_US``: RU, BY, UA, UZ), that day loses an hour
  from the end of its hours (across a lunch break if the last stretch is
  shorter), also on a working Saturday that carries the shortened day of a
  decree; a date typed by hand is never cut.
* The timeline grows by whole local years on demand, in both directions, so
  there is no horizon to fall off; years 2-9998 can be reached.
* Every bad input raises a single ``ValueError`` whose message names it.

Nothing here imports Django: the engine is used by the web app, the workers
and the benchmarks alike.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from agencydesk.calendars._hours import (
    Interval,
    format_intervals,
    parse_hours,
    parse_intervals,
    validate_hours,
)
from agencydesk.calendars._inputs import (
    amount,
    amounts,
    fromtimestamp,
    instant,
    instants,
    items,
    moment,
    naive_error,
    ordinal_of,
    to_us,
    zone,
)
from agencydesk.calendars._timeline import (
    EPOCH,
    MAX_YEAR,
    MIN_YEAR,
    PRE_HOLIDAY_CUT_US,
    US_PER_MINUTE,
    IntArray,
    ScalarView,
    Timeline,
    UsInterval,
    assemble,
    build_year,
    check_place,
    holiday_year,
    shorten,
    year_bounds,
    years_around,
)

__all__ = ["WorkCalendar", "format_intervals", "parse_hours", "parse_intervals", "validate_hours"]

Minutes = int | float | timedelta | np.number[Any] | np.timedelta64
MIN_US = year_bounds(MIN_YEAR, MIN_YEAR)[0]


class WorkCalendar:
    """The business time of one client: a time zone, weekly hours and days off.

    Building is cheap (the timeline is made lazily, a local year at a time),
    so callers may rebuild a calendar whenever its settings change.
    """

    def __init__(
        self,
        timezone: str | ZoneInfo,
        hours: str,
        country: str | None = None,
        subdivision: str | None = None,
        days_off: Iterable[date] | None = None,
        extra_workdays: Mapping[date, str | None] | None = None,
        shortened: Mapping[date, str] | None = None,
    ) -> None:
        self.tz = zone(timezone)
        self.timezone: str = self.tz.key if isinstance(timezone, ZoneInfo) else timezone
        self.hours = hours
        self.weekly: dict[int, list[Interval]] = parse_hours(hours)
        self.country = country.strip().upper() if country else None
        self.subdivision = subdivision.strip() if subdivision else None
        if self.subdivision and not self.country:
            raise ValueError(f"subdivision {self.subdivision!r} given without a country")
        if self.country:
            self.subdivision = check_place(self.country, self.subdivision)

        self._weekly_us = tuple(to_us(self.weekly.get(day, [])) for day in range(7))
        # A working day moved by law (or an extra workday given without hours)
        # is worked like a regular Monday, or like the first day that has
        # hours when Monday has none.
        self._moved_hours = self._weekly_us[0] or next(h for h in self._weekly_us if h)
        self._cut_us = PRE_HOLIDAY_CUT_US.get(self.country or "", 0)
        self._special = self._exceptions(days_off, extra_workdays, shortened)
        self._chunks: dict[int, tuple[IntArray, IntArray]] = {}
        self._lock = threading.Lock()
        self._tl: Timeline | None = None
        self._scalar: ScalarView = (0, 0, [], [], [], [], 0)

    def __repr__(self) -> str:
        place = f" {self.country}" + (f"-{self.subdivision}" if self.subdivision else "")
        return f"<WorkCalendar {self.timezone} {self.hours!r}{place if self.country else ''}>"

    # --- settings ------------------------------------------------------------

    def _exceptions(
        self,
        days_off: Iterable[date] | None,
        extra_workdays: Mapping[date, str | None] | None,
        shortened: Mapping[date, str] | None,
    ) -> dict[int, tuple[UsInterval, ...]]:
        """Per-date hours chosen by the user, already resolved by precedence."""
        special: dict[int, tuple[UsInterval, ...]] = {}
        for day, text in items(shortened, "shortened"):
            special[ordinal_of(day, "shortened")] = to_us(parse_intervals(text, str(day)))
        for day in days_off or ():
            special[ordinal_of(day, "days_off")] = ()
        for day, text in items(extra_workdays, "extra_workdays"):
            ordinal = ordinal_of(day, "extra_workdays")
            if text is None or (isinstance(text, str) and not text.strip()):
                special[ordinal] = self._moved_hours
            else:
                special[ordinal] = to_us(parse_intervals(text, str(day)))
        return special

    def hours_on(self, day: date) -> list[Interval]:
        """The ``(start_minute, end_minute)`` hours of a local date after every rule."""
        ordinal = ordinal_of(day, "hours_on")
        hours = self._special.get(ordinal)
        if hours is None:
            if self.country:
                public_off, moved, pre = holiday_year(self.country, self.subdivision, day.year)
            else:
                public_off, moved, pre = frozenset(), frozenset(), frozenset()
            if ordinal in public_off:
                hours = ()
            elif ordinal in moved:
                hours = self._moved_hours
            else:
                hours = self._weekly_us[day.weekday()]
            if ordinal in pre:
                hours = shorten(hours, self._cut_us)
        return [(s // US_PER_MINUTE, e // US_PER_MINUTE) for s, e in hours]

    # --- timeline ------------------------------------------------------------

    def cover(self, first_year: int, last_year: int) -> None:
        """Build the timeline for these local years now instead of on first use."""
        if not MIN_YEAR <= first_year <= last_year <= MAX_YEAR:
            raise ValueError(f"years {first_year}-{last_year} outside {MIN_YEAR}-{MAX_YEAR}")
        self._grow(first_year, last_year)

    def _timeline(self, lo_us: int, hi_us: int) -> Timeline:
        """A timeline whose exact range contains both instants."""
        tl = self._tl
        if tl is not None and tl.lo <= lo_us and hi_us < tl.hi:
            return tl
        return self._grow(*years_around(lo_us, hi_us))

    def _grow_forward(self, missing_us: int) -> Timeline:
        """Extend past the current end, by roughly as many years as ``missing_us`` needs."""
        tl = self._tl
        assert tl is not None  # only called once a timeline exists
        years = tl.last_year - tl.first_year + 1
        per_year = max(int(tl.cum_end[-1]) // years if tl.cum_end else 0, 1)
        extra = 1 + max(missing_us, 0) // per_year
        last = tl.last_year + extra
        if tl.last_year >= MAX_YEAR:
            raise ValueError(f"business time runs past the year {MAX_YEAR}")
        return self._grow(tl.first_year, min(last, MAX_YEAR))

    def _grow(self, first_year: int, last_year: int) -> Timeline:
        with self._lock:
            tl = self._tl
            if tl is not None:
                first_year = min(first_year, tl.first_year)
                last_year = max(last_year, tl.last_year)
                if first_year == tl.first_year and last_year == tl.last_year:
                    return tl
            for year in range(first_year, last_year + 1):
                if year not in self._chunks:
                    self._chunks[year] = self._build_year(year)
            tl = assemble(first_year, last_year, self._chunks)
            self._tl = tl
            self._scalar = tl.scalar
            return tl

    def _build_year(self, year: int) -> tuple[IntArray, IntArray]:
        if self.country:
            public = holiday_year(self.country, self.subdivision, year)
        else:
            public = (frozenset(), frozenset(), frozenset())
        return build_year(
            year, self.tz, self._weekly_us, self._special, public, self._moved_hours, self._cut_us
        )

    # --- scalar API -------------------------------------------------------------

    def add(self, start: datetime, minutes: Minutes) -> datetime:
        """The moment ``minutes`` of business time after ``start`` falls due."""
        # This is the hottest path of the desk (every timer, every recompute),
        # so the helpers are inlined: each saved call is ~5% of the cost.
        try:
            delta = start - EPOCH
        except TypeError:
            raise naive_error(start) from None
        u = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        # literals instead of the named constants: a global lookup costs ~2%
        if type(minutes) is int and 0 < minutes <= 1_000_000_000:  # MAX_MINUTES
            d = minutes * 60_000_000  # US_PER_MINUTE
        else:
            d = amount(minutes)
            if d == 0:
                return start.astimezone(self.tz)
        lo, hi, starts, ends, shift, cum_end, size = self._scalar
        if not lo <= u < hi:
            lo, hi, starts, ends, shift, cum_end, size = self._timeline(u, u).scalar
        while True:
            i = bisect_right(starts, u) - 1
            if i >= 0 and u < ends[i]:
                t = u + d
                if t <= ends[i]:
                    # The amount fits in the interval the start is in: the
                    # commonest case, answered without touching the sums.
                    if t < hi:
                        break
                    lo, hi, starts, ends, shift, cum_end, size = self._grow_forward(0).scalar
                    continue
                target = u - shift[i] + d
            else:
                target = (cum_end[i] if i >= 0 else 0) + d
            # Most amounts that leave the interval end in the next one.
            j = i + 1
            if j >= size or target > cum_end[j]:
                j = bisect_left(cum_end, target)
            if j < size:
                t = shift[j] + target
                if t < hi:
                    break
            missing = target - (cum_end[-1] if size else 0)
            lo, hi, starts, ends, shift, cum_end, size = self._grow_forward(missing).scalar
        if -4_294_967_296_000_000 < t < 4_294_967_296_000_000:  # FLOAT_EXACT
            return fromtimestamp(t / 1_000_000, self.tz)
        return moment(t, self.tz)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from ``a`` to ``b``; negative when ``b`` is earlier."""
        ua, ub = instant(a), instant(b)
        tl = self._timeline(min(ua, ub), max(ua, ub))
        return timedelta(microseconds=tl.position(ub) - tl.position(ua))

    def is_open(self, t: datetime) -> bool:
        u = instant(t)
        tl = self._timeline(u, u)
        i = bisect_right(tl.starts, u) - 1
        return i >= 0 and u < tl.ends[i]

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself when open (in the calendar's zone), else the next opening."""
        u = instant(t)
        tl = self._timeline(u, u)
        while True:
            j = bisect_right(tl.starts, u)
            if j > 0 and u < tl.ends[j - 1]:
                return t.astimezone(self.tz)
            if j < len(tl.starts) and tl.starts[j] < tl.hi:
                return moment(tl.starts[j], self.tz)
            tl = self._grow_forward(0)

    def subtract(self, end: datetime, minutes: Minutes) -> datetime:
        """The latest moment ``T <= end`` with ``between(T, end) == minutes``: counting back.

        For "a buffer before the deadline" (an internal review two business
        hours before a delivery). Landing on an opening moment returns it
        (Tue 11:00 - 2 h with opening at 09:00 is Tue 09:00, not Mon 18:00).
        """
        d = amount(minutes)
        if d == 0:
            return end.astimezone(self.tz)
        u = instant(end)
        span = max(d * 4, 30 * 86_400_000_000)
        while True:
            lo = max(u - span, MIN_US)
            tl = self._timeline(lo, u)
            target = tl.position(u) - d
            first = tl.position(tl.lo)
            if target >= first or tl.first_year <= MIN_YEAR:
                break
            span *= 2
        if target < 0 or not tl.starts:
            raise ValueError(f"business time runs before the year {MIN_YEAR}")
        i = bisect_right(tl.cum, target) - 1
        return moment(tl.starts[i] + target - tl.cum[i], self.tz)

    def last_close(self, t: datetime) -> datetime:
        """``t`` itself when open or at a closing moment, else the last closing moment before it."""
        u = instant(t)
        span = 30 * 86_400_000_000
        while True:
            tl = self._timeline(max(u - span, MIN_US), u)
            i = bisect_right(tl.starts, u) - 1
            if i >= 0 and u <= tl.ends[i]:
                return t.astimezone(self.tz)
            if i >= 0:
                return moment(tl.ends[i], self.tz)
            if tl.first_year <= MIN_YEAR:
                raise ValueError(f"no working time before {t.isoformat()}")
            span *= 2

    # --- vectorised API ---------------------------------------------------------

    def add_many(self, starts: Any, minutes: Any) -> npt.NDArray[np.datetime64]:
        """``add`` over arrays: UTC ``datetime64[us]`` in, UTC ``datetime64[us]`` out.

        ``starts`` is a ``datetime64`` array (read as UTC) or a sequence of
        aware datetimes; ``minutes`` a scalar or an array broadcast against it.
        """
        u, d = np.broadcast_arrays(instants(starts), amounts(minutes))
        shape = u.shape
        u, d = u.ravel(), d.ravel()
        if u.size == 0:
            return np.empty(shape, dtype="datetime64[us]")
        tl = self._timeline(int(u.min()), int(u.max()))
        while True:
            target = tl.positions(u) + d
            n = len(tl.starts)
            j = np.searchsorted(tl.cum_end_arr, target, side="left")
            if n:
                jc = np.minimum(j, n - 1)
                t = tl.starts_arr[jc] + (target - tl.cum_arr[jc])
                done = ((j < n) & (t < tl.hi)) | (d == 0)
            else:
                t = u
                done = d == 0
            if done.all():
                result = np.where(d == 0, u, t)
                return result.reshape(shape).view("datetime64[us]")
            needed = int(target[~done].max()) - (tl.cum_end[-1] if n else 0)
            tl = self._grow_forward(needed)

    def next_open_many(self, moments: Any) -> npt.NDArray[np.datetime64]:
        """``next_open`` over an array of moments: UTC ``datetime64[us]`` in and out."""
        u = instants(moments)
        shape = u.shape
        u = u.ravel()
        if u.size == 0:
            return np.empty(shape, dtype="datetime64[us]")
        tl = self._timeline(int(u.min()), int(u.max()))
        while True:
            n = len(tl.starts)
            j = np.searchsorted(tl.starts_arr, u, side="right")
            if n:
                inside = (j > 0) & (u < tl.ends_arr[np.maximum(j - 1, 0)])
                nxt = tl.starts_arr[np.minimum(j, n - 1)]
                found = (j < n) & (nxt < tl.hi)
            else:
                inside = found = np.zeros(u.shape, dtype=bool)
                nxt = u
            if (inside | found).all():
                result = np.where(inside, u, nxt)
                return result.reshape(shape).view("datetime64[us]")
            tl = self._grow_forward(0)

    def between_many(self, a: Any, b: Any) -> npt.NDArray[np.timedelta64]:
        """``between`` over arrays of moments; returns ``timedelta64[us]``."""
        ua, ub = np.broadcast_arrays(instants(a), instants(b))
        if ua.size == 0:
            return np.empty(ua.shape, dtype="timedelta64[us]")
        tl = self._timeline(int(min(ua.min(), ub.min())), int(max(ua.max(), ub.max())))
        diff = tl.positions(ub.ravel()) - tl.positions(ua.ravel())
        return diff.reshape(ua.shape).view("timedelta64[us]")
