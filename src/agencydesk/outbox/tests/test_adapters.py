"""A new channel plugs in as one adapter (send, classify, reconcile), as the e-mail connector will."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from agencydesk.messaging.models import Delivery
from agencydesk.messaging.services import message_send
from agencydesk.messaging.tasks import outbox_send
from agencydesk.outbox import adapters
from agencydesk.outbox.adapters import Failure, MaybeDelivered, adapter_for
from agencydesk.outbox.services import outbox_tick

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


class MailboxBusy(Exception):
    """What a mail server's "421 try again in N seconds" would be in an e-mail client."""


class FakeMail:
    """An e-mail channel as the outbox sees it: three methods, nothing about states."""

    name = "email"

    def __init__(self) -> None:
        self.sent: dict[str, str] = {}  # Message-ID by idempotency key
        self.busy = 0
        self.unknown = False

    def send(self, row) -> str:
        if self.busy:
            self.busy -= 1
            raise MailboxBusy("421 busy")
        return self.sent.setdefault(str(row.idempotency_key), f"<{row.pk}@mail.test>")

    def classify(self, exc: Exception) -> Failure | None:
        if isinstance(exc, MailboxBusy):
            return Failure.temporary(str(exc), retry_after=42)
        return adapters.channel_failure(exc)

    def reconcile(self, row) -> str | None:
        if self.unknown:
            raise MaybeDelivered("the mail server hung up after DATA")
        return self.sent.get(str(row.idempotency_key))


@pytest.fixture
def mail(monkeypatch):
    channel = FakeMail()
    monkeypatch.setitem(adapters._ADAPTERS, "email", channel)
    return channel


@pytest.fixture
def client(db, am):
    from agencydesk.clients.tests.factories import ClientFactory

    return ClientFactory(name="Acme", account_manager=am, crisis_mode=True)


def test_an_email_adapter_registered_for_its_channel_delivers_instead_of_the_logged_one(
    client, am, mail
):
    with time_machine.travel(T0, tick=False):
        row = message_send(client=client, text="Hello", by=am, at=T0, channel="email")
        mail.busy = 1
        assert outbox_send.call(row.pk) == "queued"
    row.refresh_from_db()
    assert row.send_after == T0 + dt.timedelta(seconds=42) and "421" in row.last_error
    later = T0 + dt.timedelta(seconds=42)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["released"] == 1
    row.refresh_from_db()
    assert (row.state, row.external_id) == ("sent", f"<{row.pk}@mail.test>")
    assert not Delivery.objects.exists()  # the logged channel was not used
    assert mail.sent == {str(row.idempotency_key): row.external_id}


@pytest.mark.parametrize(
    ("delivered", "unknown", "state"), [(True, False, "sent"), (False, True, "failed")]
)
def test_the_adapter_settles_a_dead_workers_send(client, am, mail, delivered, unknown, state):
    with time_machine.travel(T0, tick=False):
        row = message_send(client=client, text="Hello", by=am, at=T0, channel="email")
    if delivered:
        mail.send(row)
    mail.unknown = unknown
    type(row).objects.filter(pk=row.pk).update(state="sending", claimed_at=T0, attempts=1)
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert outbox_tick(now=later)["reconciled"] == 1
    row.refresh_from_db()
    assert row.state == state and len(mail.sent) == int(delivered)
    if unknown:
        assert "hung up" in row.last_error


def test_a_channel_without_an_adapter_is_the_logged_channel():
    assert adapter_for("whatsapp").name == "logged"
    assert adapter_for("telegram").name == "telegram"
