"""What the reliability tests run in separate processes (``agencydesk manage shell -c``).

The test process holds the fake Bot API; these functions seed the database,
drain the outbox as a worker would, and print what the database holds as JSON.
"""

from __future__ import annotations

import json
import random
import time

from django.db import transaction
from django.utils import timezone

GROUPS = 20
OUT_CHATS = 50  # half groups, half private chats
OUT_PER_CHAT = 10


def group_chat_id(n: int) -> int:
    return -1_000_000_000 - n


def seed_inbound() -> None:
    """Twenty clients, each with a linked forum group."""
    from agencydesk.clients.models import Client
    from agencydesk.integrations.telegram.models import TelegramChat

    now = timezone.now()
    with transaction.atomic():
        for n in range(GROUPS):
            client = Client.objects.create(
                name=f"Group client {n}", created_at=now, updated_at=now, crisis_mode=True
            )
            TelegramChat.objects.create(
                chat_id=group_chat_id(n),
                type="supergroup",
                title=f"Group {n}",
                is_forum=True,
                client=client,
                first_seen_at=now,
                linked_at=now,
            )


def seed_outbound() -> None:
    """Fifty linked chats and ten replies queued for each: 500 outbox rows, no task enqueued."""
    from agencydesk.clients.models import Client
    from agencydesk.integrations.telegram.models import TelegramChat
    from agencydesk.messaging.choices import Direction, OutboxState
    from agencydesk.messaging.models import Conversation, Message, OutboundMessage

    now = timezone.now()
    with transaction.atomic():
        for n in range(OUT_CHATS):
            client = Client.objects.create(
                name=f"Out client {n}", created_at=now, updated_at=now, crisis_mode=True
            )
            is_group = n % 2 == 0
            chat_id = group_chat_id(100 + n) if is_group else 700_000 + n
            TelegramChat.objects.create(
                chat_id=chat_id,
                type="supergroup" if is_group else "private",
                title=f"Out {n}",
                is_forum=is_group,
                client=client,
                first_seen_at=now,
            )
            key = f"{chat_id}:5" if is_group else str(chat_id)
            conversation = Conversation.objects.create(
                client=client, channel="telegram", external_key=key, created_at=now
            )
            for i in range(OUT_PER_CHAT):
                message = Message.objects.create(
                    conversation=conversation,
                    client=client,
                    channel="telegram",
                    direction=Direction.OUT,
                    sent_at=now,
                    text=f"m{n * OUT_PER_CHAT + i}",
                    created_at=now,
                )
                OutboundMessage.objects.create(
                    message=message,
                    client=client,
                    channel="telegram",
                    state=OutboxState.QUEUED,
                    send_after=now,
                    created_at=now,
                    enqueued_at=now,
                )


def drain(seconds: float = 150.0) -> None:
    """A worker: send due outbox rows until none is left to send."""
    from agencydesk.messaging.choices import OutboxState
    from agencydesk.messaging.models import OutboundMessage
    from agencydesk.messaging.tasks import outbox_send

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = list(
            OutboundMessage.objects.filter(
                state=OutboxState.QUEUED, send_after__lte=timezone.now()
            ).values_list("pk", "message__conversation_id")
        )
        # Like a queue with many chats in it: the next message of each chat, in any order.
        due = list({conversation: pk for pk, conversation in reversed(rows)}.values())
        if not due:
            if not OutboundMessage.objects.filter(
                state__in=[OutboxState.QUEUED, OutboxState.SENDING]
            ).exists():
                return
            time.sleep(0.2)
            continue
        random.shuffle(due)
        for pk in due[:10]:
            outbox_send.call(pk)


def report() -> None:
    from django.db.models import Count

    from agencydesk.integrations.telegram.models import TelegramUpdate
    from agencydesk.messaging.models import Message, OutboundMessage

    telegram = Message.objects.filter(channel="telegram", direction="in")
    print(
        "REPORT "
        + json.dumps(
            {
                "updates": TelegramUpdate.objects.count(),
                "updates_done": TelegramUpdate.objects.filter(state="done").count(),
                "messages": telegram.count(),
                "distinct_external_ids": telegram.values("external_id").distinct().count(),
                "outbox": dict(
                    OutboundMessage.objects.values_list("state").annotate(n=Count("pk"))
                ),
                "outbox_errors": sorted(
                    set(
                        OutboundMessage.objects.filter(state="failed").values_list(
                            "last_error", flat=True
                        )
                    )
                ),
            }
        )
    )
