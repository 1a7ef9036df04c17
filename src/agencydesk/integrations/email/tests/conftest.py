from __future__ import annotations

from collections.abc import Iterator

import pytest

from agencydesk.integrations.email import testing


def _require(condition: bool, reason: str) -> None:
    from conftest import require as suite_require  # the suite's policy: under CI=true, fail

    suite_require(condition, reason)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[testing.Dovecot]:
    """One throw-away Dovecot for the session (127.0.0.1, free port, temp folder)."""
    _require(testing.dovecot_available(), "Dovecot (dovecot-imapd from Debian) is not installed")
    server = testing.dovecot_start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dovecot(dovecot_server) -> testing.Dovecot:
    """The Dovecot with an empty INBOX."""
    conn = dovecot_server.imap()
    try:
        _typ, count = conn.select("INBOX")
        if int(count[0] or 0):
            conn.store("1:*", "+FLAGS", "\\Deleted")
            conn.expunge()
    finally:
        conn.logout()
    return dovecot_server


@pytest.fixture
def smtp() -> Iterator[testing.SmtpSink]:
    sink = testing.smtp_start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def mailbox(db, dovecot, smtp):
    from django.utils import timezone

    from agencydesk.integrations.email.services import mailbox_save

    return mailbox_save(
        mailbox=None,
        values={
            "name": "Team A",
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "username": dovecot.user,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_security": "none",
            "from_address": "desk@agency.test",
        },
        password=dovecot.password,
        at=timezone.now(),
    )


@pytest.fixture
def client_acme(db, am):
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

    client = ClientFactory(
        name="Acme", language="ru", account_manager=am, crisis_mode=True, preferred_channel="email"
    )
    ContactFactory(client=client, name="Алексей Громов", email="gromov@acme.test")
    return client


@pytest.fixture
def plain_mailbox(db):
    """A mailbox whose servers are never called (mail is stored directly)."""
    from django.utils import timezone

    from agencydesk.integrations.email.services import mailbox_save

    return mailbox_save(
        mailbox=None,
        values={
            "name": "Offline",
            "imap_host": "127.0.0.1",
            "imap_port": 1,
            "imap_security": "none",
            "username": "u",
            "smtp_host": "127.0.0.1",
            "smtp_port": 1,
            "smtp_security": "none",
            "from_address": "desk@agency.test",
        },
        password="pw-not-used",
        at=timezone.now(),
    )
