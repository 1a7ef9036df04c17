"""A client with a linked Telegram group and an account manager's personal chat, on the fake Bot API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from django.utils import timezone

from agencydesk.integrations.telegram.testing import FakeBotApi

GROUP = -1001234
AM_CHAT = 9001


@pytest.fixture
def fake_api(settings) -> Iterator[FakeBotApi]:
    """The fake Bot API on 127.0.0.1, and the settings pointing the connector at it."""
    server = FakeBotApi().start()
    settings.TELEGRAM_BOT_TOKEN = server.token
    settings.TELEGRAM_API_URL = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def acme(db, am):
    """A Moscow client on the default calendar (mon-fri 09:00-18:00), its group linked to the bot."""
    from agencydesk.clients.tests.factories import ClientFactory
    from agencydesk.integrations.telegram.models import TelegramChat

    client = ClientFactory(name="Acme", language="ru", account_manager=am)
    TelegramChat.objects.create(
        chat_id=GROUP, type="supergroup", title="Acme", client=client, first_seen_at=timezone.now()
    )
    TelegramChat.objects.create(
        chat_id=AM_CHAT, type="private", title="Olga", user=am, first_seen_at=timezone.now()
    )
    return client


@pytest.fixture
def make(acme, am) -> Callable[[str, datetime], tuple]:
    """A queued row of either outbox table, and the task that delivers it; the hand-over is not run."""
    from agencydesk.integrations.telegram.choices import NoticeKind
    from agencydesk.integrations.telegram.notices import notice_queue
    from agencydesk.integrations.telegram.tasks import notice_send
    from agencydesk.messaging.services import conversation_for, message_send
    from agencydesk.messaging.tasks import outbox_send

    def build(kind: str, at: datetime) -> tuple:
        if kind == "client message":
            acme.crisis_mode = True  # no quiet hours: due at once
            acme.save(update_fields=["crisis_mode"])
            conversation = conversation_for(client=acme, channel="telegram", key=str(GROUP), at=at)
            row = message_send(
                client=acme, text="Макет будет сегодня", by=am, at=at, conversation=conversation
            )
            return row, outbox_send
        row = notice_queue(
            kind=NoticeKind.BREACH_WARNING,
            key=f"warn:{at.timestamp()}",
            chat_id=AM_CHAT,
            text="Reply to Acme within 5 minutes.",
            at=at,
            user=am,
        )
        return row, notice_send

    return build
