"""Every working-hours mistake the engine rejects is explained in the reader's language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agencydesk.calendars._hours import HoursError, parse_hours, parse_intervals
from agencydesk.calendars.problems import HOURS_PROBLEMS, problem_text
from agencydesk.calendars.services import calendar_check

MISTAKES = {
    "bad_time": "mon-fri 09:00-25:00",
    "start_at_24": "mon 24:00-24:00",
    "bad_interval": "mon-fri 9-18",
    "reversed": "mon-fri 18:00-09:00",
    "overlap": "mon 09:00-13:00,12:00-18:00",
    "unknown_day": "mon-fry 09:00-18:00",
    "no_days": "09:00-18:00",
    "no_hours_after": "mon-fri",
    "day_twice": "mon-fri 09:00-18:00; fri 10:00-12:00",
    "no_week": " ; ",
}


@pytest.mark.parametrize(("code", "hours"), MISTAKES.items())
def test_each_mistake_has_its_own_code(code, hours):
    with pytest.raises(HoursError) as caught:
        parse_hours(hours)
    assert caught.value.code == code


def test_the_remaining_codes():
    with pytest.raises(HoursError) as caught:
        parse_intervals("  ", "2026-03-07")
    assert (caught.value.code, caught.value.params) == ("empty", {"where": "2026-03-07"})
    with pytest.raises(HoursError) as caught:
        parse_hours(None)  # type: ignore[arg-type]
    assert caught.value.code == "not_text"
    assert set(HOURS_PROBLEMS) == {*MISTAKES, "empty", "not_text"}


@pytest.mark.parametrize("code", sorted(HOURS_PROBLEMS))
@pytest.mark.parametrize("language", ["ru", "uk", "bg"])
def test_every_problem_is_translated(code, language):
    params = {"time": "25:00", "interval": "18:00-09:00", "where": "mon", "first": "09:00-13:00"}
    params |= {"second": "12:00-18:00", "day": "fry", "days": "mon-fri"}
    # In English explicitly: a language left active by an earlier test must not pass as it.
    with translation.override("en"):
        english = str(HOURS_PROBLEMS[code]) % params
    with translation.override(language):
        translated = str(HOURS_PROBLEMS[code]) % params
    assert translated != english


def test_calendar_check_speaks_russian():
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        calendar_check(
            timezone="Europe/Moscow", hours="mon-fri 09:00-25:00", country="", subdivision=""
        )
    message = caught.value.message_dict["hours"][0]
    assert "25:00" in message
    assert "use HH:MM" not in message and "cannot be used" not in message


def test_other_engine_errors_keep_their_own_words():
    assert problem_text(ValueError("business time runs past the year 2200")) == (
        "business time runs past the year 2200"
    )
