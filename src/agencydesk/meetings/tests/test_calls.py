"""A logged call gets a drafted written confirmation that the account manager edits and sends."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client as WebClient

from agencydesk.meetings import calls, services
from agencydesk.messaging.models import OutboundMessage
from agencydesk.messaging.services import message_record

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 3, 12, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def call(acme):
    return message_record(
        client=acme,
        channel="phone",
        direction="in",
        sent_at=msk(2026, 3, 3, 11, 0),
        text="Запуск переносим на 20 марта\n- бюджет без изменений\n",
        at=NOW,
        needs_response=False,
    ).message


def web(user) -> WebClient:
    client = WebClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_draft_lists_agreements_owners_and_dates_in_the_clients_language(call, team):
    draft = calls.call_confirmation_draft(
        message=call,
        actions=[
            services.ActionIn(
                text="Пресс-релиз", owner=team["writer"], due_at=msk(2026, 3, 5, 12, 0)
            )
        ],
    )
    assert draft.startswith("Алексей Викторович, ")
    assert "03.03.2026" in draft
    assert "• Запуск переносим на 20 марта" in draft and "• бюджет без изменений" in draft
    assert f"• Пресс-релиз — {team['writer'].get_full_name()}, 05.03.2026 12:00" in draft


def test_the_account_manager_edits_and_sends_it_through_the_outbox(call, team, acme):
    am = web(team["am"])
    page = am.get(f"/meetings/calls/{call.pk}/")
    assert page.status_code == 200 and "Запуск переносим на 20 марта" in page.content.decode()
    timeline = am.get(f"/clients/{acme.pk}/messages/").content.decode()
    assert f"/meetings/calls/{call.pk}/" in timeline
    sent = am.post(f"/meetings/calls/{call.pk}/", {"text": "Подтверждаем: запуск 20 марта."})
    assert sent.status_code == 302
    outbox = OutboundMessage.objects.select_related("message").get()
    assert outbox.channel == "telegram" and outbox.message.text == "Подтверждаем: запуск 20 марта."
    assert am.post(f"/meetings/calls/{call.pk}/", {"text": ""}).status_code == 200
    assert OutboundMessage.objects.count() == 1


def test_the_confirmation_goes_by_e_mail_when_asked_and_only_with_an_address(call, team, acme):
    """Seed 002: confirm every call in writing, by e-mail (messenger messages get deleted)."""
    am = web(team["am"])
    acme.contacts.update(email="")
    refused = am.post(f"/meetings/calls/{call.pk}/", {"text": "Подтверждаем.", "by_email": "on"})
    assert refused.status_code == 200 and "e-mail" in refused.content.decode().lower()
    assert not OutboundMessage.objects.exists()
    acme.contacts.update(email="gromov@acme.example")
    sent = am.post(f"/meetings/calls/{call.pk}/", {"text": "Подтверждаем.", "by_email": "on"})
    assert sent.status_code == 302
    outbox = OutboundMessage.objects.select_related("message__conversation").get()
    assert outbox.channel == "email" and outbox.message.conversation.channel == "email"


def test_only_editors_and_only_logged_calls(call, team, acme):
    assert web(team["writer"]).get(f"/meetings/calls/{call.pk}/").status_code == 403
    chat = message_record(
        client=acme, channel="telegram", direction="in", sent_at=NOW, text="Привет", at=NOW
    ).message
    assert web(team["am"]).get(f"/meetings/calls/{chat.pk}/").status_code == 404
    acme.confidential = True
    acme.save()
    assert web(team["outsider"]).get(f"/meetings/calls/{call.pk}/").status_code == 404
