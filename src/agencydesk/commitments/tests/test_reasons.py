"""The reason sentences write moments exactly as Django's date format would, in every language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from agencydesk.commitments.reasons import local_moment
from agencydesk.core.dates import short_format

MOMENTS = [
    datetime(2026, 3, 6, 14, 55, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # Europe's spring-forward night
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),  # and its autumn one
    datetime(2026, 12, 31, 23, 5, tzinfo=UTC),
] + [datetime(2026, 1, 1, 7, tzinfo=UTC) + timedelta(days=33 * i, hours=i) for i in range(12)]


@pytest.mark.parametrize("language", ["en", "ru", "uk", "bg"])
@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/Sofia", "Europe/Kyiv", "Asia/Almaty"])
def test_local_moment_matches_django_date_format(language, zone):
    with translation.override(language):
        for moment in MOMENTS:
            # Months cased as the language writes them mid-sentence ("1 дек"): see core/dates.py.
            expected = formats.date_format(
                moment.astimezone(ZoneInfo(zone)), short_format("D j M H:i")
            )
            assert local_moment(moment, zone) == expected


def test_local_moment_follows_the_active_language():
    moment = datetime(2026, 3, 6, 14, 55, tzinfo=UTC)
    with translation.override("en"):
        english = local_moment(moment, "Europe/Moscow")
    with translation.override("ru"):
        russian = local_moment(moment, "Europe/Moscow")
    assert english == "Fri 6 Mar 17:55"
    assert russian != english and russian.endswith(" 17:55")
