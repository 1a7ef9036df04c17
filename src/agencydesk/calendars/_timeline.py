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

HolidayYear = tuple[frozenset[int], frozenset[int], frozenset[int]]
"""(public days off, moved working weekend days, pre-holiday shortened days) of one year, as ordinals."""

PRE_HOLIDAY_CUT_US: dict[str, int] = {
    # Labour Code of the Russian Federation, art. 95.
    "RU": 60 * US_PER_MINUTE,
    # Labour Code of the Republic of Belarus, art. 116.
    "BY": 60 * US_PER_MINUTE,
    # Labour Code of Ukraine (KZpP), art. 53; under martial law the package has
    # no public days off, so no day before one is shortened either.
    "UA": 60 * US_PER_MINUTE,
    # Labour Code of the Republic of Uzbekistan (2022), art. 117 of the former code.
    "UZ": 60 * US_PER_MINUTE,
}
"""How much shorter the working day right before a public holiday is, by country.

Kazakhstan's Labour Code of 2015 dropped the shortened pre-holiday day, and
Bulgaria's never had one, so they (and every country not listed) cut nothing.
"""

_holiday_cache: dict[tuple[str, str | None, int], HolidayYear] = {}
_named_cache: dict[
    tuple[str, str | None, int], tuple[frozenset[int], tuple[tuple[int, int], ...]]
] = {}
_place_cache: dict[tuple[str, str | None], str | None] = {}
_place_lock = threading.Lock()


def clear_caches() -> None:
    """Forget cached holidays and zone offsets; for honest cold-start measurements."""
    _holiday_cache.clear()
    _named_cache.clear()
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


def _special_entries(found: holidays.HolidayBase, year: int) -> tuple[tuple, ...]:
    """The package's decreed entries of a year: ``(month, day, name)`` or a swap.

    A swap is ``(to_month, to_day, from_month, from_day[, from_year])``: the day
    off moved to ``to`` from ``from`` (a weekend day that becomes a working day).
    The mapping is the package's own data, so anything unexpected is ignored.
    """
    entries = getattr(found, "special_public_holidays", None)
    if not isinstance(entries, Mapping):
        return ()
    data = entries.get(year, ())
    if data and not isinstance(data[0], tuple):
        data = (data,)
    return tuple(e for e in data if isinstance(e, tuple) and len(e) >= 3)


def decree_years(country: str) -> tuple[int, int] | None:
    """First and last year for which the package holds decreed moves of working days.

    ``None`` for a country whose holidays never move by decree (GB's special
    bank holidays are extra days, not moves). A year after the last is a
    forecast: its holidays follow the law, its moves are not known yet.
    """
    try:
        found = holidays.country_holidays(country, years=[])
    except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
        return None
    entries = getattr(found, "special_public_holidays", None)
    if not isinstance(entries, Mapping):
        return None
    years = [
        year
        for year in entries
        if isinstance(year, int) and any(len(e) >= 4 for e in _special_entries(found, year))
    ]
    return (min(years), max(years)) if years else None


def named_holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[frozenset[int], tuple[tuple[int, int], ...]]:
    """The holidays of the law itself in one year, and the year's decreed swaps.

    Holidays of the law leave out days off that only exist because of a
    decree (a moved day off, an extra day) or because a holiday fell on a
    weekend (observed days): the day before those is not a pre-holiday day.
    Swaps are ``(to_ordinal, from_ordinal)``.
    """
    key = (country, subdivision, year)
    cached = _named_cache.get(key)
    if cached is not None:
        return cached
    found = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=False)
    decreed: set[int] = set()
    swaps: list[tuple[int, int]] = []
    for entry in _special_entries(found, year):
        try:
            to_day = date(year, entry[0], entry[1])
            decreed.add(to_day.toordinal())
            if len(entry) >= 4 and isinstance(entry[2], int) and isinstance(entry[3], int):
                from_year = entry[4] if len(entry) > 4 and isinstance(entry[4], int) else year
                swaps.append((to_day.toordinal(), date(from_year, entry[2], entry[3]).toordinal()))
        except (TypeError, ValueError):
            continue
    named = frozenset(d.toordinal() for d in found if d.year == year) - decreed
    result = (named, tuple(swaps))
    _named_cache[key] = result
    return result


