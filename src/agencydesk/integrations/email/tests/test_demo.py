"""The e-mail demo goes through the real reading path: threads, a folded quote, a timer, triage."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencydesk.integrations.email.choices import Classification, InboundState
from agencydesk.integrations.email.demo import DEMO_MAILBOX, demo_email
from agencydesk.integrations.email.models import InboundEmail, Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_clients(am):
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

    am.email, am.first_name, am.last_name = "olga@agency.example", "Ольга", "Смирнова"
    am.save()
    clients = []
    for n in range(4):
        client = ClientFactory(
            name=f"Почта {n}", language="ru", account_manager=am, preferred_channel="email"
        )
        ContactFactory(client=client, name=f"Иван {n}", email=f"ivan{n}@client{n}.example")
        clients.append(client)
    return clients


def test_the_demo_mail_is_stored_once_through_the_poller_path(email_clients, am):
    from agencydesk.commitments.models import Commitment
    from agencydesk.messaging.models import Message

    now = timezone.now()
    # 3 threads of 4 mails, an out-of-office and a newsletter, one unknown sender.
    assert demo_email(now=now) == 3 * 4 + 2 + 1
    assert demo_email(now=now) == 0
    mailbox = Mailbox.objects.get(name=DEMO_MAILBOX)
    assert not mailbox.is_active  # never polled, sends are logged
    first = email_clients[0]
    messages = list(Message.objects.filter(client=first, channel="email").order_by("sent_at"))
    assert len(messages) == 4
    assert len({m.conversation_id for m in messages}) == 1  # the staff reply joined the thread
    assert [m.direction for m in messages] == ["in", "out", "in", "in"]
    assert messages[1].author_user == am
    assert messages[2].text == "Спасибо, согласовано. Публикуем в четверг."  # the quote folded
    # The client's answer waits for the account manager, and so does the question after it.
    opened = set(
        Commitment.objects.filter(client=first, state="open").values_list("kind", "subject_id")
    )
    assert {("first_response", messages[2].pk), ("question", messages[3].pk)} <= opened
    automatic = InboundEmail.objects.filter(client=email_clients[3])
    assert set(automatic.values_list("classification", flat=True)) == {
        Classification.OUT_OF_OFFICE,
        Classification.BULK,
    }
    assert automatic.get(classification=Classification.OUT_OF_OFFICE).return_date is not None
    assert not Commitment.objects.filter(client=email_clients[3], kind="first_response").exists()
    unknown = InboundEmail.objects.get(state=InboundState.UNKNOWN)
    assert unknown.from_address == "marina@newbrand.example"
