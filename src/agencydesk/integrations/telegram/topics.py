"""Forum topics of a client's group: the standard ones, what a topic's name stands for, creating them.

Apart from :mod:`.services` so that the task creating topics, which services
enqueue, needs nothing of what enqueues it.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from agencydesk.integrations.telegram.choices import NoticeKind
from agencydesk.integrations.telegram.client import ApiError, TelegramClient
from agencydesk.integrations.telegram.models import TelegramChat, TelegramTopic
from agencydesk.integrations.telegram.notices import notice_queue
from agencydesk.messaging.choices import Topic

if TYPE_CHECKING:
    from agencydesk.clients.models import Client

logger = logging.getLogger(__name__)

# What people call the standard topics in the agency's languages (lower case).
TOPIC_NAMES = {
    Topic.GENERAL: ("general", "общий", "общий чат", "загальний", "общо", "общи"),
    Topic.DESIGN: ("design", "дизайн"),
    Topic.TEXTS: ("texts", "тексты", "тексти", "текстове"),
    Topic.DOCUMENTS: ("documents", "документы", "документи"),
    Topic.IDEAS: (
        "ideas & requests",
        "ideas and requests",
        "идеи и запросы",
        "ідеї та запити",
        "ідеї і запити",
        "идеи и заявки",
    ),
}
STANDARD_TOPICS = [Topic.DESIGN, Topic.TEXTS, Topic.DOCUMENTS, Topic.GENERAL, Topic.IDEAS]


@functools.cache
def _known_topic_names() -> dict[str, str]:
    """Every name of a standard topic: the usual ones, and its label in each interface language."""
    from django.conf import settings

    names = {name: str(topic) for topic, variants in TOPIC_NAMES.items() for name in variants}
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            for topic in STANDARD_TOPICS:
                names.setdefault(str(topic.label).lower(), str(topic))
    return names


def standard_topic(name: str) -> str:
    """The standard conversation topic a forum topic's name stands for, or ""."""
    return _known_topic_names().get(" ".join(name.lower().split()), "")


def topic_of(chat: TelegramChat, thread_id: int | None) -> str:
    if not chat.is_forum:
        return ""
    if not thread_id:
        return str(Topic.GENERAL)  # the General topic of a forum has no thread id
    row = TelegramTopic.objects.filter(chat=chat, thread_id=thread_id).first()
    if row is None:
        return ""
    return row.topic or row.name[:60]


def topic_record(*, chat: TelegramChat, thread_id: int, name: str | None) -> TelegramTopic:
    name = (name or "")[:128]
    topic, created = TelegramTopic.objects.get_or_create(
        chat=chat, thread_id=thread_id, defaults={"name": name, "topic": standard_topic(name)}
    )
    if not created and name and topic.name != name:
        topic.name, topic.topic = name, standard_topic(name)
        topic.save(update_fields=["name", "topic"])
    if not chat.is_forum:
        TelegramChat.objects.filter(pk=chat.pk).update(is_forum=True)
        chat.is_forum = True
    return topic


def topic_names(client: Client) -> list[tuple[str, str]]:
    """The standard topics in the client's language: ``[(topic, name), …]``."""
    with translation.override(client.language):
        return [(str(topic), str(topic.label)) for topic in STANDARD_TOPICS]


@task()
def topics_create(chat_pk: int) -> int:
    """Create the standard forum topics the group lacks; say in the group what happened."""
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
