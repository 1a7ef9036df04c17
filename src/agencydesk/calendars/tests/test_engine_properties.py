"""The engine against the minute-stepping reference, on random calendars.

Random calendars mix zones with and without daylight saving, lunch breaks,
round-the-clock and night hours (so DST changes fall inside working time),
five holiday countries and random per-date exceptions near the start. Starts
are biased to the weeks around DST changes and year ends, where mistakes hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.tests.reference import MinuteGrid, ReferenceCalendar

ZONES = [
    "Europe/Moscow",
    "Europe/Kyiv",
    "Europe/Sofia",
    "Asia/Almaty",
    "Europe/London",
    "America/New_York",
]
COUNTRIES = [None, "RU", "BG", "GB", "KZ", "US"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PROPERTY_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _transitions(zone: str, years: range) -> list[datetime]:
    """UTC moments of the offset changes of a zone (found by daily probing, bisected)."""
    tz = ZoneInfo(zone)
    found: list[datetime] = []
    t = datetime(years.start, 1, 1, tzinfo=UTC)
    end = datetime(years.stop, 1, 1, tzinfo=UTC)
    while t < end:
        nxt = t + timedelta(days=1)
        if t.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = t, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        t = nxt
    return found


YEARS = range(2024, 2028)
ANCHORS: dict[str, list[datetime]] = {
    zone: _transitions(zone, YEARS)
    + [datetime(y, 12, 31, 12, tzinfo=ZoneInfo(zone)).astimezone(UTC) for y in YEARS]
    + [datetime(2025, 11, 1, 12, tzinfo=UTC), datetime(2026, 3, 6, 15, tzinfo=UTC)]
    for zone in ZONES
}

Hours = list[tuple[int, int]]


@st.composite
def day_hours(draw: st.DrawFn) -> Hours:
    kind = draw(
        st.sampled_from(["closed", "closed", "one", "lunch", "always", "night", "touch", "many"])
    )
    if kind == "closed":
        return []
    if kind == "always":
        return [(0, 1440)]
    if kind == "night":
        # Hours across the local times at which zones change their offsets.
        return [draw(st.sampled_from([(0, 120), (60, 180), (120, 240), (90, 150), (0, 1440)]))]
    if kind == "touch":
        a, b, c = sorted(draw(st.lists(st.integers(0, 1440), min_size=3, max_size=3, unique=True)))
        return [(a, b), (b, c)]
    count = {"one": 1, "lunch": 2, "many": 3}[kind]
    points = sorted(
        draw(st.lists(st.integers(0, 1440), min_size=2 * count, max_size=2 * count, unique=True))
    )
    return [(points[k], points[k + 1]) for k in range(0, len(points), 2)]


def render(hours: Hours) -> str:
    return ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in hours)


@dataclass
class Case:
    engine: WorkCalendar
    ref: ReferenceCalendar
    start: datetime
    weekly_minutes: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(zone)
    weekly = {day: draw(day_hours()) for day in range(7)}
    weekly = {day: hours for day, hours in weekly.items() if hours}
    weekly_minutes = sum(e - s for hours in weekly.values() for s, e in hours)
    if weekly_minutes < 60:
        weekly[0] = [(540, 1080)]
        weekly_minutes = sum(e - s for hours in weekly.values() for s, e in hours)
    text = "; ".join(f"{DAYS[day]} {render(hours)}" for day, hours in sorted(weekly.items()))

    if draw(st.booleans()):
        anchor = draw(st.sampled_from(ANCHORS[zone]))
        # mostly shortly before the change, so that the business time crosses it
        start = anchor + timedelta(minutes=draw(st.integers(-3 * 1440, 120)))
    else:
        lo = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) // 60
        hi = int(datetime(2027, 12, 31, tzinfo=UTC).timestamp()) // 60
        start = EPOCH + timedelta(minutes=draw(st.integers(lo, hi)))
    start = start.astimezone(draw(st.sampled_from([tz, UTC])))
    near = st.integers(-3, 20).map(lambda k: start.astimezone(tz).date() + timedelta(days=k))

    country = draw(st.sampled_from(COUNTRIES))
    days_off = draw(st.lists(near, max_size=3))
    shortened = draw(st.dictionaries(near, day_hours().filter(bool), max_size=2))
    extra = draw(st.dictionaries(near, st.one_of(st.none(), day_hours().filter(bool)), max_size=2))
    engine = WorkCalendar(
        zone,
        text,
        country=country,
        days_off=days_off,
        shortened={d: render(h) for d, h in shortened.items()},
        extra_workdays={d: None if h is None else render(h) for d, h in extra.items()},
    )
    ref = ReferenceCalendar(
        zone,
        weekly,
        country=country,
        days_off=days_off,
        shortened=shortened,
        extra_workdays=extra,
    )
    return Case(engine, ref, start, weekly_minutes)


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


@PROPERTY_SETTINGS
@given(case=cases(), minutes=st.integers(1, 3000))
def test_add_matches_reference(case: Case, minutes: int) -> None:
    # Sparse calendars would send the reference walking for months.
    minutes = min(minutes, 2 * case.weekly_minutes)
    due = case.engine.add(case.start, minutes)
    assert utc(due) == utc(case.ref.add(case.start, minutes))
    assert due.tzinfo is case.engine.tz
    assert case.engine.between(case.start, due) == timedelta(minutes=minutes)


@PROPERTY_SETTINGS
@given(case=cases(), closings=st.integers(1, 4))
def test_add_landing_on_a_closing_returns_it(case: Case, closings: int) -> None:
    # Walk the reference to its n-th closing moment after the start and ask
    # for exactly the business time up to there: the due moment is the closing
    # moment itself, never the next opening.
    ref = case.ref
    minute = (case.start - EPOCH) // timedelta(minutes=1)
    for _ in range(closings):
        while not ref.minute_open(minute):
            minute += 1
        while ref.minute_open(minute):
            minute += 1
    closing = EPOCH + timedelta(minutes=minute)
    amount = ref.between(case.start, closing)
    assert utc(case.engine.add(case.start, amount)) == closing
    assert utc(case.engine.add(case.start, amount // timedelta(minutes=1))) == closing
    many = case.engine.add_many([case.start], amount // timedelta(minutes=1))
    assert int(many.view(np.int64)[0]) == (closing - EPOCH) // timedelta(microseconds=1)


@PROPERTY_SETTINGS
@given(case=cases(), span=st.integers(-5 * 1440, 5 * 1440))
def test_between_matches_reference(case: Case, span: int) -> None:
    end = case.start + timedelta(minutes=span)
    assert case.engine.between(case.start, end) == case.ref.between(case.start, end)


@PROPERTY_SETTINGS
@given(case=cases())
def test_is_open_and_next_open_match_reference(case: Case) -> None:
    assert case.engine.is_open(case.start) == case.ref.is_open(case.start)
    nxt = case.engine.next_open(case.start)
    assert utc(nxt) == utc(case.ref.next_open(case.start))
    assert case.engine.is_open(nxt)


@settings(max_examples=40, deadline=None, database=None)
@given(case=cases(), seed=st.integers(0, 2**32 - 1))
def test_add_many_matches_add(case: Case, seed: int) -> None:
    rng = np.random.default_rng(seed)
    u0 = (case.start - EPOCH) // timedelta(microseconds=1)
    starts = u0 + rng.integers(-(10**12), 10**12, 200)  # about +-12 days, any microsecond
    minutes = rng.integers(0, 2 * case.weekly_minutes + 1, 200)
    due = case.engine.add_many(starts.view("datetime64[us]"), minutes)
    for s, m, d in zip(starts.tolist(), minutes.tolist(), due.view(np.int64).tolist(), strict=True):
        expected = case.engine.add(EPOCH + timedelta(microseconds=s), m)
        assert EPOCH + timedelta(microseconds=d) == utc(expected)


@settings(max_examples=40, deadline=None, database=None)
@given(case=cases(), seed=st.integers(0, 2**32 - 1))
def test_next_open_many_matches_next_open(case: Case, seed: int) -> None:
    rng = np.random.default_rng(seed)
    u0 = (case.start - EPOCH) // timedelta(microseconds=1)
    moments = u0 + rng.integers(-(10**12), 10**12, 200)
    # closing and opening moments themselves, where an off-by-one hides
    day = [case.engine.next_open(case.start), case.engine.add(case.start, 1)]
    edges = [(utc(t) - EPOCH) // timedelta(microseconds=1) for t in day]
    moments = np.concatenate([moments, np.array(edges, dtype=np.int64)])
    got = case.engine.next_open_many(moments.view("datetime64[us]")).view(np.int64)
    for m, g in zip(moments.tolist(), got.tolist(), strict=True):
        expected = case.engine.next_open(EPOCH + timedelta(microseconds=m))
        assert EPOCH + timedelta(microseconds=g) == utc(expected)


# --- a deterministic bulk check against the minute grid ---------------------------------


@pytest.mark.parametrize(
    ("zone", "weekly", "country"),
    [
        ("Europe/London", {d: [(0, 120), (540, 780), (840, 1080)] for d in range(5)}, "GB"),
        ("America/New_York", {d: [(0, 1440)] for d in range(7)} | {6: [(60, 180)]}, "US"),
        ("Europe/Moscow", {d: [(540, 1080)] for d in range(5)}, "RU"),
    ],
)
def test_engine_matches_minute_grid_on_20k_cases(
    zone: str, weekly: dict[int, Hours], country: str
) -> None:
    text = "; ".join(f"{DAYS[day]} {render(hours)}" for day, hours in sorted(weekly.items()))
    days_off = [date(2026, 3, 30), date(2026, 10, 26)]
    shortened = {date(2026, 11, 2): [(600, 660)]}
    engine = WorkCalendar(
        zone,
        text,
        country=country,
        days_off=days_off,
        shortened={d: render(h) for d, h in shortened.items()},
    )
    ref = ReferenceCalendar(zone, weekly, country, None, days_off, None, shortened)
    grid = MinuteGrid(ref, datetime(2025, 12, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))

    rng = np.random.default_rng(20260306)
    lo = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    hi = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    n = 20_000
    starts = rng.integers(lo, hi, n)
    starts[: n // 2] -= starts[: n // 2] % 60_000_000  # half on whole minutes
    amounts = rng.integers(0, 3000 * 60_000_000, n)
    amounts[: n // 4] -= amounts[: n // 4] % 60_000_000

    due = engine.add_many(starts.view("datetime64[us]"), amounts.view("timedelta64[us]"))
    assert (due.view(np.int64) == grid.add(starts, amounts)).all()
    ends = rng.integers(lo, hi, n)
    got = engine.between_many(starts.view("datetime64[us]"), ends.view("datetime64[us]"))
    assert (got.view(np.int64) == grid.between(starts, ends)).all()
    sample = starts[:2000].tolist()
    is_open = [engine.is_open(EPOCH + timedelta(microseconds=s)) for s in sample]
    assert is_open == grid.is_open(starts[:2000]).tolist()
    nxt = [
        (engine.next_open(EPOCH + timedelta(microseconds=s)) - EPOCH) // timedelta(microseconds=1)
        for s in sample
    ]
    assert nxt == grid.next_open(starts[:2000]).tolist()
