"""Named edge cases of the business-time engine, one convention per test."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from agencydesk.calendars._hours import HoursError
from agencydesk.calendars._inputs import moment
from agencydesk.calendars.engine import WorkCalendar, parse_hours, validate_hours

MSK = ZoneInfo("Europe/Moscow")
LON = ZoneInfo("Europe/London")
NYC = ZoneInfo("America/New_York")
WEEKDAYS = "mon-fri 09:00-18:00"


def msk(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=MSK)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def same_instant(a: datetime, b: datetime) -> bool:
    """Equal as absolute moments; ``==`` between two datetimes of one zone ignores ``fold``."""
    return a.astimezone(UTC) == b.astimezone(UTC)


@pytest.fixture(scope="module")
def ru() -> WorkCalendar:
    return WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")


# --- the headline example ------------------------------------------------------


def test_friday_evening_inbound_rolls_over_weekend_and_monday_holiday(ru: WorkCalendar) -> None:
    # Mon 9 March 2026 is the observed International Women's Day.
    due = ru.add(msk(2026, 3, 6, 17, 55), 10)
    assert due == msk(2026, 3, 10, 9, 5)
    assert due.tzinfo == MSK
    assert ru.between(msk(2026, 3, 6, 17, 55), due) == timedelta(minutes=10)


def test_results_are_in_the_calendar_zone_whatever_the_input_zone(ru: WorkCalendar) -> None:
    due = ru.add(utc(2026, 3, 6, 14, 55), 10)
    assert due.tzinfo is MSK
    assert due == msk(2026, 3, 10, 9, 5)
    assert ru.timezone == "Europe/Moscow"
    assert ru.tz is MSK


# --- closing moments and half-open intervals -----------------------------------


def test_landing_exactly_on_closing_returns_the_closing_moment() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS)
    assert cal.add(msk(2026, 3, 13, 16, 0), 120) == msk(2026, 3, 13, 18, 0)
    assert cal.add(msk(2026, 3, 13, 16, 0), 121) == msk(2026, 3, 16, 9, 1)


def test_is_open_is_half_open() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS)
    assert cal.is_open(msk(2026, 3, 13, 9, 0))
    assert not cal.is_open(msk(2026, 3, 13, 8, 59, 59, 999999))
    assert cal.is_open(msk(2026, 3, 13, 17, 59, 59, 999999))
    assert not cal.is_open(msk(2026, 3, 13, 18, 0))


def test_add_zero_is_the_start_itself_even_when_closed() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS)
    sunday = msk(2026, 3, 15, 3, 0)
    assert cal.add(sunday, 0) == sunday
    assert cal.add(sunday, timedelta(0)) == sunday


def test_add_from_closed_time_counts_from_next_opening() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS)
    assert cal.add(msk(2026, 3, 14, 12, 0), 1) == msk(2026, 3, 16, 9, 1)


def test_next_open_over_weekend_and_holiday(ru: WorkCalendar) -> None:
    assert ru.next_open(msk(2026, 3, 6, 18, 0)) == msk(2026, 3, 10, 9, 0)
    assert ru.next_open(msk(2026, 3, 7, 11, 0)) == msk(2026, 3, 10, 9, 0)


def test_next_open_returns_an_open_moment_itself(ru: WorkCalendar) -> None:
    t = msk(2026, 3, 10, 12, 34, 56, 789)
    assert ru.next_open(t) == t
    assert ru.next_open(t.astimezone(UTC)).tzinfo is MSK


def test_lunch_break_is_skipped() -> None:
    cal = WorkCalendar("Europe/Moscow", "mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45")
    assert cal.add(msk(2026, 3, 2, 12, 30), 60) == msk(2026, 3, 2, 14, 30)
    assert not cal.is_open(msk(2026, 3, 2, 13, 30))
    assert cal.next_open(msk(2026, 3, 2, 13, 0)) == msk(2026, 3, 2, 14, 0)
    assert cal.between(msk(2026, 3, 2, 9, 0), msk(2026, 3, 3, 9, 0)) == timedelta(hours=8)
    # Friday closes at 16:45
    assert cal.add(msk(2026, 3, 6, 16, 30), 30) == msk(2026, 3, 9, 9, 15)


# --- daylight-saving changes -------------------------------------------------------

ALWAYS = "mon-sun 00:00-24:00"
NIGHT = "mon-sun 01:00-03:00"


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/London", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_round_the_clock_days_last_23_and_25_hours(zone: str, spring: date, autumn: date) -> None:
    tz = ZoneInfo(zone)
    cal = WorkCalendar(zone, ALWAYS)

    def midnight(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=tz)

    one = timedelta(days=1)
    assert cal.between(midnight(spring), midnight(spring + one)) == timedelta(hours=23)
    assert cal.between(midnight(autumn), midnight(autumn + one)) == timedelta(hours=25)
    assert cal.between(midnight(spring - one), midnight(spring)) == timedelta(hours=24)
    # adding the day's business time lands on the next local midnight
    assert cal.add(midnight(spring), 23 * 60) == midnight(spring + one)
    assert cal.add(midnight(autumn), 25 * 60) == midnight(autumn + one)


def test_london_spring_forward_night_hours_lose_the_missing_hour() -> None:
    # 29 March 2026: 01:00 GMT jumps to 02:00 BST; local 01:00-02:00 never happens.
    cal = WorkCalendar("Europe/London", NIGHT)
    day = cal.between(datetime(2026, 3, 29, tzinfo=LON), datetime(2026, 3, 30, tzinfo=LON))
    assert day == timedelta(hours=1)
    assert cal.next_open(datetime(2026, 3, 29, 0, 30, tzinfo=LON)) == datetime(
        2026, 3, 29, 2, 0, tzinfo=LON
    )
    assert same_instant(cal.add(datetime(2026, 3, 29, tzinfo=LON), 30), utc(2026, 3, 29, 1, 30))


def test_london_fall_back_night_hours_count_the_repeated_hour() -> None:
    # 25 October 2026: 02:00 BST falls back to 01:00 GMT; local 01:00-02:00 happens twice.
    cal = WorkCalendar("Europe/London", NIGHT)
    day = cal.between(datetime(2026, 10, 25, tzinfo=LON), datetime(2026, 10, 26, tzinfo=LON))
    assert day == timedelta(hours=3)  # 00:00Z (01:00 BST) to 03:00Z (03:00 GMT)
    start = datetime(2026, 10, 25, 0, 30, tzinfo=LON)  # 23:30Z the day before
    due = cal.add(start, 90)
    assert same_instant(due, utc(2026, 10, 25, 1, 30))
    assert due.fold == 1  # the second 01:30, in GMT
    assert due.utcoffset() == timedelta(0)
    assert same_instant(cal.add(start, 180), utc(2026, 10, 25, 3, 0))


def test_new_york_spring_forward_and_fall_back_night_hours() -> None:
    cal = WorkCalendar("America/New_York", NIGHT)
    spring = cal.between(datetime(2026, 3, 8, tzinfo=NYC), datetime(2026, 3, 9, tzinfo=NYC))
    assert spring == timedelta(hours=1)  # 01:00-02:00 EST only; 02:00-03:00 does not exist
    autumn = cal.between(datetime(2026, 11, 1, tzinfo=NYC), datetime(2026, 11, 2, tzinfo=NYC))
    assert autumn == timedelta(hours=3)  # 05:00Z to 08:00Z
    assert same_instant(cal.add(datetime(2026, 3, 8, tzinfo=NYC), 60), utc(2026, 3, 8, 7, 0))
    due = cal.add(datetime(2026, 3, 8, tzinfo=NYC), 61)
    assert due == datetime(2026, 3, 9, 1, 1, tzinfo=NYC)


def test_business_time_across_a_change_is_absolute_time() -> None:
    cal = WorkCalendar("Europe/London", ALWAYS)
    start = datetime(2026, 3, 28, 12, 0, tzinfo=LON)  # 12:00Z
    assert cal.add(start, 24 * 60) == datetime(2026, 3, 29, 13, 0, tzinfo=LON)  # 12:00Z
    start = datetime(2026, 10, 24, 12, 0, tzinfo=LON)  # 11:00Z
    assert cal.add(start, 24 * 60) == datetime(2026, 10, 25, 11, 0, tzinfo=LON)  # 11:00Z


# --- round-the-clock hours across midnight --------------------------------------------


def test_round_the_clock_hours_run_on_across_midnight() -> None:
    cal = WorkCalendar("Europe/Moscow", ALWAYS)
    assert cal.add(msk(2026, 3, 2, 23, 30), 60) == msk(2026, 3, 3, 0, 30)
    assert cal.is_open(msk(2026, 3, 3, 0, 0))
    assert cal.between(msk(2026, 1, 1), msk(2027, 1, 1)) == timedelta(days=365)
    assert cal.add(msk(2025, 12, 31, 23, 0), 120) == msk(2026, 1, 1, 1, 0)


def test_day_ending_at_24_joins_the_next_morning() -> None:
    cal = WorkCalendar("Europe/Moscow", "mon 22:00-24:00; tue 00:00-06:00")
    assert cal.add(msk(2026, 3, 2, 23, 0), 120) == msk(2026, 3, 3, 1, 0)
    assert cal.next_open(msk(2026, 3, 3, 0, 0)) == msk(2026, 3, 3, 0, 0)
    assert cal.add(msk(2026, 3, 3, 5, 0), 60) == msk(2026, 3, 3, 6, 0)
    assert cal.add(msk(2026, 3, 3, 5, 0), 61) == msk(2026, 3, 9, 22, 1)


# --- year ends -----------------------------------------------------------------------------


def test_year_end_runs_into_russian_new_year_holidays() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    # 31 Dec 2025 is a day off; 1-9 Jan 2026 are off; 10-11 Jan is a weekend.
    assert cal.add(msk(2025, 12, 30, 17, 0), 120) == msk(2026, 1, 12, 10, 0)
    # 31 Dec 2026 is a day off; 1-8 Jan 2027 are off; 9-10 Jan is a weekend.
    assert cal.add(msk(2026, 12, 30, 17, 0), 120) == msk(2027, 1, 11, 10, 0)


def test_a_year_not_built_yet_is_built_on_demand_both_ways() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    assert cal.add(msk(2026, 6, 1, 9, 0), 60) == msk(2026, 6, 1, 10, 0)
    # forwards: far more business time than the built years hold
    assert cal.add(msk(2026, 6, 1, 9, 0), 60 * 9 * 260 * 3) > msk(2029, 1, 1)
    # backwards: a start long before anything built
    # (Tue 31 Dec 2019, the eve of New Year, closes an hour early)
    assert cal.add(msk(2019, 12, 31, 16, 0), 60) == msk(2019, 12, 31, 17, 0)
    assert cal.between(msk(2019, 1, 1), msk(2029, 1, 1)) > timedelta(days=800)


def test_far_future_and_past_work() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    # 30-31 Dec 2090 are a weekend, 1-8 Jan 2091 are holidays.
    assert cal.add(msk(2090, 12, 29, 17, 0), 120) == msk(2091, 1, 9, 10, 0)
    # 29 Dec 2001 was a working Saturday moved by law (worked with Monday hours).
    assert cal.add(msk(2001, 12, 28, 17, 0), 120) == msk(2001, 12, 29, 10, 0)
    assert cal.between(msk(2001, 12, 28, 17, 0), msk(2090, 12, 29, 17, 0)) > timedelta(days=7000)


# --- per-date exceptions ---------------------------------------------------------------------


def test_shortened_day_uses_its_own_hours() -> None:
    cal = WorkCalendar(
        "Europe/Moscow", WEEKDAYS, country="RU", shortened={date(2026, 2, 20): "09:00-17:00"}
    )
    # Fri 20 Feb closes at 17:00; Mon 23 Feb is Defender of the Fatherland Day.
    assert cal.add(msk(2026, 2, 20, 16, 30), 60) == msk(2026, 2, 24, 9, 30)
    assert not cal.is_open(msk(2026, 2, 20, 17, 0))
    assert cal.hours_on(date(2026, 2, 20)) == [(540, 1020)]


def test_shortened_holiday_is_worked_with_the_given_hours() -> None:
    cal = WorkCalendar(
        "Europe/Moscow", WEEKDAYS, country="RU", shortened={date(2026, 2, 23): "10:00-12:00"}
    )
    assert cal.add(msk(2026, 2, 20, 17, 30), 60) == msk(2026, 2, 23, 10, 30)


def test_extra_workday_opens_a_weekend_date() -> None:
    cal = WorkCalendar(
        "Europe/Moscow", WEEKDAYS, country="RU", extra_workdays={date(2026, 3, 7): "10:00-14:00"}
    )
    assert cal.add(msk(2026, 3, 6, 17, 55), 10) == msk(2026, 3, 7, 10, 5)
    assert cal.is_open(msk(2026, 3, 7, 13, 59))


def test_extra_workday_wins_over_holiday_and_days_off() -> None:
    cal = WorkCalendar(
        "Europe/Moscow",
        WEEKDAYS,
        country="RU",
        days_off=[date(2026, 3, 9)],
        extra_workdays={date(2026, 3, 9): "09:00-10:00"},
    )
    assert cal.add(msk(2026, 3, 6, 17, 55), 10) == msk(2026, 3, 9, 9, 5)


def test_extra_workday_without_hours_uses_monday_hours() -> None:
    cal = WorkCalendar(
        "Europe/Moscow",
        "mon 10:00-19:00; tue-fri 09:00-18:00",
        extra_workdays={date(2026, 3, 7): None},
    )
    assert cal.hours_on(date(2026, 3, 7)) == [(600, 1140)]


def test_package_moved_saturday_works_with_monday_hours() -> None:
    # Sat 1 Nov 2025 was a working day in Russia (the day off moved to Mon 3 Nov),
    # shortened by an hour as the Monday before Unity Day would have been.
    cal = WorkCalendar("Europe/Moscow", "mon 10:00-19:00; tue-fri 09:00-18:00", country="RU")
    assert cal.hours_on(date(2025, 11, 1)) == [(600, 1080)]
    assert cal.hours_on(date(2025, 11, 3)) == []
    assert cal.add(msk(2025, 10, 31, 17, 30), 60) == msk(2025, 11, 1, 10, 30)
    # ...unless an explicit extra workday says otherwise
    own = WorkCalendar(
        "Europe/Moscow",
        "mon 10:00-19:00; tue-fri 09:00-18:00",
        country="RU",
        extra_workdays={date(2025, 11, 1): "12:00-13:00"},
    )
    assert own.add(msk(2025, 10, 31, 17, 30), 60) == msk(2025, 11, 1, 12, 30)


def test_days_off_close_a_working_date_and_beat_shortened() -> None:
    cal = WorkCalendar(
        "Europe/Moscow",
        WEEKDAYS,
        country="RU",
        days_off=[date(2026, 3, 10), date(2026, 12, 31)],
        shortened={date(2026, 3, 10): "09:00-12:00"},
    )
    assert cal.add(msk(2026, 3, 6, 17, 55), 10) == msk(2026, 3, 11, 9, 5)
    assert cal.hours_on(date(2026, 3, 10)) == []


def test_subdivision_codes_are_matched_case_insensitively() -> None:
    scotland = WorkCalendar("Europe/London", WEEKDAYS, country="gb", subdivision="sct")
    assert (scotland.country, scotland.subdivision) == ("GB", "SCT")
    # 2 January is a bank holiday in Scotland only
    assert scotland.hours_on(date(2026, 1, 2)) == []
    england = WorkCalendar("Europe/London", WEEKDAYS, country="GB", subdivision="ENG")
    assert england.hours_on(date(2026, 1, 2)) == [(540, 1080)]


def test_ukraine_has_no_public_days_off_in_the_package() -> None:
    cal = WorkCalendar("Europe/Kyiv", WEEKDAYS, country="UA")
    assert cal.hours_on(date(2026, 1, 1)) == [(540, 1080)]


# --- between ------------------------------------------------------------------------------


def test_between_is_negative_when_the_end_is_earlier(ru: WorkCalendar) -> None:
    a, b = msk(2026, 3, 6, 17, 0), msk(2026, 3, 10, 10, 0)
    assert ru.between(a, b) == timedelta(hours=2)
    assert ru.between(b, a) == -timedelta(hours=2)
    assert ru.between(a, a) == timedelta(0)


def test_between_inside_closed_time_is_zero(ru: WorkCalendar) -> None:
    assert ru.between(msk(2026, 3, 7, 1, 0), msk(2026, 3, 9, 23, 0)) == timedelta(0)


# --- amounts -----------------------------------------------------------------------------------


def test_add_accepts_timedelta_and_fractions_of_minutes(ru: WorkCalendar) -> None:
    start = msk(2026, 3, 10, 10, 0)
    assert ru.add(start, timedelta(minutes=10)) == ru.add(start, 10)
    assert ru.add(start, 0.5) == msk(2026, 3, 10, 10, 0, 30)
    assert ru.add(start, timedelta(microseconds=1)) == msk(2026, 3, 10, 10, 0, 0, 1)
    assert ru.add(start, np.int64(10)) == ru.add(start, 10)


def test_microseconds_are_exact(ru: WorkCalendar) -> None:
    start = msk(2026, 3, 6, 17, 59, 59, 999_999)
    assert ru.add(start, timedelta(microseconds=2)) == msk(2026, 3, 10, 9, 0, 0, 1)
    assert ru.between(start, msk(2026, 3, 10, 9, 0, 0, 1)) == timedelta(microseconds=2)


def test_fast_float_conversion_of_results_is_exact() -> None:
    # Results below 2**32 s go through a float of seconds; check that route
    # against exact timedelta arithmetic, folds included.
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [rng.integers(-(2**32) * 10**6 + 1, 2**32 * 10**6 - 1, 20_000), np.arange(-5, 5)]
    )
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for us in values.tolist():
        fast = moment(us, LON)
        exact = (epoch + timedelta(microseconds=us)).astimezone(LON)
        assert (fast.replace(tzinfo=None), fast.fold) == (exact.replace(tzinfo=None), exact.fold)


# --- vectorised -------------------------------------------------------------------------------


def _random_starts(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    hi = int(datetime(2028, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    return rng.integers(lo, hi, n).view("datetime64[us]")


def _aware(values: np.ndarray) -> list[datetime]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return [epoch + timedelta(microseconds=int(v)) for v in values.view(np.int64)]


def test_add_many_agrees_with_add(ru: WorkCalendar) -> None:
    starts = _random_starts(3000, 1)
    minutes = np.random.default_rng(2).integers(0, 3000, starts.size)
    due = ru.add_many(starts, minutes)
    assert due.dtype == np.dtype("datetime64[us]")
    expected = [ru.add(s, int(m)) for s, m in zip(_aware(starts), minutes, strict=True)]
    assert _aware(due) == expected
    # scalar minutes, float minutes and a sequence of aware datetimes
    assert (ru.add_many(starts, 120) == ru.add_many(starts, np.full(starts.size, 120.0))).all()
    assert (ru.add_many(_aware(starts[:50]), 120) == ru.add_many(starts[:50], 120)).all()


def test_between_many_agrees_with_between(ru: WorkCalendar) -> None:
    a, b = _random_starts(1000, 3), _random_starts(1000, 4)
    got = ru.between_many(a, b)
    assert got.dtype == np.dtype("timedelta64[us]")
    expected = [ru.between(x, y) for x, y in zip(_aware(a), _aware(b), strict=True)]
    assert [timedelta(microseconds=int(v)) for v in got.view(np.int64)] == expected


def test_threads_sharing_a_fresh_calendar_agree_with_one_thread() -> None:
    starts = _aware(_random_starts(600, 9))
    expected = [WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU").add(s, 600) for s in starts]
    shared = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda s: shared.add(s, 600), starts))
    assert got == expected


def test_add_many_of_nothing(ru: WorkCalendar) -> None:
    assert ru.add_many(np.array([], dtype="datetime64[us]"), 5).shape == (0,)


# --- the hours grammar ----------------------------------------------------------------------


def test_parse_hours_grammar() -> None:
    assert parse_hours("mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45") == {
        0: [(540, 780), (840, 1080)],
        1: [(540, 780), (840, 1080)],
        2: [(540, 780), (840, 1080)],
        3: [(540, 780), (840, 1080)],
        4: [(540, 1005)],
    }
    assert parse_hours("  MON - Wed , Fri  9:00 - 18:00 ; sat 00:00-24:00 ;") == {
        0: [(540, 1080)],
        1: [(540, 1080)],
        2: [(540, 1080)],
        4: [(540, 1080)],
        5: [(0, 1440)],
    }
    assert sorted(parse_hours("sun-thu 08:00-17:00")) == [0, 1, 2, 3, 6]
    assert parse_hours("Monday 14:00-18:00,09:00-13:00") == {0: [(540, 780), (840, 1080)]}
    validate_hours("mon-fri 09:00-18:00")


# --- every ValueError, with its message ---------------------------------------------------

BAD_SETTINGS = [
    ({"timezone": "Europe/Mosco"}, "unknown time zone 'Europe/Mosco'"),
    ({"timezone": ""}, "unknown time zone ''"),
    (
        {"hours": "mon 09:00-13:00,12:00-18:00"},
        "overlapping intervals on mon: 09:00-13:00 and 12:00-18:00",
    ),
    ({"hours": "mon 18:00-09:00"}, "reversed or empty interval on mon: 18:00-09:00"),
    ({"hours": "mon 09:00-09:00"}, "reversed or empty interval on mon: 09:00-09:00"),
    ({"hours": "mnd 09:00-18:00"}, "unknown day 'mnd'"),
    ({"hours": "mon 9-18"}, "bad interval '9-18' for mon"),
    ({"hours": "mon 09:00-25:00"}, "bad time '25:00'"),
    ({"hours": "mon 09:60-18:00"}, "bad time '09:60'"),
    ({"hours": "mon 24:00-24:00"}, "24:00 can only end an interval"),
    ({"hours": "mon-fri 09:00-18:00; fri 10:00-11:00"}, "day fri named twice"),
    ({"hours": "mon,mon 09:00-18:00"}, "day mon named twice"),
    ({"hours": ""}, "no working hours in a week"),
    ({"hours": " ; "}, "no working hours in a week"),
    ({"hours": "09:00-18:00"}, "no days before the hours"),
    ({"hours": "mon-fri"}, "no hours after 'mon-fri'"),
    ({"country": "XX"}, "unknown country 'XX'"),
    ({"country": "US", "subdivision": "ZZ"}, "unknown subdivision 'ZZ' for country 'US'"),
    ({"subdivision": "ENG"}, "subdivision 'ENG' given without a country"),
    ({"days_off": ["2026-01-01"]}, "days_off: expected a date, got str '2026-01-01'"),
    ({"days_off": [datetime(2026, 1, 1)]}, "days_off: expected a date, got datetime"),
    ({"extra_workdays": {"2026-01-03": "09:00-18:00"}}, "extra_workdays: expected a date, got str"),
    ({"extra_workdays": {date(2026, 1, 3): "9-18"}}, "bad interval '9-18' for 2026-01-03"),
    ({"shortened": {date(2026, 1, 3): "18:00-17:00"}}, "reversed or empty interval on 2026-01-03"),
    ({"shortened": {date(2026, 1, 3): ""}}, "no hours given for 2026-01-03"),
    ({"shortened": [date(2026, 1, 3)]}, "shortened must map dates to hours"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SETTINGS)
def test_bad_settings_raise_a_clear_value_error(change: dict, message: str) -> None:
    settings: dict = {"timezone": "Europe/Moscow", "hours": WEEKDAYS} | change
    with pytest.raises(ValueError, match=message.replace("(", r"\(")) as caught:
        WorkCalendar(**settings)
    # a ValueError itself, or the hours grammar's coded one (translated by the Django side)
    assert type(caught.value) in (ValueError, HoursError)


@pytest.mark.parametrize(
    "hours", ["mnd 09:00-18:00", "mon 18:00-09:00", "", "mon 09:00-13:00,12:00-18:00"]
)
def test_validate_hours_raises_the_same_errors(hours: str) -> None:
    with pytest.raises(ValueError) as direct:
        WorkCalendar("Europe/Moscow", hours)
    with pytest.raises(ValueError) as form:
        validate_hours(hours)
    assert str(direct.value) == str(form.value)


def test_naive_datetimes_are_refused_everywhere(ru: WorkCalendar) -> None:
    naive = datetime(2026, 3, 6, 17, 55)
    message = "naive datetime 2026-03-06 17:55:00: give a time zone"
    aware = msk(2026, 3, 6, 17, 55)
    for call in (
        lambda: ru.add(naive, 10),
        lambda: ru.between(naive, aware),
        lambda: ru.between(aware, naive),
        lambda: ru.is_open(naive),
        lambda: ru.next_open(naive),
        lambda: ru.add_many([aware, naive], 10),
    ):
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (-1, "negative business time -1"),
        (timedelta(seconds=-1), "negative business time"),
        (float("nan"), "minutes must be finite"),
        ("10", "minutes must be a number or a timedelta"),
        (True, "minutes must be a number or a timedelta"),
        (10**12, "too large"),
    ],
)
def test_bad_amounts_raise(ru: WorkCalendar, minutes: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ru.add(msk(2026, 3, 6, 17, 55), minutes)  # type: ignore[arg-type]


def test_bad_arrays_raise(ru: WorkCalendar) -> None:
    starts = _random_starts(3, 5)
    with pytest.raises(ValueError, match="negative business time"):
        ru.add_many(starts, np.array([1, -1, 2]))
    with pytest.raises(ValueError, match="NaT"):
        ru.add_many(np.array(["NaT"], dtype="datetime64[us]"), 1)
    with pytest.raises(ValueError, match="expected datetime64 values"):
        ru.add_many(np.array([1, 2]), 1)


def test_moments_beyond_the_reachable_years_raise(ru: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="outside the years"):
        ru.add(datetime(9999, 12, 1, tzinfo=UTC), 10)
    with pytest.raises(ValueError, match="outside"):
        ru.cover(1, 2)
