"""Demo data of the connector: a few clients' groups with forum topics, one chat nobody assigned."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import TelegramChat, TelegramTopic, TelegramUpdate
from agencydesk.integrations.telegram.services import topic_names

DEMO_CHAT_BASE = -1_009_000_000_000
UNLINKED_CHAT = DEMO_CHAT_BASE - 999


@transaction.atomic
def demo_telegram(*, now: datetime, groups: int = 4) -> int:
    """Link ``groups`` active Telegram-first clients to a forum group; returns the chats made."""
    from agencydesk.clients.models import Client

    made = 0
    clients = Client.objects.filter(status="active", preferred_channel="telegram").order_by("pk")
    for client in clients[:groups]:
        chat, created = TelegramChat.objects.get_or_create(
            chat_id=DEMO_CHAT_BASE - client.pk,
            defaults={
                "type": "supergroup",
                "title": f"{client.name} × {client.account_manager or 'Agency'}",
                "is_forum": True,
                "client": client,
                "first_seen_at": now - timedelta(days=30),
                "linked_at": now - timedelta(days=30),
            },
        )
        if not created:
            continue
        made += 1
        for thread, (topic, name) in enumerate(topic_names(client), start=2):
            TelegramTopic.objects.create(chat=chat, thread_id=thread, name=name, topic=topic)
    unlinked, created = TelegramChat.objects.get_or_create(
        chat_id=UNLINKED_CHAT,
        defaults={
            "type": "supergroup",
            "title": "Новый проект — обсуждение",
            "first_seen_at": now - timedelta(hours=5),
        },
    )
    if created:
        made += 1
        for n, text in enumerate(
            ["Добрый день! Это чат по новому проекту.", "Когда сможем созвониться?"], start=1
        ):
            update_id = 9_000_000 + n
            TelegramUpdate.objects.get_or_create(
                update_id=update_id,
                defaults={
                    "payload": {
                        "update_id": update_id,
                        "message": {
                            "message_id": n,
                            "date": int((now - timedelta(hours=5 - n)).timestamp()),
                            "chat": {
                                "id": UNLINKED_CHAT,
                                "type": "supergroup",
                                "title": unlinked.title,
                            },
                            "from": {"id": 777_000 + n, "is_bot": False, "first_name": "Мария"},
                            "text": text,
                        },
                    },
                    "received_at": now - timedelta(hours=5 - n),
                    "chat_id": UNLINKED_CHAT,
                    "state": UpdateState.PARKED,
                    "processed_at": now - timedelta(hours=5 - n),
                },
            )
    return made
