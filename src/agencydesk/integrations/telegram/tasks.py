"""Tasks of the connector: process stored updates, create topics, send the bot's own notices."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from agencydesk.core.queues import URGENT
from agencydesk.core.workers import rerun_when_abandoned
from agencydesk.integrations.telegram.choices import NoticeKind, UpdateState
from agencydesk.integrations.telegram.client import ApiError, TelegramClient
from agencydesk.integrations.telegram.models import (
    TelegramChat,
    TelegramNotice,
    TelegramTopic,
    TelegramUpdate,
)
from agencydesk.outbox.services import outbox_deliver

logger = logging.getLogger(__name__)
# An update stored this long ago and still new lost its task (the process died
# between the commit and the enqueue, or the worker with it): the clock takes it.
UPDATE_GRACE = timedelta(seconds=30)


@rerun_when_abandoned
@task(queue_name=URGENT)
def updates_process_task() -> int:
    """Process what the webhook stored; then send what is due."""
    from agencydesk.integrations.telegram.alerts import telegram_tick
    from agencydesk.integrations.telegram.inbound import updates_process_all

    processed = updates_process_all(at=timezone.now())
    telegram_tick(now=timezone.now())
    return processed


def updates_stale_process(*, now) -> dict[str, int]:
    """Process the updates no task took in time, without waiting for the next one to arrive."""
    from agencydesk.integrations.telegram.inbound import updates_process_all

    stale = TelegramUpdate.objects.filter(
        state=UpdateState.NEW, received_at__lte=now - UPDATE_GRACE
    ).exists()
    # Through the same processing turn as the task: two clocks never process at once.
    return {"stale_updates": updates_process_all(at=now) if stale else 0}


@task()
def topics_create(chat_pk: int) -> int:
    """Create the standard forum topics the group lacks; say in the group what happened."""
    from agencydesk.integrations.telegram.services import notice_queue, topic_names, topic_record

    chat = TelegramChat.objects.select_related("client").filter(pk=chat_pk).first()
    if chat is None or chat.client is None:
        return 0
    have = {t.topic for t in TelegramTopic.objects.filter(chat=chat)}
    api = TelegramClient()
    created = 0
    now = timezone.now()
    for topic, name in topic_names(chat.client):
        if topic in have:
            continue
        try:
            result = api.create_forum_topic(chat_id=chat.chat_id, name=name)
        except ApiError as exc:
            logger.warning("createForumTopic in %s: %s", chat.chat_id, exc)
            with transaction.atomic():
                notice_queue(
                    kind=NoticeKind.CONFIRMATION,
                    key=f"topics-denied:{chat.chat_id}:{now.timestamp()}",
                    chat_id=chat.chat_id,
                    text=_(
                        "I may not create topics here: make me an administrator who "
                        "manages topics, then send /topics again."
                    ),
                    at=now,
                )
            return created
        topic_record(chat=chat, thread_id=int(result["message_thread_id"]), name=name)
        created += 1
    return created


@task(queue_name=URGENT)
def notice_send(notice_id: int) -> str:
    """Send one bot notice when it is due: a thin task over the one outbox's state machine."""
    return outbox_deliver(model=TelegramNotice, pk=notice_id, now=timezone.now())
