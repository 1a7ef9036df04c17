"""Official production calendars, transcribed by hand from the governments' own decrees.

Each year lists only what differs from a Monday-to-Friday week of eight-hour
days: weekdays that are days off (public holidays, days off moved by the
decree, holidays that fell on a weekend and moved to the next working day),
weekend days that are working days, and shortened pre-holiday days (one
hour shorter). ``norm_days`` and ``norm_hours`` are the year's working days
and hours at a 40-hour week as the ministry of labour publishes them, which
checks the transcription itself: they must follow from the lists.

The data does not come from the ``holidays`` package and shares no code with
the engine; ``production_day`` answers for any date of a transcribed year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class OfficialYear:
    source: str
    days_off: tuple[str, ...]  # weekdays that are not worked, "MM-DD"
    working_weekend_days: tuple[str, ...]  # Saturdays/Sundays that are worked, "MM-DD"
    shortened: tuple[str, ...]  # worked one hour shorter, "MM-DD"
    norm_days: int
    norm_hours: int


RUSSIA: dict[int, OfficialYear] = {
    2024: OfficialYear(
        source=(
            "Постановление Правительства РФ от 10.08.2023 № 1306 «О переносе выходных дней "
            "в 2024 году» (publication.pravo.gov.ru); Labour Code art. 95, 112"
        ),
        days_off=(
            "01-01",
            "01-02",
            "01-03",
            "01-04",
            "01-05",
            "01-08",
            "02-23",
            "03-08",
            "04-29",
            "04-30",
            "05-01",
            "05-09",
            "05-10",
            "06-12",
            "11-04",
            "12-30",
            "12-31",
        ),
        working_weekend_days=("04-27", "11-02", "12-28"),
        shortened=("02-22", "03-07", "05-08", "06-11", "11-02"),
        norm_days=248,
        norm_hours=1979,
    ),
    2025: OfficialYear(
        source=(
            "Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней "
            "в 2025 году» (publication.pravo.gov.ru); Labour Code art. 95, 112"
        ),
        days_off=(
            "01-01",
            "01-02",
            "01-03",
            "01-06",
            "01-07",
            "01-08",
            "05-01",
            "05-02",
            "05-08",
            "05-09",
            "06-12",
            "06-13",
            "11-03",
            "11-04",
            "12-31",
        ),
        working_weekend_days=("11-01",),
        shortened=("03-07", "04-30", "06-11", "11-01"),
        norm_days=247,
        norm_hours=1972,
    ),
    2026: OfficialYear(
        source=(
            "Постановление Правительства РФ «О переносе выходных дней в 2026 году» "
            "(consultant.ru, document LAW_515170); Labour Code art. 95, 112"
        ),
        days_off=(
            "01-01",
            "01-02",
            "01-05",
            "01-06",
            "01-07",
            "01-08",
            "01-09",
            "02-23",
            "03-09",
            "05-01",
            "05-11",
            "06-12",
            "11-04",
            "12-31",
        ),
        working_weekend_days=(),
        shortened=("04-30", "05-08", "06-11", "11-03"),
        norm_days=247,
        norm_hours=1972,
    ),
    2027: OfficialYear(
        source=(
            "Постановление Правительства РФ «О переносе выходных дней в 2027 году» "
            "(consultant.ru, document LAW_544706); Labour Code art. 95, 112"
        ),
        days_off=(
            "01-01",
            "01-04",
            "01-05",
            "01-06",
            "01-07",
            "01-08",
            "02-22",
            "02-23",
            "03-08",
            "05-03",
            "05-10",
            "06-14",
            "11-04",
            "11-05",
            "12-31",
        ),
        working_weekend_days=("02-20",),
        shortened=("02-20", "04-30", "06-11", "11-03"),
        norm_days=247,
        norm_hours=1972,
    ),
}

OFFICIAL: dict[str, dict[int, OfficialYear]] = {"RU": RUSSIA}
"""Country -> year -> its production calendar."""


def production_day(country: str, day: date) -> int:
    """Working minutes of ``day`` in the official calendar of a five-day, 40-hour week."""
    year = OFFICIAL[country][day.year]
    key = day.strftime("%m-%d")
    if key in year.days_off:
        return 0
    if day.weekday() >= 5 and key not in year.working_weekend_days:
        return 0
    return 420 if key in year.shortened else 480


def official_shortened(country: str) -> dict[date, int]:
    """Every shortened day of the transcribed years, with the minutes it loses."""
    return {
        date.fromisoformat(f"{y}-{md}"): 60
        for y, data in OFFICIAL.get(country, {}).items()
        for md in data.shortened
    }
