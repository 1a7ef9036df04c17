"""The business-time editor of a client: its live preview and what saving it does."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agencydesk.calendars.selectors import calendar_default
from agencydesk.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


class TestEditorPage:
    def test_editor_shows_a_live_preview_in_client_time(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        page = client.get(reverse("calendars:client_edit", args=[c.pk]))
        assert page.status_code == 200
        assert 'data-testid="reply-due"' in page.content.decode()

    def test_time_zones_are_listed_with_their_offset_now(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False):
            body = client.get(reverse("calendars:client_edit", args=[c.pk])).content.decode()
        assert "Europe/Moscow · UTC+03:00" in body
        assert "Europe/London · UTC+01:00" in body  # summer time
        assert "Asia/Kolkata · UTC+05:30" in body

    def test_preview_answers_with_the_clients_own_targets(self, client, director):
        c = ClientFactory(first_response_minutes=30, ack_delay_minutes=15, follow_up_hours=4)
        client.force_login(director)
        now = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # Tue
        with time_machine.travel(now, tick=False):
            body = client.get(
                reverse("calendars:client_preview", args=[c.pk]),
                {
                    "timezone": "Europe/Moscow",
                    "hours": "mon-fri 09:00-18:00",
                    "country": "",
                    "subdivision": "",
                    "exceptions-TOTAL_FORMS": 0,
                    "exceptions-INITIAL_FORMS": 0,
                },
            ).content.decode()
        # Not the environment's 10 minutes: the client's 30.
        assert "within 30 working minutes: at <strong>Tue 10 March 10:30</strong>" in body
        assert "after 15 working minutes: at Tue 10 March 10:15" in body
        assert "one business day: by Wed 11 March 10:00" in body
        assert "follow up after 4 working hours, at Tue 10 March 14:00" in body

    def test_preview_follows_the_form_values_without_saving(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        response = client.get(
            reverse("calendars:client_preview", args=[c.pk]),
            {
                "timezone": "Asia/Almaty",
                "hours": "mon-sun 00:00-24:00",
                "country": "",
                "subdivision": "",
                "exceptions-TOTAL_FORMS": 0,
                "exceptions-INITIAL_FORMS": 0,
            },
        )
        body = response.content.decode()
        assert "UTC+05:00" in body
        assert "closed" not in body  # open every day
        bad = client.get(
            reverse("calendars:client_preview", args=[c.pk]),
            {
                "timezone": "Asia/Almaty",
                "hours": "mon-fri 19:00-09:00",
                "country": "",
                "exceptions-TOTAL_FORMS": 0,
                "exceptions-INITIAL_FORMS": 0,
            },
        )
        assert 'class="error"' in bad.content.decode()
        c.refresh_from_db()
        assert c.calendar is None

    def test_saving_gives_the_client_its_own_calendar_with_exceptions(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        response = client.post(
            reverse("calendars:client_edit", args=[c.pk]),
            {
                "timezone": "Europe/Kyiv",
                "hours": "mon-fri 10:00-19:00",
                "country": "ua",
                "subdivision": "",
                "exceptions-TOTAL_FORMS": 1,
                "exceptions-INITIAL_FORMS": 0,
                "exceptions-0-date": "2026-12-31",
                "exceptions-0-kind": "day_off",
                "exceptions-0-hours": "",
                "exceptions-0-note": "New Year's Eve",
            },
        )
        assert response.status_code == 302
        c.refresh_from_db()
        assert (c.calendar.timezone, c.calendar.hours, c.calendar.country) == (
            "Europe/Kyiv",
            "mon-fri 10:00-19:00",
            "UA",
        )
        assert c.calendar.exceptions.get().note == "New Year's Eve"
        assert not calendar_default().exceptions.exists()

    def test_bad_hours_show_an_error_and_save_nothing(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        response = client.post(
            reverse("calendars:client_edit", args=[c.pk]),
            {
                "timezone": "Europe/Kyiv",
                "hours": "mon-fri 10:00",
                "country": "",
                "exceptions-TOTAL_FORMS": 0,
                "exceptions-INITIAL_FORMS": 0,
            },
        )
        assert response.status_code == 200
        assert "hours" in response.context["form"].errors
        c.refresh_from_db()
        assert c.calendar is None

    def test_specialist_cannot_edit(self, client, specialist):
        c = ClientFactory()
        client.force_login(specialist)
        assert client.get(reverse("calendars:client_edit", args=[c.pk])).status_code == 403


class TestYearDaysBesideThePreview:
    def _preview(self, client, c, hours: str, language: str = "ru") -> str:
        return client.get(
            reverse("calendars:client_preview", args=[c.pk]),
            {
                "timezone": "Europe/Moscow",
                "hours": hours,
                "country": "RU",
                "subdivision": "",
                "exceptions-TOTAL_FORMS": 0,
                "exceptions-INITIAL_FORMS": 0,
            },
            headers={"accept-language": language},
        ).content.decode()

    def test_the_years_holidays_moves_and_short_days_are_listed_with_their_names(
        self, client, director
    ):
        from django.utils import translation

        from agencydesk.calendars.engine import WorkCalendar
        from agencydesk.calendars.selectors import calendar_year_days

        engine = WorkCalendar("Europe/Moscow", "mon-fri 09:00-18:00", country="RU")
        with translation.override("ru"):
            year = calendar_year_days(engine=engine, year=2025)
        days = {d["date"]: d for d in year["days"]}
        assert days[dt.date(2025, 11, 1)]["kind"] == "moved"  # the working Saturday
        assert days[dt.date(2025, 11, 1)]["hours"] == "09:00-17:00"  # and shortened
        assert "короче" in days[dt.date(2025, 11, 1)]["name"]
        assert days[dt.date(2025, 11, 4)]["name"] == "День народного единства"
        assert days[dt.date(2025, 6, 11)]["hours"] == "09:00-17:00"
        assert dt.date(2025, 3, 7) in days  # Friday before 8 March
        assert not year["forecast"]

    def test_a_year_without_a_published_decree_says_it_is_a_forecast(self, client, director):
        c = ClientFactory()
        now = dt.datetime(2027, 12, 20, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
        with time_machine.travel(now, tick=False):
            client.force_login(director)  # a session of today would have expired by then
            body = self._preview(client, c, "mon-fri 09:00-18:00")
        assert 'data-testid="year-days-2027"' in body
        assert "2028: переносы рабочих дней ещё не опубликованы" in body
        assert body.count('data-testid="forecast"') == 1  # 2027 is published

    def test_the_list_follows_the_hours_typed_without_saving(self, client, director):
        c = ClientFactory()
        client.force_login(director)
        now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
        with time_machine.travel(now, tick=False):
            regular = self._preview(client, c, "mon-fri 09:00-18:00")
            lunch = self._preview(client, c, "mon-fri 09:00-13:00,14:00-18:00")
        # 11 June 2026 (before Russia Day) in the year's list, one hour shorter
        section = regular[regular.index('data-testid="year-days-2026"') :]
        assert "11 Июн</td><td>09:00-17:00</td>" in section
        section = lunch[lunch.index('data-testid="year-days-2026"') :]
        assert re.search(r"11 Июн</td><td>09:00-13:00, ?14:00-17:00</td>", section)


def test_the_preview_and_a_dated_row_say_what_is_wrong_in_the_persons_language(client, director):
    from django.utils import translation

    from agencydesk.calendars.forms import ExceptionForm

    c = ClientFactory()
    client.force_login(director)
    body = client.get(
        reverse("calendars:client_preview", args=[c.pk]),
        {
            "timezone": "Europe/Moscow",
            "hours": "mon-fri 19:00-09:00",
            "country": "",
            "exceptions-TOTAL_FORMS": 0,
            "exceptions-INITIAL_FORMS": 0,
        },
        headers={"accept-language": "ru"},
    ).content.decode()
    assert "ends before it starts" not in body
    assert "полночь" in body or "заканчивается" in body
    with translation.override("ru"):
        form = ExceptionForm({"date": "2026-06-11", "kind": "shortened", "hours": "25:00-26:00"})
        assert not form.is_valid()
        (message,) = form.errors["hours"]
    assert message == "«25:00» — это не время: пишите ЧЧ:ММ от 00:00 до 24:00."
