"""Confidential clients stay with their team: statistics, Today and a change of account manager."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.services import client_update
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.insights.selectors import attention_items, response_stats
from agencydesk.messaging.services import message_record, message_send
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
NOW = msk(2026, 3, 10, 12, 0)


@pytest.fixture
def people(db):
    return {
        "olga": UserFactory(username="olga", role="account_manager"),
        "ivan": UserFactory(username="ivan", role="account_manager"),
        "maria": UserFactory(username="maria", role="account_manager"),
        "anna": UserFactory(username="anna", role="specialist"),
        "boss": UserFactory(username="boss", role="director"),
    }


def _answered(client, by, minute):
    message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 11, minute),
        text="Добрый день",
        at=msk(2026, 3, 10, 11, minute),
    )
    message_send(client=client, text="Ответ", by=by, at=msk(2026, 3, 10, 11, minute + 3))


@pytest.fixture
def clients(people):
    secret = ClientFactory(name="Secret Bank", confidential=True, account_manager=people["olga"])
    open_client = ClientFactory(name="Open Shop", account_manager=people["ivan"])
    _answered(secret, people["olga"], 0)
    _answered(open_client, people["ivan"], 10)
    return {"secret": secret, "open": open_client}


def test_response_statistics_leave_out_clients_the_viewer_cannot_see(people, clients):
    later = msk(2026, 3, 11, 12, 0)
    outsider = response_stats(user=people["anna"], now=later)
    assert [row.label for row in outsider["clients"]] == ["Open Shop"]
    assert sum(row.count for row in outsider["owners"]) == 1
    assert {row.label for row in response_stats(user=people["olga"], now=later)["clients"]} == {
        "Open Shop",
        "Secret Bank",
    }
    assert len(response_stats(user=people["boss"], now=later)["clients"]) == 2


def test_the_responsiveness_page_does_not_name_a_confidential_client(client, people, clients):
    client.force_login(people["maria"])
    with time_machine.travel(msk(2026, 3, 11, 12, 0), tick=False):
        page = client.get(reverse("insights:responses")).content.decode()
    assert "Open Shop" in page and "Secret Bank" not in page


@pytest.fixture
def waiting(people):
    """A confidential client with an unanswered question: olga runs it, ivan backs her up."""
    secret = ClientFactory(
        name="Secret Bank",
        confidential=True,
        account_manager=people["olga"],
        backup_manager=people["ivan"],
    )
    message_record(
        client=secret,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 11, 0),
        text="Когда выходит пресс-релиз о сделке?",
        at=msk(2026, 3, 10, 11, 0),
    )
    return secret


def _owners(client):
    return sorted(
        (kind, owner) for kind, owner in client.commitments.values_list("kind", "owner__username")
    )


def test_a_new_account_manager_takes_over_the_open_commitments(people, waiting):
    client_update(client=waiting, by=people["boss"], at=NOW, account_manager="maria")

    assert _owners(waiting) == [("first_response", "maria"), ("question", "maria")]
    assert attention_items(user=people["olga"], now=NOW) == []
    assert {i.client_name for i in attention_items(user=people["maria"], now=NOW)} == {
        "Secret Bank"
    }
    moves = AuditLog.objects.filter(action="commitment.reassign")
    assert moves.count() == 2
    assert {tuple(m.changes["owner"]) for m in moves} == {(people["olga"].pk, people["maria"].pk)}
    assert {m.actor for m in moves} == {people["boss"]}


def test_the_old_manager_no_longer_sees_the_client_in_the_api_attention(
    api, people, waiting, client
):
    http = api(people["boss"])
    answer = http.patch(
        f"/api/v1/clients/{waiting.pk}",
        {"account_manager": "maria"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    with time_machine.travel(NOW, tick=False):
        mine = api(people["olga"]).get("/api/v1/attention").json()
    assert mine["items"] == []
    assert api(people["olga"]).get(f"/api/v1/clients/{waiting.pk}").status_code == 404


def test_the_web_form_hands_over_too(client, people, waiting):
    from agencydesk.clients.selectors import client_detail

    client.force_login(people["boss"])
    form = client.get(reverse("clients:edit", args=[waiting.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "team"}
    data.update(account_manager=people["maria"].pk, backup_manager=people["ivan"].pk)
    for key, value in list(data.items()):
        if isinstance(value, bool) and not value:
            data.pop(key)
    answer = client.post(reverse("clients:edit", args=[waiting.pk]), data)
    assert answer.status_code == 302, answer.context["form"].errors if answer.context else ""
    assert client_detail(user=people["boss"], pk=waiting.pk).account_manager == people["maria"]
    assert set(Commitment.objects.values_list("owner__username", flat=True)) == {"maria"}


def test_an_escalation_held_by_the_old_backup_goes_to_the_new_backup(people, waiting):
    question = waiting.commitments.get(kind="question")
    Commitment.objects.filter(pk=question.pk).update(owner=people["ivan"], escalation=1)

    client_update(client=waiting, by=people["boss"], at=NOW, backup_manager="maria")

    assert _owners(waiting) == [("first_response", "olga"), ("question", "maria")]


def test_swapping_manager_and_backup_swaps_what_they_own(people, waiting):
    question = waiting.commitments.get(kind="question")
    Commitment.objects.filter(pk=question.pk).update(owner=people["ivan"], escalation=1)

    client_update(
        client=waiting, by=people["boss"], at=NOW, account_manager="ivan", backup_manager="olga"
    )

    assert _owners(waiting) == [("first_response", "ivan"), ("question", "olga")]


def test_a_director_holding_an_escalation_keeps_it(people, waiting):
    question = waiting.commitments.get(kind="question")
    Commitment.objects.filter(pk=question.pk).update(owner=people["boss"], escalation=2)

    client_update(client=waiting, by=people["boss"], at=NOW, account_manager="maria")

    assert _owners(waiting) == [("first_response", "maria"), ("question", "boss")]


def test_met_commitments_keep_the_person_who_met_them(people, clients):
    secret = clients["secret"]
    client_update(client=secret, by=people["boss"], at=NOW, account_manager="maria")
    met = secret.commitments.get(kind="first_response")
    assert met.state == "met" and met.owner == people["olga"]
