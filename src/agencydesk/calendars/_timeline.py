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
UsInterval = tuple[int, int]
"""An open stretch of a local day as microseconds after local midnight."""

_SECONDS_PER_DAY = 86_400
_MARGIN_DAYS = 2
"""No UTC offset reaches a full day, so two days of margin always cover one."""


def year_start_ordinal(year: int) -> int:
    return date(year, 1, 1).toordinal()


def year_of_instant(us: int) -> int:
    """Calendar year of a UTC instant, rejecting instants the timeline cannot reach."""
    ordinal = EPOCH_ORDINAL + us // US_PER_DAY
    if not year_start_ordinal(MIN_YEAR) <= ordinal < year_start_ordinal(MAX_YEAR + 1):
        raise ValueError(
            f"moment {us / US_PER_SECOND:.0f} s after 1970 is outside the years "
            f"{MIN_YEAR}-{MAX_YEAR} a calendar can cover"
        )
    return date.fromordinal(ordinal).year


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


def check_place(country: str, subdivision: str | None) -> None:
    """Raise ``ValueError`` unless the ``holidays`` package knows the country and region."""
    key = (country, subdivision)
    if key not in _place_cache:
        with _place_lock:
            _place_cache[key] = _place_problem(country, subdivision)
    problem = _place_cache[key]
    if problem is not None:
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
        codes = ", ".join(getattr(known, "subdivisions", ())[:12])
        return f"unknown subdivision {subdivision!r} for country {country!r} (known: {codes}...)"
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
