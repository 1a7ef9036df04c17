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
  ``days_off`` (closed), then ``shortened``, then a working weekend day moved
  by law (``weekend_workdays`` of the ``holidays`` package; worked with the
  hours of a regular Monday), then a public holiday (closed), then the weekly
  hours.
* The timeline grows by whole local years on demand, in both directions, so
  there is no horizon to fall off; years 2-9998 can be reached.
* Every bad input raises a single ``ValueError`` whose message names it.

Nothing here imports Django: the engine is used by the web app, the workers
and the benchmarks alike.
"""

from __future__ import annotations

import math
import operator
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from agencydesk.calendars._hours import (
    Interval,
    format_intervals,
    parse_hours,
    parse_intervals,
    validate_hours,
)
from agencydesk.calendars._timeline import (
    EPOCH,
    MAX_YEAR,
    MIN_YEAR,
    ONE_US,
    US_PER_MINUTE,
    IntArray,
    UsInterval,
    build_year,
    check_place,
    holiday_year,
    year_bounds,
    year_of_instant,
)

__all__ = ["WorkCalendar", "format_intervals", "parse_hours", "validate_hours"]

Minutes = int | float | timedelta
_MAX_MINUTES = 10**9
"""About 2,000 years of round-the-clock time: more than any calendar can hold."""


class _Timeline:
    """An immutable snapshot of the open intervals of a span of local years.

    ``cum[i]`` is the business time before interval ``i`` and ``cum_end[i]``
    the time up to its end, both counted from the start of the span. Readers
    take one snapshot and never see a half-built one, which keeps the
    calendar safe to share between threads without locking the fast path.
    The Python lists serve the scalar methods (``bisect`` on a list beats
    NumPy for one element); the arrays serve the vectorised ones.
    """

    __slots__ = (
        "cum",
        "cum_arr",
        "cum_end",
        "cum_end_arr",
        "ends",
        "ends_arr",
        "first_year",
        "hi",
        "last_year",
        "lo",
        "scalar",
        "size",
        "starts",
        "starts_arr",
    )

    def __init__(self, first_year: int, last_year: int, starts: IntArray, ends: IntArray) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.lo, self.hi = year_bounds(first_year, last_year)
        durations = ends - starts
        cum_end = np.cumsum(durations, dtype=np.int64)
        self.starts_arr = starts
        self.ends_arr = ends
        self.cum_end_arr = cum_end
        self.cum_arr = cum_end - durations
        self.starts: list[int] = starts.tolist()
        self.ends: list[int] = ends.tolist()
        self.cum: list[int] = self.cum_arr.tolist()
        self.cum_end: list[int] = cum_end.tolist()
        self.size = len(self.starts)
        self.scalar = (self.lo, self.hi, self.starts, self.cum, self.cum_end, self.size)

    def position(self, us: int) -> int:
        """Business time from the span start to ``us``."""
        i = bisect_right(self.starts, us) - 1
        if i < 0:
            return 0
        return min(self.cum[i] + us - self.starts[i], self.cum_end[i])

    def positions(self, us: IntArray) -> IntArray:
        if not self.starts:
            return np.zeros_like(us)
        i = np.searchsorted(self.starts_arr, us, side="right") - 1
        ic = np.maximum(i, 0)
        pos = np.minimum(self.cum_arr[ic] + (us - self.starts_arr[ic]), self.cum_end_arr[ic])
        return np.where(i >= 0, pos, 0)


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
        self.tz = _zone(timezone)
        self.timezone: str = self.tz.key if isinstance(timezone, ZoneInfo) else timezone
        self.hours = hours
        self.weekly: dict[int, list[Interval]] = parse_hours(hours)
        self.country = country.strip().upper() if country else None
        self.subdivision = subdivision.strip() if subdivision else None
        if self.subdivision and not self.country:
            raise ValueError(f"subdivision {self.subdivision!r} given without a country")
        if self.country:
            check_place(self.country, self.subdivision)

        self._weekly_us = tuple(_to_us(self.weekly.get(day, [])) for day in range(7))
        # A working day moved by law (or an extra workday given without hours)
        # is worked like a regular Monday, or like the first day that has
        # hours when Monday has none.
        self._moved_hours = self._weekly_us[0] or next(h for h in self._weekly_us if h)
        self._special = self._exceptions(days_off, extra_workdays, shortened)
        self._chunks: dict[int, tuple[IntArray, IntArray]] = {}
        self._lock = threading.Lock()
        self._tl: _Timeline | None = None
        self._scalar: tuple[int, int, list[int], list[int], list[int], int] = (0, 0, [], [], [], 0)

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
        for day, text in _items(shortened, "shortened"):
            special[_ordinal(day, "shortened")] = _to_us(parse_intervals(text, str(day)))
        for day in days_off or ():
            special[_ordinal(day, "days_off")] = ()
        for day, text in _items(extra_workdays, "extra_workdays"):
            ordinal = _ordinal(day, "extra_workdays")
            if text is None or (isinstance(text, str) and not text.strip()):
                special[ordinal] = self._moved_hours
            else:
                special[ordinal] = _to_us(parse_intervals(text, str(day)))
        return special

    def hours_on(self, day: date) -> list[Interval]:
        """The ``(start_minute, end_minute)`` hours of a local date after every rule."""
        ordinal = _ordinal(day, "hours_on")
        hours = self._special.get(ordinal)
        if hours is None:
            if self.country:
                public_off, moved = holiday_year(self.country, self.subdivision, day.year)
            else:
                public_off, moved = frozenset(), frozenset()
            if ordinal in moved:
                hours = self._moved_hours
            elif ordinal in public_off:
                hours = ()
            else:
                hours = self._weekly_us[day.weekday()]
        return [(s // US_PER_MINUTE, e // US_PER_MINUTE) for s, e in hours]

    # --- timeline ------------------------------------------------------------

    def cover(self, first_year: int, last_year: int) -> None:
        """Build the timeline for these local years now instead of on first use."""
        if not MIN_YEAR <= first_year <= last_year <= MAX_YEAR:
            raise ValueError(f"years {first_year}-{last_year} outside {MIN_YEAR}-{MAX_YEAR}")
        self._grow(first_year, last_year)

    def _timeline(self, lo_us: int, hi_us: int) -> _Timeline:
        """A timeline whose exact range contains both instants."""
        tl = self._tl
        if tl is not None and tl.lo <= lo_us and hi_us < tl.hi:
            return tl
        # The two-day margins of ``year_bounds`` mirror the ones applied here.
        return self._grow(
            year_of_instant(lo_us - 2 * 86_400_000_000),
            year_of_instant(hi_us + 2 * 86_400_000_000),
        )

    def _grow_forward(self, missing_us: int) -> _Timeline:
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

    def _grow(self, first_year: int, last_year: int) -> _Timeline:
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
            tl = _assemble(first_year, last_year, self._chunks)
            self._tl = tl
            self._scalar = tl.scalar
            return tl

    def _build_year(self, year: int) -> tuple[IntArray, IntArray]:
        if self.country:
            public = holiday_year(self.country, self.subdivision, year)
        else:
            public = (frozenset(), frozenset())
        return build_year(year, self.tz, self._weekly_us, self._special, public, self._moved_hours)

    # --- scalar API -------------------------------------------------------------

    def add(self, start: datetime, minutes: Minutes) -> datetime:
        """The moment ``minutes`` of business time after ``start`` falls due."""
        # This is the hottest path of the desk (every timer, every recompute),
        # so the helpers are inlined: each saved call is ~5% of the cost.
        try:
            delta = start - EPOCH
        except TypeError:
            raise _naive(start) from None
        u = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        # literals instead of the named constants: a global lookup costs ~2%
        if type(minutes) is int and 0 < minutes <= 1_000_000_000:  # _MAX_MINUTES
            d = minutes * 60_000_000  # US_PER_MINUTE
        else:
            d = _amount(minutes)
            if d == 0:
                return start.astimezone(self.tz)
        lo, hi, starts, cum, cum_end, size = self._scalar
        if not lo <= u < hi:
            lo, hi, starts, cum, cum_end, size = self._timeline(u, u).scalar
        while True:
            i = bisect_right(starts, u) - 1
            if i >= 0:
                end = cum_end[i]
                target = cum[i] + u - starts[i]
                target = (end if target > end else target) + d
                # Most amounts end in the interval of the start or the next
                # one; checking those first skips the second binary search.
                if target <= end:
                    j = i
                elif i + 1 < size and target <= cum_end[i + 1]:
                    j = i + 1
                else:
                    j = bisect_left(cum_end, target)
            else:
                target = d
                j = bisect_left(cum_end, target)
            if j < size:
                t = starts[j] + target - cum[j]
                if t < hi:
                    if -4_294_967_296_000_000 < t < 4_294_967_296_000_000:  # _FLOAT_EXACT
                        return _fromtimestamp(t / 1_000_000, self.tz)
                    return _moment(t, self.tz)
            missing = target - (cum_end[-1] if size else 0)
            lo, hi, starts, cum, cum_end, size = self._grow_forward(missing).scalar

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from ``a`` to ``b``; negative when ``b`` is earlier."""
        ua, ub = _instant(a), _instant(b)
        tl = self._timeline(min(ua, ub), max(ua, ub))
        return timedelta(microseconds=tl.position(ub) - tl.position(ua))

    def is_open(self, t: datetime) -> bool:
        u = _instant(t)
        tl = self._timeline(u, u)
        i = bisect_right(tl.starts, u) - 1
        return i >= 0 and u < tl.ends[i]

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself when open (in the calendar's zone), else the next opening."""
        u = _instant(t)
        tl = self._timeline(u, u)
        while True:
            j = bisect_right(tl.starts, u)
            if j > 0 and u < tl.ends[j - 1]:
                return t.astimezone(self.tz)
            if j < len(tl.starts) and tl.starts[j] < tl.hi:
                return _moment(tl.starts[j], self.tz)
            tl = self._grow_forward(0)

    # --- vectorised API ---------------------------------------------------------

    def add_many(self, starts: Any, minutes: Any) -> npt.NDArray[np.datetime64]:
        """``add`` over arrays: UTC ``datetime64[us]`` in, UTC ``datetime64[us]`` out.

        ``starts`` is a ``datetime64`` array (read as UTC) or a sequence of
        aware datetimes; ``minutes`` a scalar or an array broadcast against it.
        """
        u, d = np.broadcast_arrays(_instants(starts), _amounts(minutes))
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

    def between_many(self, a: Any, b: Any) -> npt.NDArray[np.timedelta64]:
        """``between`` over arrays of moments; returns ``timedelta64[us]``."""
        ua, ub = np.broadcast_arrays(_instants(a), _instants(b))
        if ua.size == 0:
            return np.empty(ua.shape, dtype="timedelta64[us]")
        tl = self._timeline(int(min(ua.min(), ub.min())), int(max(ua.max(), ub.max())))
        diff = tl.positions(ub.ravel()) - tl.positions(ua.ravel())
        return diff.reshape(ua.shape).view("timedelta64[us]")


# --- helpers -------------------------------------------------------------------


def _zone(timezone: str | ZoneInfo) -> ZoneInfo:
    if isinstance(timezone, ZoneInfo):
        return timezone
    if not isinstance(timezone, str) or not timezone.strip():
        raise ValueError(f"unknown time zone {timezone!r}: give an IANA name like 'Europe/Moscow'")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        raise ValueError(
            f"unknown time zone {timezone!r}: give an IANA name like 'Europe/Moscow'"
        ) from None


def _to_us(intervals: Sequence[Interval]) -> tuple[UsInterval, ...]:
    return tuple((s * US_PER_MINUTE, e * US_PER_MINUTE) for s, e in intervals)


def _items(mapping: Mapping[date, Any] | None, name: str) -> Iterable[tuple[date, Any]]:
    if mapping is None:
        return ()
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{name} must map dates to hours like '09:00-18:00'")
    return mapping.items()


def _ordinal(day: object, name: str) -> int:
    # ``datetime`` is a ``date`` too, but a moment is not a date: refuse it
    # rather than silently dropping its time and zone.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"{name}: expected a date, got {type(day).__name__} {day!r}")
    return day.toordinal()


def _naive(value: object) -> ValueError:
    if isinstance(value, datetime):
        return ValueError(f"naive datetime {value}: give a time zone")
    return ValueError(f"expected an aware datetime, got {type(value).__name__} {value!r}")


def _instant(value: datetime) -> int:
    """UTC microseconds of an aware datetime."""
    try:
        delta = value - EPOCH
    except TypeError:
        raise _naive(value) from None
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_fromtimestamp = datetime.fromtimestamp
_FLOAT_EXACT = 2**32 * 1_000_000
"""Below 2**32 s (the year 2106) a float of seconds is within 0.25 us of the exact
microsecond, and ``fromtimestamp`` rounds to the nearest microsecond, so the
float route is exact there, and three times faster than the timedelta route."""


def _moment(us: int, tz: ZoneInfo) -> datetime:
    if -_FLOAT_EXACT < us < _FLOAT_EXACT:
        return datetime.fromtimestamp(us / 1_000_000, tz)
    return (EPOCH + timedelta(microseconds=us)).astimezone(tz)


def _amount(minutes: object) -> int:
    """Business microseconds of an amount of minutes or a timedelta."""
    if type(minutes) is int:
        us = minutes * US_PER_MINUTE
    elif isinstance(minutes, timedelta):
        us = minutes // ONE_US
    elif isinstance(minutes, np.timedelta64):
        us = int(minutes.astype("timedelta64[us]").astype(np.int64))
    elif isinstance(minutes, bool) or not isinstance(minutes, int | float | np.number):
        raise ValueError(f"minutes must be a number or a timedelta, got {minutes!r}")
    elif isinstance(minutes, int | np.integer):
        us = operator.index(minutes) * US_PER_MINUTE
    else:
        value = float(minutes)
        if not math.isfinite(value):
            raise ValueError(f"minutes must be finite, got {minutes!r}")
        us = round(value * US_PER_MINUTE)
    if us < 0:
        raise ValueError(f"negative business time {minutes!r}: add() only counts forward")
    if us > _MAX_MINUTES * US_PER_MINUTE:
        raise ValueError(f"business time {minutes!r} is too large")
    return us


def _instants(values: Any) -> IntArray:
    arr = values if isinstance(values, np.ndarray) else np.asarray(values)
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise ValueError("NaT among the moments: every moment needs a value")
        return arr.astype("datetime64[us]").view(np.int64)
    if arr.dtype.kind == "O":
        flat = np.fromiter((_instant(v) for v in arr.ravel()), dtype=np.int64, count=arr.size)
        return flat.reshape(arr.shape)
    raise ValueError(
        f"expected datetime64 values (UTC) or aware datetimes, got an array of {arr.dtype}"
    )


def _amounts(minutes: Any) -> IntArray:
    arr = np.asarray(minutes)
    kind = arr.dtype.kind
    if kind in "iuf" and arr.size:
        if kind == "f" and not np.isfinite(arr).all():
            raise ValueError("amounts of minutes must be finite")
        if arr.min() < 0:
            raise ValueError("negative business time: add_many() only counts forward")
        if arr.max() > _MAX_MINUTES:
            raise ValueError("business time too large: at most 1e9 minutes")
    if kind == "m":
        if np.isnat(arr).any():
            raise ValueError("NaT among the amounts of business time")
        us = arr.astype("timedelta64[us]").astype(np.int64)
    elif kind in "iu":
        us = arr.astype(np.int64) * US_PER_MINUTE
    elif kind == "f":
        us = np.rint(arr * US_PER_MINUTE).astype(np.int64)
    elif kind == "O":
        flat = np.fromiter((_amount(v) for v in arr.ravel()), dtype=np.int64, count=arr.size)
        us = flat.reshape(arr.shape)
    else:
        raise ValueError(f"minutes must be numbers or timedeltas, got an array of {arr.dtype}")
    if us.size and us.min() < 0:
        raise ValueError("negative business time: add_many() only counts forward")
    return us


def _assemble(
    first_year: int, last_year: int, chunks: Mapping[int, tuple[IntArray, IntArray]]
) -> _Timeline:
    """Join yearly chunks into one timeline, fusing intervals that touch.

    Touching intervals come from ``24:00`` days and from stretches split at
    offset changes; fusing them keeps the timeline small and makes an open
    run look like one interval to ``next_open``.
    """
    years = range(first_year, last_year + 1)
    starts = np.concatenate([chunks[y][0] for y in years])
    ends = np.concatenate([chunks[y][1] for y in years])
    if starts.size > 1:
        if (starts[1:] < starts[:-1]).any():
            # Only a zone falling back across a New Year's midnight can do this.
            order = np.argsort(starts, kind="stable")
            starts, ends = starts[order], ends[order]
        gap = starts[1:] > ends[:-1]
        starts = starts[np.concatenate(([True], gap))]
        ends = ends[np.concatenate((gap, [True]))]
    return _Timeline(first_year, last_year, starts, ends)
