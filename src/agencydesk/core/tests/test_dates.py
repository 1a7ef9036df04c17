"""Months in lower case mid-sentence where the language writes them so ("1 дек", not "1 Дек")."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

from agencydesk.commitments.reasons import local_moment
from agencydesk.core.dates import short_format, short_moment

MOMENT = dt.datetime(2026, 12, 1, 6, 25, tzinfo=dt.UTC)  # Tue 1 Dec 09:25 in Moscow


def test_the_month_abbreviation_is_lower_case_in_russian_ukrainian_and_bulgarian_only():
    assert short_format("D j M H:i", "ru") == "D j b H:i"
    assert short_format("D j M H:i", "bg") == "D j b H:i"
    assert short_format("D j M H:i", "en") == "D j M H:i"
    assert short_format(r"j \M M", "uk") == r"j \M b"  # an escaped letter stays a letter


def test_the_when_filter_writes_the_reader_s_month_in_the_reader_s_time_zone():
    template = Template('{% load desk %}{{ at|when:"D j M H:i" }}')
    with timezone.override("Europe/Moscow"):
        with translation.override("ru"):
            assert template.render(Context({"at": MOMENT})) == "Вт 1 дек 09:25"
        with translation.override("en"):
            assert template.render(Context({"at": MOMENT})) == "Tue 1 Dec 09:25"


def test_short_moments_carry_the_year_of_another_year():
    with timezone.override("Europe/Moscow"), translation.override("ru"):
        assert short_moment(MOMENT, now=MOMENT) == "1 дек 09:25"
        assert short_moment(MOMENT, now=MOMENT + dt.timedelta(days=60)) == "1 дек 2026 09:25"


def test_reasons_in_today_write_months_in_lower_case_in_russian():
    with translation.override("ru"):
        assert local_moment(MOMENT, "Europe/Moscow") == "Вт 1 дек 09:25"
    with translation.override("en"):
        assert local_moment(MOMENT, "Europe/Moscow") == "Tue 1 Dec 09:25"
