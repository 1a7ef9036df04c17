"""Pre-holiday shortened days, decreed moves and the package floor (issue #11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine

from agencydesk.calendars._timeline import decree_years, holiday_year, shorten
from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.tests.official import OFFICIAL, production_day

MSK = ZoneInfo("Europe/Moscow")
WEEKDAYS = "mon-fri 09:00-18:00"


def msk(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=MSK)


@time_machine.travel(datetime(2026, 5, 8, 16, 55, tzinfo=MSK), tick=False)
def test_a_promise_from_friday_8_may_2026_1655_falls_due_on_tuesday() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    now = datetime.now(MSK)
    # Fri 8 May closes at 17:00 (eve of Victory Day, Sat 9 May); Mon 11 May is
    # the day off Victory Day moved to.
    assert cal.add(now, 10) == msk(2026, 5, 12, 9, 5)
    assert cal.between(now, msk(2026, 5, 12, 9, 5)) == timedelta(minutes=10)
    assert not cal.is_open(msk(2026, 5, 8, 17, 0))


@time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=MSK), tick=False)
@pytest.mark.parametrize("day", [date(2026, 6, 11), date(2025, 11, 1)])
def test_the_eve_of_a_holiday_works_9_to_17(day: date) -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    assert cal.hours_on(day) == [(540, 1020)]
    assert cal.is_open(datetime(day.year, day.month, day.day, 16, 59, tzinfo=MSK))
    assert not cal.is_open(datetime(day.year, day.month, day.day, 17, 0, tzinfo=MSK))


def test_the_hour_comes_off_the_end_across_a_lunch_break() -> None:
    lunch = WorkCalendar("Europe/Moscow", "mon-fri 09:00-13:00,14:00-18:00", country="RU")
    assert lunch.hours_on(date(2026, 6, 11)) == [(540, 780), (840, 1020)]
    late = WorkCalendar("Europe/Moscow", "mon-fri 09:00-13:00,17:30-18:00", country="RU")
    assert late.hours_on(date(2026, 6, 11)) == [(540, 750)]
    assert shorten(((0, 30 * 60_000_000),), 60 * 60_000_000) == ()


def test_a_day_entered_by_hand_still_wins() -> None:
    cal = WorkCalendar(
        "Europe/Moscow",
        WEEKDAYS,
        country="RU",
        shortened={date(2026, 6, 11): "09:00-18:00"},
        extra_workdays={date(2025, 11, 1): "10:00-12:00"},
        days_off=[date(2026, 4, 30)],
    )
    assert cal.hours_on(date(2026, 6, 11)) == [(540, 1080)]
    assert cal.hours_on(date(2025, 11, 1)) == [(600, 720)]
    assert cal.hours_on(date(2026, 4, 30)) == []
    assert cal.add(msk(2026, 6, 11, 17, 30), 20) == msk(2026, 6, 11, 17, 50)


def test_a_saturday_worked_for_a_plain_monday_is_not_shortened() -> None:
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    # 2024: Sat 27 Apr is worked for Mon 29 Apr (not an eve), Sat 2 Nov for Tue 30 Apr (eve of 1 May)
    assert cal.hours_on(date(2024, 4, 27)) == [(540, 1080)]
    assert cal.hours_on(date(2024, 11, 2)) == [(540, 1020)]
    assert cal.hours_on(date(2024, 12, 28)) == [(540, 1080)]


def test_countries_without_the_rule_cut_nothing() -> None:
    for country, day in (
        ("KZ", date(2026, 3, 6)),
        ("BG", date(2026, 5, 5)),
        ("GB", date(2026, 12, 24)),
    ):
        assert holiday_year(country, None, day.year)[2] == frozenset()
        cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country=country)
        assert cal.hours_on(day) == [(540, 1080)], country


def test_belarus_and_uzbekistan_shorten_the_eve_of_a_holiday() -> None:
    by = WorkCalendar("Europe/Minsk", WEEKDAYS, country="BY")
    assert by.hours_on(date(2026, 7, 2)) == [(540, 1020)]  # eve of Independence Day
    assert by.hours_on(date(2026, 11, 6)) == [(540, 1020)]  # eve of October Revolution Day
    assert by.hours_on(date(2026, 7, 1)) == [(540, 1080)]
    uz = WorkCalendar("Asia/Tashkent", WEEKDAYS, country="UZ")
    assert uz.hours_on(date(2026, 9, 30)) == [(540, 1020)]  # eve of Teachers' Day


def test_future_years_follow_the_rule() -> None:
    # No decree for 2028 yet: only the law's holidays, and the eve of each is shortened.
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    assert cal.hours_on(date(2028, 2, 22)) == [(540, 1020)]
    assert cal.hours_on(date(2028, 3, 7)) == [(540, 1020)]
    assert cal.hours_on(date(2028, 11, 3)) == [(540, 1020)]
    first, last = decree_years("RU") or (0, 0)
    assert first < 2024 and last == 2027
    assert decree_years("GB") is None


def test_a_public_holiday_always_wins_over_a_moved_working_day() -> None:
    # Older package versions list New Year days of Russia as weekend workdays
    # too; a holiday in both sets must stay closed.
    off, moved, _pre = holiday_year("RU", None, 2027)
    assert not off & moved
    cal = WorkCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    assert cal.hours_on(date(2027, 1, 2)) == []
    assert cal.hours_on(date(2027, 1, 3)) == []


def test_the_installed_package_has_the_decrees_the_engine_is_checked_against() -> None:
    major, minor = (int(p) for p in holidays.__version__.split(".")[:2])
    assert (major, minor) >= (0, 109)
    assert max(OFFICIAL["RU"]) <= (decree_years("RU") or (0, 0))[1]


@pytest.mark.parametrize(
    ("country", "year"), [(c, y) for c, years in OFFICIAL.items() for y in sorted(years)]
)
def test_every_day_matches_the_official_production_calendar(country: str, year: int) -> None:
    official = OFFICIAL[country][year]
    cal = WorkCalendar("Europe/Moscow", "mon-fri 09:00-17:00", country=country)
    day = date(year, 1, 1)
    wrong = []
    days = minutes = 0
    while day.year == year:
        expected = production_day(country, day)
        got = sum(e - s for s, e in cal.hours_on(day))
        if got != expected:
            wrong.append(f"{day}: engine {got} min, official {expected} min")
        days += expected > 0
        minutes += expected
        day += timedelta(days=1)
    assert wrong == [], official.source
    # The transcription itself agrees with the ministry's published norms.
    assert (days, minutes) == (official.norm_days, official.norm_hours * 60), official.source
