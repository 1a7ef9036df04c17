from __future__ import annotations

from collections.abc import Iterator

import pytest

from agencydesk.integrations.telegram.testing import FakeBotApi


@pytest.fixture
def fake_api(settings) -> Iterator[FakeBotApi]:
    """The fake Bot API on 127.0.0.1, and the settings pointing the connector at it."""
    server = FakeBotApi().start()
    settings.TELEGRAM_BOT_TOKEN = server.token
    settings.TELEGRAM_API_URL = server.url
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret-webhook"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_acme(db, am):
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

    client = ClientFactory(name="Acme", language="ru", account_manager=am, crisis_mode=True)
    ContactFactory(client=client, name="Алексей Громов", telegram_username="gromov")
    return client


@pytest.fixture
def process(django_capture_on_commit_callbacks):
    """Store payloads as the poller or the webhook would, then process them; on-commit work runs."""
    from django.utils import timezone

    from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store

    def run(*payloads):
        with django_capture_on_commit_callbacks(execute=True):
            updates_store(payloads=list(payloads), at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            return updates_process_all(at=timezone.now())

    return run


GROUP = -1001234


@pytest.fixture
def linked_group(db, client_acme):
    """The client's forum group, already linked (as ``/link CODE`` would have left it)."""
    from django.utils import timezone

    from agencydesk.integrations.telegram.models import TelegramChat

    return TelegramChat.objects.create(
        chat_id=GROUP,
        type="supergroup",
        title="Acme × Agency",
        is_forum=True,
        client=client_acme,
        first_seen_at=timezone.now(),
        linked_at=timezone.now(),
    )
