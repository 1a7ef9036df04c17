from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agencydesk.clients import services as client_services
from agencydesk.clients.tests.factories import ContactFactory
from agencydesk.work.tests.conftest import acme, msk, press_release, team  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def contacts(acme):  # noqa: F811
    """Acme's two participants: its main contact (from the fixture) and a second one."""
    second = ContactFactory(client=acme, name="Мария Петрова", email="maria@acme.example")
    return [acme.contacts.order_by("pk").first(), second]


@pytest.fixture
def hansa(team):  # noqa: F811
    """A Berlin client (DST at the end of March) on mon-fri 09:00-18:00 with German holidays."""
    return client_services.client_create(
        by=team["director"],
        at=msk(2026, 1, 1, 12, 0),
        name="Hansa",
        language="en",
        status="active",
        account_manager=team["am"],
        backup_manager=team["backup"],
        timezone="Europe/Berlin",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="DE",
        preferred_channel="email",
        address_form="formal",
    )


@pytest.fixture(autouse=True)
def fresh_engines():
    """Built engines are cached by (calendar id, revision, updated_at): with the clock frozen, a
    calendar of an earlier test that got the same id would be served again. Start each test clean."""
    from agencydesk.calendars.selectors import _engines

    _engines.clear()
    yield
    _engines.clear()