def _pre_holidays(
    country: str,
    subdivision: str | None,
    year: int,
    days_off: frozenset[int],
    moved: frozenset[int],
) -> frozenset[int]:
    """The shortened pre-holiday days of a year.

    A day is shortened when the next day is a holiday of the law and the day
    itself is not a day off. When a decree turns such a day into a day off in
    exchange for a working weekend day, the shortening goes with the work to
    that weekend day (Russia 2024: Sat 2 Nov works for Tue 30 Apr, the eve of
    1 May, and is shortened; Sat 27 Apr, worked for Mon 29 Apr, is not).
    Years without a decree get only the first rule, which is the forecast.
    """
    first = date(year, 1, 1).toordinal()
    stop = date(year + 1, 1, 1).toordinal()
    named_now, swaps_now = named_holidays(country, subdivision, year)
    named_next, swaps_next = named_holidays(country, subdivision, year + 1)
    named = named_now | named_next
    pre = {d - 1 for d in named if first <= d - 1 < stop and d - 1 not in days_off}
    swaps = swaps_now + swaps_next
    if year > MIN_YEAR:
        swaps += named_holidays(country, subdivision, year - 1)[1]
    for to_day, from_day in swaps:
        if first <= from_day < stop and from_day in moved and to_day + 1 in named:
            pre.add(from_day)
    return frozenset(pre)


def holiday_year(country: str, subdivision: str | None, year: int) -> HolidayYear:
    """Public days off, moved working days and shortened days of one year, cached per process.

    Asking the package for one year at a time keeps a fresh lookup well under
    a millisecond; moved working days (``weekend_workdays``, set for countries
    such as RU, KZ and BY) are filtered to the year because some versions
    carry dates of other years in that set, and never include a public
    holiday: a holiday always wins over a moved working day.
    """
    key = (country, subdivision, year)
    cached = _holiday_cache.get(key)
    if cached is not None:
        return cached
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    days_off = frozenset(d.toordinal() for d in found if d.year == year)
    moved = (
        frozenset(d.toordinal() for d in getattr(found, "weekend_workdays", ()) if d.year == year)
        - days_off
    )
    pre = (
        _pre_holidays(country, subdivision, year, days_off, moved)
        if country in PRE_HOLIDAY_CUT_US
        else frozenset()
    )
    result = (days_off, moved, pre)
    _holiday_cache[key] = result
    return result


def shorten(hours: tuple[UsInterval, ...], cut_us: int) -> tuple[UsInterval, ...]:
    """The hours of a day with ``cut_us`` taken off its end (across breaks when needed)."""
    left = cut_us
    result = list(hours)
    while result and left > 0:
        start, end = result[-1]
        if end - start > left:
            result[-1] = (start, end - left)
            break
        left -= end - start
        result.pop()
    return tuple(result)


# --- one local year of open intervals --------------------------------------


def build_year(
    year: int,
    tz: ZoneInfo,
    weekly: tuple[tuple[UsInterval, ...], ...],
    special: Mapping[int, tuple[UsInterval, ...]],
    public: HolidayYear,
    moved_hours: tuple[UsInterval, ...],
    cut_us: int = 0,
) -> tuple[IntArray, IntArray]:
    """Sorted UTC ``(starts, ends)`` of the open time whose local date lies in ``year``.

    An instant is open when its local wall-clock reading falls inside the hours
    of its local date. Each local interval is therefore intersected with every
    stretch of constant UTC offset: a local interval that meets a fall-back
    fold appears twice, and the part inside a spring-forward gap vanishes.
    """
    first = year_start_ordinal(year)
    stop = year_start_ordinal(year + 1)
    public_off, moved, pre = public
    short_cache: dict[tuple[UsInterval, ...], tuple[UsInterval, ...]] = {}
    local_starts: list[int] = []
    local_ends: list[int] = []
    weekday = date(year, 1, 1).weekday()
    for ordinal in range(first, stop):
        hours = special.get(ordinal)
        if hours is None:
            if ordinal in public_off:
                hours = ()
            elif ordinal in moved:
                hours = moved_hours
            else:
                hours = weekly[weekday]
            if ordinal in pre and hours:
                cut = short_cache.get(hours)
                if cut is None:
                    cut = short_cache[hours] = shorten(hours, cut_us)
                hours = cut
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
