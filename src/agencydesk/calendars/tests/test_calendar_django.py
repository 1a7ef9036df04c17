"""The stored calendars: validation with the engine's messages, the cache, recompute on change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from agencydesk.calendars import recompute
from agencydesk.calendars.models import BusinessCalendar, CalendarException
from agencydesk.calendars.selectors import calendar_default, calendar_engine, client_engine
from agencydesk.calendars.services import calendar_exceptions_replace, calendar_save
from agencydesk.clients.services import client_calendar_reset, client_update
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db
MSK = dt.timezone(dt.timedelta(hours=3))


def test_default_calendar_exists_after_migrations():
    default = calendar_default()
    assert (default.timezone, default.hours, default.country) == (
        "Europe/Moscow",
        "mon-fri 09:00-18:00",
        "RU",
    )


def test_client_on_default_calendar_uses_it():
    client = ClientFactory()
    engine = client_engine(client)
    # Fri 6 March 2026 17:55 + 10 business minutes: Mon 9 March is a holiday in Russia.
    due = engine.add(dt.datetime(2026, 3, 6, 17, 55, tzinfo=MSK), 10)
    assert due == dt.datetime(2026, 3, 10, 9, 5, tzinfo=MSK)


def test_engine_is_cached_per_revision(django_assert_num_queries, now, director):
    calendar = calendar_default()
    first = calendar_engine(calendar)
    with django_assert_num_queries(0):
        assert calendar_engine(calendar) is first
    calendar_save(calendar=calendar, by=director, at=now, hours="mon-fri 10:00-19:00")
    rebuilt = calendar_engine(calendar)
    assert rebuilt is not first
    assert rebuilt.hours == "mon-fri 10:00-19:00"


def test_invalid_settings_are_refused_with_the_field_named(director, now):
    calendar = BusinessCalendar(name="X", timezone="Europe/Sofia", hours="mon-fri 09:00-18:00")
    for field, value in [
        ("timezone", "Europe/Sofiya"),
        ("hours", "mon-fri 09:00-13:00,12:00-18:00"),
        ("hours", "someday 09:00-18:00"),
        ("country", "ZZ"),
    ]:
        with pytest.raises(ValidationError) as caught:
            calendar_save(calendar=calendar, by=director, at=now, **{field: value})
        assert field in caught.value.message_dict
    assert not BusinessCalendar.objects.filter(name="X").exists()


def test_change_bumps_revision_and_audits(director, now):
    calendar = calendar_default()
    revision = calendar.revision
    calendar_save(calendar=calendar, by=director, at=now, hours="mon-fri 09:00-17:00")
    calendar.refresh_from_db()
    assert calendar.revision == revision + 1
    entry = AuditLog.objects.get(action="calendar.update")
    assert entry.changes["hours"] == ["mon-fri 09:00-18:00", "mon-fri 09:00-17:00"]
    # saving the same values again changes nothing
    calendar_save(calendar=calendar, by=director, at=now, hours="mon-fri 09:00-17:00")
    calendar.refresh_from_db()
    assert calendar.revision == revision + 1


def test_exceptions_change_the_engine(director, now):
    client = ClientFactory()
    client_update(
        client=client,
        by=director,
        at=now,
        timezone="Europe/Moscow",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="",
    )
    own = client.calendar
    assert own is not None and own.country == ""
    calendar_exceptions_replace(
        calendar=own,
        rows=[
            {"date": dt.date(2026, 3, 10), "kind": "day_off", "hours": "", "note": "Team day"},
            {"date": dt.date(2026, 3, 14), "kind": "extra_workday", "hours": "", "note": ""},
            {"date": dt.date(2026, 3, 13), "kind": "shortened", "hours": "09:00-12:00", "note": ""},
        ],
        by=director,
        at=now,
    )
    own.refresh_from_db()
    engine = calendar_engine(own)
    assert engine.hours_on(dt.date(2026, 3, 10)) == []
    assert engine.hours_on(dt.date(2026, 3, 14)) == [(540, 1080)]  # a Saturday worked like Monday
    assert engine.hours_on(dt.date(2026, 3, 13)) == [(540, 720)]
    assert CalendarException.objects.filter(calendar=own).count() == 3


@pytest.mark.parametrize(
    "rows",
    [
        [{"date": dt.date(2026, 3, 10), "kind": "shortened", "hours": ""}],
        [{"date": dt.date(2026, 3, 10), "kind": "shortened", "hours": "12:00-09:00"}],
        [
            {"date": dt.date(2026, 3, 10), "kind": "day_off", "hours": ""},
            {"date": dt.date(2026, 3, 10), "kind": "day_off", "hours": ""},
        ],
    ],
)
def test_bad_exceptions_are_refused_and_nothing_changes(director, now, rows):
    calendar = calendar_default()
    with pytest.raises(ValidationError):
        calendar_exceptions_replace(calendar=calendar, rows=rows, by=director, at=now)
    assert not calendar.exceptions.exists()


def test_a_change_runs_the_registered_recomputers(
    director, now, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(
        recompute,
        "RECOMPUTERS",
        [lambda calendar, engine: seen.append((calendar.pk, engine.hours)) or 7],
    )
    calendar = calendar_default()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_save(calendar=calendar, by=director, at=now, hours="mon-fri 08:00-17:00")
    assert seen == [(calendar.pk, "mon-fri 08:00-17:00")]


def test_a_stale_recompute_task_does_nothing(director, now, monkeypatch):
    from agencydesk.calendars.tasks import calendar_recompute_task

    calls = []
    monkeypatch.setattr(recompute, "RECOMPUTERS", [lambda c, e: calls.append(c) or 1])
    calendar = calendar_default()
    assert calendar_recompute_task.call(calendar.pk, calendar.revision + 5) == 0
    assert calendar_recompute_task.call(calendar.pk, calendar.revision) == 1
    assert calendar_recompute_task.call(987654, 1) == 0
    assert len(calls) == 1


def test_reset_puts_the_client_back_on_default(director, now):
    client = ClientFactory()
    client_update(client=client, by=director, at=now, timezone="Asia/Almaty")
    own_pk = client.calendar_id
    client_calendar_reset(client=client, by=director, at=now)
    client.refresh_from_db()
    assert client.calendar is None
    assert not BusinessCalendar.objects.filter(pk=own_pk).exists()


def test_reset_with_timers_moves_the_open_ones_and_keeps_the_calendar_for_the_rest(director):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from agencydesk.commitments.models import Commitment
    from agencydesk.messaging.services import message_record, message_send

    almaty = ZoneInfo("Asia/Almaty")
    client = ClientFactory(account_manager=director)
    at = dt.datetime(2026, 3, 10, 12, 0, tzinfo=almaty)
    client_update(
        client=client,
        by=director,
        at=at,
        timezone="Asia/Almaty",
        working_hours="mon-fri 10:00-19:00",
        holidays_country="KZ",
    )
    own_pk = client.calendar_id
    asked = message_record(
        client=client, channel="email", direction="in", sent_at=at, text="Привет", at=at
    )
    message_send(
        client=client,
        text="Здравствуйте",
        by=director,
        at=at + dt.timedelta(minutes=3),
        conversation=asked.message.conversation,
    )
    later = at + dt.timedelta(hours=1)
    message_record(
        client=client, channel="telegram", direction="in", sent_at=later, text="Ещё", at=later
    )
    open_first = Commitment.objects.get(kind="first_response", state="open")
    assert open_first.due_at == later + dt.timedelta(minutes=10)

    client_calendar_reset(client=client, by=director, at=later)  # raised ProtectedError before

    client.refresh_from_db()
    assert client.calendar is None
    open_first.refresh_from_db()
    default = calendar_default()
    assert open_first.calendar == default
    # Tue 13:00 in Almaty is 11:00 in Moscow, inside the default mon-fri 09:00-18:00.
    assert open_first.due_at == later + dt.timedelta(minutes=10)
    met = Commitment.objects.get(kind="first_response", state="met")
    assert met.calendar_id == own_pk  # counted in it, so the calendar stays
    assert BusinessCalendar.objects.filter(pk=own_pk).exists()
    assert Commitment.objects.get(kind="keep_in_touch").calendar == default


def test_reset_recomputes_a_moved_timer_in_the_default_hours(director):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from agencydesk.commitments.models import Commitment
    from agencydesk.core.models import AuditLog
    from agencydesk.messaging.services import message_record

    client = ClientFactory(account_manager=director)
    at = dt.datetime(2026, 3, 10, 20, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # Tue 20:00
    client_update(client=client, by=director, at=at, working_hours="mon-fri 09:00-22:00")
    message_record(client=client, channel="email", direction="in", sent_at=at, text="?", at=at)
    first = Commitment.objects.get(kind="first_response")
    assert first.due_at == at + dt.timedelta(minutes=10)

    client_calendar_reset(client=client, by=director, at=at)

    first.refresh_from_db()
    # The default closes at 18:00: ten working minutes from Tue 20:00 end Wed 09:10.
    assert first.due_at == dt.datetime(2026, 3, 11, 9, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    assert AuditLog.objects.filter(action="commitment.recompute", object_id=str(first.pk)).exists()
    assert not BusinessCalendar.objects.filter(clients__isnull=True, is_default=False).exists()


@pytest.mark.parametrize(
    ("country", "subdivision", "field", "text"),
    [
        ("XX", "", "country", "Неизвестная страна «XX»"),
        ("RU", "ZZZ", "subdivision", "Неизвестный регион «ZZZ»"),
    ],
)
def test_unknown_places_are_refused_once_in_the_persons_language(
    country: str, subdivision: str, field: str, text: str
) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from agencydesk.calendars.services import calendar_check

    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        calendar_check(
            timezone="Europe/Moscow", hours="mon-fri 09:00-18:00", country=country,
            subdivision=subdivision,
        )  # fmt: skip
    messages = caught.value.message_dict
    assert list(messages) == [field]
    assert len(messages[field]) == 1 and messages[field][0].startswith(text)
    assert "ISO" not in messages[field][0]
