"""Checking and converting what callers hand to the engine.

Moments become integer microseconds since the Unix epoch (UTC) and amounts
become integer microseconds of business time, so everything downstream is
exact integer arithmetic. Each check raises one ``ValueError`` naming the
problem, because the messages reach users through the forms.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from agencydesk.calendars._hours import Interval
from agencydesk.calendars._timeline import EPOCH, ONE_US, US_PER_MINUTE, IntArray, UsInterval

MAX_MINUTES = 10**9
"""About 2,000 years of round-the-clock time: more than any calendar can hold."""


def zone(timezone: str | ZoneInfo) -> ZoneInfo:
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


def to_us(intervals: Sequence[Interval]) -> tuple[UsInterval, ...]:
    return tuple((s * US_PER_MINUTE, e * US_PER_MINUTE) for s, e in intervals)


def items(mapping: Mapping[date, Any] | None, name: str) -> Iterable[tuple[date, Any]]:
    if mapping is None:
        return ()
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{name} must map dates to hours like '09:00-18:00'")
    return mapping.items()


def ordinal_of(day: object, name: str) -> int:
    # ``datetime`` is a ``date`` too, but a moment is not a date: refuse it
    # rather than silently dropping its time and zone.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"{name}: expected a date, got {type(day).__name__} {day!r}")
    return day.toordinal()


def naive_error(value: object) -> ValueError:
    if isinstance(value, datetime):
        return ValueError(f"naive datetime {value}: give a time zone")
    return ValueError(f"expected an aware datetime, got {type(value).__name__} {value!r}")


def instant(value: datetime) -> int:
    """UTC microseconds of an aware datetime."""
    try:
        delta = value - EPOCH
    except TypeError:
        raise naive_error(value) from None
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


fromtimestamp = datetime.fromtimestamp
FLOAT_EXACT = 2**32 * 1_000_000
"""Below 2**32 s (the year 2106) a float of seconds is within 0.25 us of the exact
microsecond, and ``fromtimestamp`` rounds to the nearest microsecond, so the
float route is exact there, and more than twice as fast as the timedelta route."""


def moment(us: int, tz: ZoneInfo) -> datetime:
    if -FLOAT_EXACT < us < FLOAT_EXACT:
        return datetime.fromtimestamp(us / 1_000_000, tz)
    return (EPOCH + timedelta(microseconds=us)).astimezone(tz)


def amount(minutes: object) -> int:
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
    if us > MAX_MINUTES * US_PER_MINUTE:
        raise ValueError(f"business time {minutes!r} is too large")
    return us


def instants(values: Any) -> IntArray:
    """UTC microseconds of many moments.

    ``datetime64`` carries no zone, so by the engine's contract it is read as
    UTC; anything else must be aware datetimes, checked one by one.
    """
    arr = values if isinstance(values, np.ndarray) else np.asarray(values)
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise ValueError("NaT among the moments: every moment needs a value")
        return arr.astype("datetime64[us]").view(np.int64)
    if arr.dtype.kind == "O":
        flat = np.fromiter((instant(v) for v in arr.ravel()), dtype=np.int64, count=arr.size)
        return flat.reshape(arr.shape)
    raise ValueError(
        f"expected datetime64 values (UTC) or aware datetimes, got an array of {arr.dtype}"
    )


def amounts(minutes: Any) -> IntArray:
    arr = np.asarray(minutes)
    kind = arr.dtype.kind
    if kind in "iuf" and arr.size:
        if kind == "f" and not np.isfinite(arr).all():
            raise ValueError("amounts of minutes must be finite")
        if arr.min() < 0:
            raise ValueError("negative business time: add_many() only counts forward")
        if arr.max() > MAX_MINUTES:
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
        flat = np.fromiter((amount(v) for v in arr.ravel()), dtype=np.int64, count=arr.size)
        us = flat.reshape(arr.shape)
    else:
        raise ValueError(f"minutes must be numbers or timedeltas, got an array of {arr.dtype}")
    if us.size and us.min() < 0:
        raise ValueError("negative business time: add_many() only counts forward")
    return us
