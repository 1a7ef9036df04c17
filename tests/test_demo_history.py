"""The demo's history is history: acknowledgements went out at their own moment, in the form of
address of the contact they greet, and nothing of the past is left to send when the demo starts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.demo import REGIONS, address_form_of
from agencydesk.demo_messages import demo_conversations
from agencydesk.messaging.choices import OutboxState
from agencydesk.messaging.models import Message, OutboundMessage

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 12, 13, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # a Thursday


def test_a_first_name_alone_is_informal_a_patronymic_or_a_title_formal():
    assert address_form_of("Алексей Викторович") == "formal"
    assert address_form_of("пане Андрію") == "formal"
    assert address_form_of("г-н Димитров") == "formal"
    assert address_form_of("Ms Hughes") == "formal"
    assert address_form_of("Екатерина") == "informal"
    assert address_form_of("Тарасе") == "informal"
    # Every demo contact gets one of the two.
    assert {address_form_of(a) for r in REGIONS for _n, a in r.people} == {"formal", "informal"}


@pytest.fixture
def played():
    am = UserFactory(username="olga", role="account_manager")
    clients = []
    for index, (name, address_as) in enumerate(
        [("Алексей Громов", "Алексей Викторович"), ("Дмитрий Соколов", "Дмитрий")] * 3
    ):
        form = address_form_of(address_as)
        client = ClientFactory(
            name=f"Demo {index}", language="ru", account_manager=am, address_form=form
        )
        ContactFactory(
            client=client,
            name=name,
            address_as=address_as,
            address_form=form,
            telegram_username=f"demo{index}",
        )
        clients.append(client)
    with time_machine.travel(NOW, tick=False):
        made = demo_conversations(clients=clients, now=NOW)
    assert made > 20
    return clients


def test_nothing_of_the_past_is_left_to_send_or_to_act_on_at_start(played):
    assert not OutboundMessage.objects.filter(
        state__in=[OutboxState.QUEUED, OutboxState.HELD], send_after__lte=NOW
    ).exists()
    assert not Commitment.objects.filter(state__in=ACTIVE_STATES, action_at__lte=NOW).exists()


def test_each_acknowledgement_went_out_at_its_own_moment_not_at_the_demo_start(played):
    automatic = set(Message.objects.filter(automatic=True).values_list("pk", flat=True))
    assert automatic, "the demo has acknowledgements"
    acknowledged = Commitment.objects.filter(kind="first_response", met_by_id__in=automatic)
    assert acknowledged.exists()
    late = [
        (c.start_at, c.met_at, c.response_minutes) for c in acknowledged if c.response_minutes > 10
    ]
    assert late == []


def test_acknowledgements_greet_as_the_contact_is_addressed(played):
    for message in Message.objects.filter(automatic=True).select_related("client"):
        if "Викторович" in message.text:
            assert "привет" not in message.text.lower(), message.text
        if message.text.startswith("Дмитрий,"):
            assert "привет" in message.text.lower(), message.text
