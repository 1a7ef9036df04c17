"""The responsiveness page: targets shown, misses highlighted, sorting, links, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.messaging.services import message_record, message_send
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
LATER = msk(2026, 3, 11, 12, 0)


def _answered(client, by, minute, *, after):
    message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 11, minute),
        text="Добрый день, есть вопрос",
        at=msk(2026, 3, 10, 11, minute),
    )
    message_send(client=client, text="Ответ", by=by, at=msk(2026, 3, 10, 11, minute + after))


@pytest.fixture
def people(db):
    return {
        "olga": UserFactory(username="olga", first_name="Olga", last_name="P"),
        "ivan": UserFactory(username="ivan", first_name="Ivan", last_name="S"),
        "anna": UserFactory(username="anna", role="specialist"),
    }


@pytest.fixture
def clients(people):
    fast = ClientFactory(name="Fast Shop", account_manager=people["olga"])
    slow = ClientFactory(
        name="Slow Bank", account_manager=people["ivan"], first_response_minutes=15
    )
    secret = ClientFactory(name="Secret Fund", confidential=True, account_manager=people["olga"])
    _answered(fast, people["olga"], 0, after=3)
    _answered(slow, people["ivan"], 0, after=40)  # missed its 15 minutes
    _answered(secret, people["olga"], 30, after=2)
    return {"fast": fast, "slow": slow, "secret": secret}


def _page(http, **params) -> str:
    with time_machine.travel(LATER, tick=False):
        response = http.get(reverse("insights:responses"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_targets_are_shown_misses_highlighted_and_clients_linked(client, people, clients):
    client.force_login(people["ivan"])
    html = _page(client)
    table = html.split('data-testid="responses-clients"', 1)[1].split("</table>", 1)[0]
    slow = table.split('<tr class="miss">', 1)[1].split("</tr>", 1)[0]
    assert "Slow Bank" in slow and '<td class="num">15</td>' in slow
    assert '<span class="badge sev-overdue">0%</span>' in slow
    assert f'href="{reverse("clients:detail", args=[clients["slow"].pk])}"' in slow
    fast = table.split("Fast Shop", 1)[1].split("</tr>", 1)[0]
    assert "sev-overdue" not in fast and "100%" in fast
    assert "Secret Fund" not in html  # ivan is not on its team


def test_rows_are_sorted_by_the_chosen_column(client, people, clients):
    client.force_login(people["olga"])
    by_name = _page(client)
    assert by_name.index("Fast Shop") < by_name.index("Secret Fund") < by_name.index("Slow Bank")
    worst = _page(client, sort="within")
    assert worst.index("Slow Bank") < worst.index("Fast Shop")
    slowest = _page(client, sort="median")
    assert slowest.index("Slow Bank") < slowest.index("Fast Shop")
    # An unknown order is the default one, not an error.
    fallback = _page(client, sort="../../etc")
    assert 'value="name" selected' in fallback
    assert fallback.index("Fast Shop") < fallback.index("Secret Fund") < fallback.index("Slow Bank")


def test_the_csv_has_the_visible_clients_and_never_a_confidential_one(client, people, clients):
    client.force_login(people["olga"])  # on the confidential client's team: sees it on the page
    assert "Secret Fund" in _page(client)
    with time_machine.travel(LATER, tick=False):
        response = client.get(reverse("insights:responses_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Per", "Name", "Target, min"]
    by_name = {row[1]: row for row in rows[1:]}
    assert "Secret Fund" not in by_name
    assert by_name["Slow Bank"] == ["client", "Slow Bank", "15", "1", "40.0", "0", "1"]
    assert by_name["Fast Shop"][5] == "100"
    # Olga's figures in the export leave the confidential client's reply out as well.
    assert by_name["Olga P"][3] == "1"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client, people):
    tricky = ClientFactory(name='=HYPERLINK("http://x")', account_manager=people["olga"])
    _answered(tricky, people["olga"], 0, after=3)
    client.force_login(people["olga"])
    with time_machine.travel(LATER, tick=False):
        content = client.get(reverse("insights:responses_csv")).content.decode()
    assert "'=HYPERLINK" in content


def test_the_page_and_the_export_read_in_a_fixed_number_of_queries(
    client, people, clients, django_assert_max_num_queries
):
    client.force_login(people["olga"])
    for n in range(5):
        _answered(
            ClientFactory(name=f"Extra {n}", account_manager=people["olga"]),
            people["olga"],
            n,
            after=2,
        )
    with django_assert_max_num_queries(12):
        _page(client)
    with time_machine.travel(LATER, tick=False), django_assert_max_num_queries(6):
        client.get(reverse("insights:responses_csv"))
