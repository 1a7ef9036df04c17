"""Demo data of the connector: a few clients' groups with forum topics, one chat nobody assigned,
someone joining a group (a timeline event) and a group that removed the bot (a Today item)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from agencydesk.clients.models import Client
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store
from agencydesk.integrations.telegram.models import TelegramChat, TelegramTopic, TelegramUpdate
from agencydesk.integrations.telegram.topics import topic_names

DEMO_CHAT_BASE = -1_009_000_000_000
UNLINKED_CHAT = DEMO_CHAT_BASE - 999


DEMO_BOT = {"id": 100_000_001, "is_bot": True, "first_name": "AgencyDesk", "username": "desk_bot"}


@transaction.atomic
def demo_telegram(*, now: datetime, groups: int = 4) -> int:
    """Link ``groups`` active Telegram-first clients to a forum group; returns the chats made.

    One more such client's group, when there is one, has removed the bot: it goes
    through the real update processing, so its account manager sees it in Today.
    """
    made = 0
    clients = list(
        Client.objects.filter(status="active", preferred_channel="telegram").order_by("pk")[
            : groups + 1
        ]
    )
    happenings: list[dict] = []
    for n, client in enumerate(clients):
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
        if n == 0:
            happenings.append(_joined(chat, update_id=9_100_001, at=now - timedelta(days=2)))
        elif n == groups:
            happenings.append(_removed(chat, update_id=9_100_002, at=now - timedelta(hours=3)))
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
    if happenings:
        updates_store(payloads=happenings, at=now)
        updates_process_all(at=now)
    return made


def _chat_data(chat: TelegramChat) -> dict:
    return {"id": chat.chat_id, "type": chat.type, "title": chat.title, "is_forum": chat.is_forum}


def _joined(chat: TelegramChat, *, update_id: int, at: datetime) -> dict:
    """A new member of the client's team joins its group: a line on the timeline, no timer."""
    newcomer = {"id": 777_100, "is_bot": False, "first_name": "Ирина", "last_name": "Соколова"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900,
            "date": int(at.timestamp()),
            "chat": _chat_data(chat),
            "from": newcomer,
            "new_chat_members": [newcomer],
        },
    }


def _removed(chat: TelegramChat, *, update_id: int, at: datetime) -> dict:
    """The client's group removed the bot: the chat is disconnected and its AM must know."""
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": _chat_data(chat),
            "from": {"id": 777_200, "is_bot": False, "first_name": "Oleg"},
            "date": int(at.timestamp()),
            "old_chat_member": {"user": DEMO_BOT, "status": "administrator"},
            "new_chat_member": {"user": DEMO_BOT, "status": "kicked", "until_date": 0},
        },
    }
