from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients import services as client_services
from agencydesk.clients.tests.factories import ContactFactory

MSK = ZoneInfo("Europe/Moscow")


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


@pytest.fixture
def team(db):
    return {
        "am": UserFactory(username="olga", role="account_manager"),
        "backup": UserFactory(username="ivan", role="account_manager"),
        "director": UserFactory(username="boss", role="director"),
        "writer": UserFactory(username="anna", role="specialist"),
        "editor": UserFactory(username="petr", role="specialist"),
        "outsider": UserFactory(username="max", role="account_manager"),
    }


@pytest.fixture
def acme(team):
    """A Moscow client with a lunch break: mon-fri 09:00-13:00, 14:00-18:00, Russian holidays."""
    client = client_services.client_create(
        by=team["director"],
        at=msk(2026, 1, 1, 12, 0),
        name="Acme",
        language="ru",
        status="active",
        account_manager=team["am"],
        backup_manager=team["backup"],
        timezone="Europe/Moscow",
        working_hours="mon-fri 09:00-13:00,14:00-18:00",
        holidays_country="RU",
        preferred_channel="telegram",
        address_form="formal",
    )
    ContactFactory(
        client=client,
        name="Алексей Громов",
        address_as="Алексей Викторович",
        email="alexey@acme.example",
        telegram_username="gromov",
        is_primary=True,
    )
    return client


@pytest.fixture
def press_release(db):
    from agencydesk.work.models import DeliverableType

    return DeliverableType.objects.get(code="press_release")
