"""Who may record a message through the API, and what a repeated id may reveal or suppress."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
from agencydesk.commitments.models import Commitment
from agencydesk.messaging.models import Message

pytestmark = pytest.mark.django_db

GROUP = -1009876


def post(http, **body):
    return http.post("/api/v1/messages", body, content_type="application/json")


def body(client, **extra):
    return {
        "client": client.pk,
        "channel": "telegram",
        "direction": "in",
        "sent_at": "2026-03-10T10:00:00+03:00",
        "text": "Секретный запуск в пятницу",
        "external_id": f"{GROUP}:1",
        **extra,
    }


@pytest.fixture
def secret(team):
    """A confidential client of another account manager."""
    other = UserFactory(username="maria", role="account_manager")
    return ClientFactory(name="Secret Bank", confidential=True, account_manager=other)


def test_a_repeated_id_of_a_client_you_cannot_see_reveals_nothing(api, acme, secret, team):
    director = api(team["director"])
    assert post(director, **body(secret)).status_code == 201
    ContactFactory(client=secret, name="Тайный контакт", telegram_username="secretbank")

    answer = post(api(team["am"]), **body(acme))

    # A new message of the caller's own client, not the other client's record.
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["client"] == acme.pk
    assert "Секретный" in data["text"]  # the caller's own text, as sent
    assert Message.objects.filter(client=secret).count() == 1
    assert Message.objects.filter(client=acme).count() == 1
    assert data["id"] != Message.objects.get(client=secret).pk


def test_a_repeated_id_of_the_same_client_still_returns_the_first_record(api, acme, team):
    http = api(team["am"])
    first = post(http, **body(acme))
    again = post(http, **body(acme, text="другой текст"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["text"] == first.json()["text"]


def test_an_id_written_through_the_api_never_suppresses_the_telegram_connector(
    api, acme, team, settings, django_capture_on_commit_callbacks
):
    from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store
    from agencydesk.integrations.telegram.models import TelegramChat
    from agencydesk.integrations.telegram.testing import group_message

    now = timezone.now()
    settings.TELEGRAM_BOT_TOKEN = ""
    TelegramChat.objects.create(
        chat_id=GROUP, type="supergroup", title="Acme", client=acme, first_seen_at=now
    )
    # Someone with API access takes the id the connector will use, first.
    forged = post(api(team["am"]), **body(acme, text="подделка"))
    assert forged.status_code == 201

    with django_capture_on_commit_callbacks(execute=True):
        updates_store(
            payloads=[
                group_message(update_id=1, chat_id=GROUP, message_id=1, text="Настоящее сообщение")
            ],
            at=now,
        )
    with django_capture_on_commit_callbacks(execute=True):
        updates_process_all(at=now)

    texts = set(Message.objects.filter(client=acme).values_list("text", "source"))
    assert texts == {("подделка", "api"), ("Настоящее сообщение", "telegram")}


@pytest.mark.parametrize("role", ["specialist", "finance", "other_am"])
def test_recording_a_message_needs_the_right_to_write_to_the_client(api, acme, team, role):
    user = (
        UserFactory(username="kate", role="account_manager")
        if role == "other_am"
        else UserFactory(username=role, role=role)
    )
    acme.team.add(user)  # even on the client's team: seeing is not writing
    answer = post(api(user), **body(acme, direction="out", text="Готово"))
    assert answer.status_code == 403, answer.content
    assert Message.objects.count() == 0
    assert not Commitment.objects.exists()


def test_an_outbound_message_from_a_reader_does_not_close_the_reply_timer(api, acme, team):
    assert post(api(team["am"]), **body(acme)).status_code == 201
    reader = UserFactory(username="anna", role="specialist")
    answer = post(api(reader), **body(acme, direction="out", external_id=None, text="ок"))
    assert answer.status_code == 403
    assert Commitment.objects.get(kind="first_response").state == "open"


def test_the_backup_manager_and_directors_may_record(api, acme, team):
    for n, user in enumerate([team["backup"], team["director"]]):
        answer = post(api(user), **body(acme, external_id=f"x-{n}"))
        assert answer.status_code == 201, answer.content


def test_a_hidden_contact_answers_exactly_like_a_missing_one(api, secret, team):
    contact = ContactFactory(client=secret, name="Тайный контакт")
    http = api(team["am"])
    missing_id = contact.pk + 1000
    for method, suffix, payload in [
        ("get", "", None),
        ("patch", "", {"name": "x"}),
        ("delete", "", None),
    ]:
        hidden = getattr(http, method)(
            f"/api/v1/contacts/{contact.pk}{suffix}", payload, content_type="application/json"
        )
        missing = getattr(http, method)(
            f"/api/v1/contacts/{missing_id}{suffix}", payload, content_type="application/json"
        )
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == {"detail": f"no contact {contact.pk}"}
        assert missing.json() == {"detail": f"no contact {missing_id}"}
