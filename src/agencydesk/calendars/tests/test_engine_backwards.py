"""Counting back (``subtract``) and the last closing moment (``last_close``): deadlines ahead of deadlines."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agencydesk.calendars.engine import WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
LON = ZoneInfo("Europe/London")


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture(scope="module")
def ru() -> WorkCalendar:
    return WorkCalendar("Europe/Moscow", "mon-fri 09:00-13:00,14:00-18:00", country="RU")


@pytest.mark.parametrize(
    ("end", "minutes", "expected"),
    [
        (msk(2026, 3, 3, 15, 0), 120, msk(2026, 3, 3, 12, 0)),  # across the lunch break
        (msk(2026, 3, 3, 11, 0), 120, msk(2026, 3, 3, 9, 0)),  # lands on the opening itself
        (msk(2026, 3, 16, 10, 0), 120, msk(2026, 3, 13, 17, 0)),  # across the weekend
        (msk(2026, 3, 10, 10, 0), 120, msk(2026, 3, 6, 17, 0)),  # across the 9 March holiday
        (msk(2026, 1, 12, 10, 0), 120, msk(2025, 12, 30, 17, 0)),  # New Year holidays, year end
        (msk(2026, 3, 3, 20, 0), 60, msk(2026, 3, 3, 17, 0)),  # from closed time
        (msk(2026, 3, 3, 15, 0), 0, msk(2026, 3, 3, 15, 0)),
    ],
)
def test_subtract_counts_business_time_back(ru, end, minutes, expected):
    assert ru.subtract(end, minutes) == expected


def test_subtract_is_the_inverse_of_between_at_random(ru):
    rng = random.Random(13)
    for _ in range(300):
        end = msk(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
        minutes = rng.randrange(1, 5000)
        start = ru.subtract(end, minutes)
        assert start <= end
        assert ru.between(start, end) == timedelta(minutes=minutes)


def test_subtract_across_the_london_clock_change():
    gb = WorkCalendar("Europe/London", "mon-fri 09:00-18:00")
    # Sun 29 March 2026 the clocks go forward; Monday 10:00 minus 2 h is Friday 17:00.
    assert gb.subtract(datetime(2026, 3, 30, 10, 0, tzinfo=LON), 120) == datetime(
        2026, 3, 27, 17, 0, tzinfo=LON
    )


def test_subtract_refuses_negative_amounts(ru):
    with pytest.raises(ValueError, match="negative"):
        ru.subtract(msk(2026, 3, 3, 15, 0), -5)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (msk(2026, 3, 3, 10, 0), msk(2026, 3, 3, 10, 0)),
        (msk(2026, 3, 3, 18, 0), msk(2026, 3, 3, 18, 0)),  # a closing moment is its own answer
        (msk(2026, 3, 3, 13, 30), msk(2026, 3, 3, 13, 0)),
        (msk(2026, 3, 7, 11, 0), msk(2026, 3, 6, 18, 0)),
        (msk(2026, 1, 5, 10, 0), msk(2025, 12, 30, 18, 0)),
    ],
)
def test_last_close(ru, at, expected):
    assert ru.last_close(at) == expected
