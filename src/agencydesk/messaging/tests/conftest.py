from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

MSK = ZoneInfo("Europe/Moscow")


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


@pytest.fixture
def team(db):
    return {
        "am": UserFactory(username="olga", role="account_manager"),
        "backup": UserFactory(username="ivan", role="account_manager"),
        "director": UserFactory(username="boss", role="director"),
    }


@pytest.fixture
def acme(team):
    """A Moscow client on the default calendar: mon-fri 09:00-18:00, Russian holidays."""
    client = ClientFactory(
        name="Acme", language="ru", account_manager=team["am"], backup_manager=team["backup"]
    )
    ContactFactory(
        client=client,
        name="Алексей Громов",
        address_as="Алексей Викторович",
        email="alexey@acme.example",
        telegram_username="gromov",
    )
    return client


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (task enqueues) as a real commit would."""

    def wrapper():
        return django_capture_on_commit_callbacks(execute=True)

    return wrapper
