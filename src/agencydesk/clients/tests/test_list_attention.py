"""The clients list says who needs attention: overdue items, last real touch, account manager.

Sorted and filtered by them through bounded query parameters, in a number of
queries that does not grow with the clients shown.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.messaging.services import message_record
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
NOW = msk(2026, 12, 10, 12, 0)  # Thursday noon in Moscow


@pytest.fixture
def clients(director):
    olga = UserFactory(username="olga", first_name="Olga", last_name="A", role="account_manager")
    ivan = UserFactory(username="ivan", first_name="Ivan", last_name="B", role="account_manager")
    quiet = ClientFactory(name="Quiet Co", account_manager=olga)
    busy = ClientFactory(name="Busy Co", account_manager=ivan)
    fresh = ClientFactory(name="Fresh Co", account_manager=olga)
    # Busy: two questions asked on Monday, unanswered: overdue by Thursday.
    for hour in (10, 11):
        message_record(
            client=busy,
            channel="telegram",
            direction="in",
            sent_at=msk(2026, 12, 7, hour, 0),
            text="Когда пришлёте отчёт?",
            at=msk(2026, 12, 7, hour, 0),
        )
    # Quiet: last written to nine days ago; Fresh: yesterday.
    for client, when in ((quiet, msk(2026, 12, 1, 10, 0)), (fresh, msk(2026, 12, 9, 10, 0))):
        message_record(
            client=client,
            channel="telegram",
            direction="out",
            sent_at=when,
            text="Добрый день! Направляем план.",
            at=when,
            author_user=client.account_manager,
        )
    return {"quiet": quiet, "busy": busy, "fresh": fresh}


def _names(http, **params) -> list[str]:
    with time_machine.travel(NOW, tick=False):
        response = http.get(reverse("clients:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return sorted((n for n in ("Quiet Co", "Busy Co", "Fresh Co") if n in html), key=html.index)


def test_the_columns_say_overdue_items_last_touch_and_manager(client, director, clients):
    client.force_login(director)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("clients:list")).content.decode()
    busy_row = html.split("Busy Co", 1)[1].split("</tr>", 1)[0]
    # The reply to the first message (one per conversation) and both questions.
    assert '<span class="badge sev-overdue">3</span>' in busy_row
    assert "Ivan B" in busy_row
    quiet_row = html.split("Quiet Co", 1)[1].split("</tr>", 1)[0]
    assert "1 Dec" in quiet_row and "9 days ago" in quiet_row
    assert '<span class="badge sev-overdue">1</span>' in quiet_row  # keep in touch, missed
    assert '<span class="badge sev-overdue">1 Dec</span>' in quiet_row  # beyond its 7 days
    fresh_row = html.split("Fresh Co", 1)[1].split("</tr>", 1)[0]
    assert "9 Dec" in fresh_row and "sev-overdue" not in fresh_row


def test_sorted_by_overdue_by_silence_and_by_manager(client, director, clients):
    client.force_login(director)
    assert _names(client) == ["Busy Co", "Fresh Co", "Quiet Co"]
    assert _names(client, sort="-overdue") == ["Busy Co", "Quiet Co", "Fresh Co"]
    # Busy has no outbound touch at all: never touched comes first, then the longest silence.
    assert _names(client, sort="touch")[1:] == ["Quiet Co", "Fresh Co"]
    assert _names(client, sort="manager") == ["Busy Co", "Fresh Co", "Quiet Co"]  # Ivan, then Olga


def test_filtered_by_overdue_and_by_days_without_a_touch(client, director, clients):
    client.force_login(director)
    assert _names(client, overdue="1") == ["Busy Co", "Quiet Co"]
    assert _names(client, silent="7") == ["Busy Co", "Quiet Co"]
    assert _names(client, silent="7", am=clients["quiet"].account_manager_id) == ["Quiet Co"]


def test_bad_or_huge_parameters_fall_back_instead_of_failing(client, director, clients):
    client.force_login(director)
    assert _names(client, sort="; DROP TABLE", silent="-3", am="x") == [
        "Busy Co",
        "Fresh Co",
        "Quiet Co",
    ]
    assert _names(client, silent="9" * 40, q="x" * 5000) == []
    assert len(_names(client, silent="99999")) == 1  # capped at a year: only the never-touched


def test_a_confidential_client_stays_out_of_the_list_of_outsiders(client, clients):
    hidden = ClientFactory(name="Secret Co", confidential=True, account_manager=UserFactory())
    outsider = UserFactory(role="account_manager")
    client.force_login(outsider)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("clients:list"), {"sort": "-overdue"}).content.decode()
    assert hidden.name not in html and "Busy Co" in html


def test_the_list_reads_in_a_number_of_queries_independent_of_the_clients(
    client, director, clients
):
    client.force_login(director)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as few:
        client.get(reverse("clients:list"), {"sort": "touch"})
    for n in range(10):
        message_record(
            client=ClientFactory(name=f"Extra {n}"),
            channel="telegram",
            direction="in",
            sent_at=msk(2026, 12, 7, 10, n),
            text="Есть вопрос?",
            at=msk(2026, 12, 7, 10, n),
        )
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as many:
        html = client.get(reverse("clients:list"), {"sort": "touch"}).content.decode()
    assert "Extra 9" in html
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 12
