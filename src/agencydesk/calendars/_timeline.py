"""Building blocks of the engine's timeline: zone offsets, public holidays, one local year.

Everything here works in integer microseconds since the Unix epoch so that
results are exact to the microsecond. Two kinds of numbers appear:

* *UTC instants* -- microseconds since 1970-01-01T00:00Z;
* *local naive instants* -- the same count for a wall-clock reading taken as
  if it were UTC. ``local = utc + offset`` inside a stretch of constant offset.

Both caches below are module-level and keyed by immutable values because the
inputs (tzdb rules, the ``holidays`` package) never change while a process
runs, and every calendar of the same country or zone can share the work.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import numpy.typing as npt

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_DAY = 86_400 * US_PER_SECOND
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)

# Years 1 and 9999 are left out so that the two-day margins below never step
# outside what ``datetime`` can represent.
MIN_YEAR = 2
MAX_YEAR = 9998

IntArray = npt.NDArray[np.int64]
ScalarView = tuple[int, int, list[int], list[int], list[int], list[int], int]
"""(lo, hi, starts, ends, shift, cum_end, size): what the scalar ``add`` unpacks."""
UsInterval = tuple[int, int]
"""An open stretch of a local day as microseconds after local midnight."""

_SECONDS_PER_DAY = 86_400
_MARGIN_DAYS = 2
"""No UTC offset reaches a full day, so two days of margin always cover one."""


def year_start_ordinal(year: int) -> int:
    return date(year, 1, 1).toordinal()


def _describe(us: int) -> str:
    ordinal = EPOCH_ORDINAL + us // US_PER_DAY
    if 0 < ordinal <= date.max.toordinal():
        return date.fromordinal(ordinal).isoformat()
    return f"{us} us after 1970"


def years_around(lo_us: int, hi_us: int) -> tuple[int, int]:
    """The local years whose timeline answers exactly for every instant in ``lo..hi``.

    The two days of margin mirror :func:`year_bounds`; instants too close to
    the ends of ``datetime`` for that margin are refused.
    """
    first_ordinal = EPOCH_ORDINAL + (lo_us - _MARGIN_DAYS * US_PER_DAY) // US_PER_DAY
    last_ordinal = EPOCH_ORDINAL + (hi_us + _MARGIN_DAYS * US_PER_DAY) // US_PER_DAY
    for ordinal, us in ((first_ordinal, lo_us), (last_ordinal, hi_us)):
        if not year_start_ordinal(MIN_YEAR) <= ordinal < year_start_ordinal(MAX_YEAR + 1):
            raise ValueError(
                f"moment {_describe(us)} is outside the years {MIN_YEAR}-{MAX_YEAR} "
                "a calendar can cover"
            )
    return date.fromordinal(first_ordinal).year, date.fromordinal(last_ordinal).year


def year_bounds(first_year: int, last_year: int) -> tuple[int, int]:
    """UTC instants for which the years ``first..last`` alone give exact answers.

    Any instant at least two days inside the span has every open interval at
    or before it (back to the span start) already in the timeline.
    """
    lo = (year_start_ordinal(first_year) - EPOCH_ORDINAL + _MARGIN_DAYS) * US_PER_DAY
    hi = (year_start_ordinal(last_year + 1) - EPOCH_ORDINAL - _MARGIN_DAYS) * US_PER_DAY
    return lo, hi


# --- zone offsets -----------------------------------------------------------

_offset_cache: dict[tuple[ZoneInfo, int], tuple[tuple[int, int, int], ...]] = {}


def _offset_at(tz: ZoneInfo, second: int) -> int:
    offset = (EPOCH + timedelta(seconds=second)).astimezone(tz).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset // ONE_US


def offset_pieces(tz: ZoneInfo, year: int) -> tuple[tuple[int, int, int], ...]:
    """``(utc_start, utc_end, offset)`` stretches covering a local year plus margins.

    zoneinfo hides its transition table, so transitions are found by probing
    once a day and bisecting to the second. That assumes a zone never changes
    its offset twice within 24 hours, which holds for every tzdb zone in the
    era a service desk deals with.
    """
    key = (tz, year)
    cached = _offset_cache.get(key)
    if cached is not None:
        return cached
    t0 = (year_start_ordinal(year) - EPOCH_ORDINAL - _MARGIN_DAYS) * _SECONDS_PER_DAY
    t1 = (year_start_ordinal(year + 1) - EPOCH_ORDINAL + _MARGIN_DAYS) * _SECONDS_PER_DAY
    pieces: list[tuple[int, int, int]] = []
    piece_start, current, t = t0, _offset_at(tz, t0), t0
    while t < t1:
        probe = min(t + _SECONDS_PER_DAY, t1)
        if _offset_at(tz, probe) == current:
            t = probe
            continue
        low, high = t, probe  # offset(low) == current != offset(high)
        while high - low > 1:
            mid = (low + high) // 2
            if _offset_at(tz, mid) == current:
                low = mid
            else:
                high = mid
        pieces.append((piece_start * US_PER_SECOND, high * US_PER_SECOND, current))
        piece_start, current, t = high, _offset_at(tz, high), high
    pieces.append((piece_start * US_PER_SECOND, t1 * US_PER_SECOND, current))
    result = tuple(pieces)
    _offset_cache[key] = result
    return result


# --- public holidays --------------------------------------------------------

HolidayYear = tuple[frozenset[int], frozenset[int]]
"""(ordinals of public days off, ordinals of moved working weekend days) of one year."""

_holiday_cache: dict[tuple[str, str | None, int], HolidayYear] = {}
_place_cache: dict[tuple[str, str | None], str | None] = {}
_place_lock = threading.Lock()


def clear_caches() -> None:
    """Forget cached holidays and zone offsets; for honest cold-start measurements."""
    _holiday_cache.clear()
    _offset_cache.clear()
    _place_cache.clear()


def check_place(country: str, subdivision: str | None) -> str | None:
    """The subdivision code the ``holidays`` package knows for this place.

    Raises ``ValueError`` when it knows neither the country nor the region.
    Region codes are tried as given and then upper-cased ("eng" -> "ENG"),
    since that is how people type them into a form.
    """
    candidates = [subdivision]
    if subdivision is not None and subdivision.upper() != subdivision:
        candidates.append(subdivision.upper())
    problem = None
    for candidate in candidates:
        key = (country, candidate)
        if key not in _place_cache:
            with _place_lock:
                _place_cache[key] = _place_problem(country, candidate)
        problem = _place_cache[key]
        if problem is None:
            return candidate
    if problem is not None and subdivision is not None and "subdivision" in problem:
        problem = problem.replace(repr(candidates[-1]), repr(subdivision), 1)
    raise ValueError(problem)


def _place_problem(country: str, subdivision: str | None) -> str | None:
    try:
        known = holidays.country_holidays(country, years=[])
    except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
        return f"unknown country {country!r}: use an ISO 3166-1 code such as RU, GB or US"
    if subdivision is None:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=[])
    except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
        known_codes = list(getattr(known, "subdivisions", ()))
        codes = ", ".join(known_codes[:12]) + (", ..." if len(known_codes) > 12 else "")
        hint = f"known: {codes}" if known_codes else "it has none"
        return f"unknown subdivision {subdivision!r} for country {country!r} ({hint})"
    return None


def holiday_year(country: str, subdivision: str | None, year: int) -> HolidayYear:
    """Public days off and moved working days of one year, cached per process.

    Asking the package for one year at a time keeps a fresh lookup well under
    a millisecond; moved working days (``weekend_workdays``, set for countries
    such as RU, KZ and BY) are filtered to the year because some versions
    carry dates of other years in that set.
    """
    key = (country, subdivision, year)
    cached = _holiday_cache.get(key)
    if cached is not None:
        return cached
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    days_off = frozenset(d.toordinal() for d in found if d.year == year)
    moved = frozenset(
        d.toordinal() for d in getattr(found, "weekend_workdays", ()) if d.year == year
    )
    result = (days_off, moved)
    _holiday_cache[key] = result
    return result


# --- one local year of open intervals --------------------------------------


def build_year(
    year: int,
    tz: ZoneInfo,
    weekly: tuple[tuple[UsInterval, ...], ...],
    special: Mapping[int, tuple[UsInterval, ...]],
    public: HolidayYear,
    moved_hours: tuple[UsInterval, ...],
) -> tuple[IntArray, IntArray]:
    """Sorted UTC ``(starts, ends)`` of the open time whose local date lies in ``year``.

    An instant is open when its local wall-clock reading falls inside the hours
    of its local date. Each local interval is therefore intersected with every
    stretch of constant UTC offset: a local interval that meets a fall-back
    fold appears twice, and the part inside a spring-forward gap vanishes.
    """
    first = year_start_ordinal(year)
    stop = year_start_ordinal(year + 1)
    public_off, moved = public
    local_starts: list[int] = []
    local_ends: list[int] = []
    weekday = date(year, 1, 1).weekday()
    for ordinal in range(first, stop):
        hours = special.get(ordinal)
        if hours is None:
            if ordinal in moved:
                hours = moved_hours
            elif ordinal in public_off:
                hours = ()
            else:
                hours = weekly[weekday]
        if hours:
            base = (ordinal - EPOCH_ORDINAL) * US_PER_DAY
            for start, end in hours:
                local_starts.append(base + start)
                local_ends.append(base + end)
        weekday = weekday + 1 if weekday < 6 else 0
    ls = np.array(local_starts, dtype=np.int64)
    le = np.array(local_ends, dtype=np.int64)
    starts: list[IntArray] = []
    ends: list[IntArray] = []
    for piece_start, piece_end, offset in offset_pieces(tz, year):
        us = np.maximum(ls - offset, piece_start)
        ue = np.minimum(le - offset, piece_end)
        keep = us < ue
        starts.append(us[keep])
        ends.append(ue[keep])
    # Pieces are disjoint and in order, and each keeps the local order, so
    # the concatenation is already sorted.
    return np.concatenate(starts), np.concatenate(ends)


# --- the timeline of a span of years ------------------------------------------


class Timeline:
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
        # ``shift[i]`` maps business position to moment inside interval i:
        # moment = shift[i] + position. Precomputed for the scalar ``add``.
        shift: list[int] = (starts - self.cum_arr).tolist()
        self.scalar: ScalarView = (
            self.lo,
            self.hi,
            self.starts,
            self.ends,
            shift,
            self.cum_end,
            self.size,
        )

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


def assemble(
    first_year: int, last_year: int, chunks: Mapping[int, tuple[IntArray, IntArray]]
) -> Timeline:
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
    return Timeline(first_year, last_year, starts, ends)
