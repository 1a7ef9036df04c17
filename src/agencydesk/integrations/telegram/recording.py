"""Recording a processed Telegram message: who wrote it, on which side, its files, its edits,
and the timeline events service messages become.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.integrations.telegram import payloads as checks
from agencydesk.integrations.telegram import rendering, services, topics
from agencydesk.integrations.telegram.models import (
    MessageVersion,
    TelegramAttachment,
    TelegramChat,
    TelegramReply,
    TelegramUser,
)
from agencydesk.messaging.choices import Direction, MessageKind, Source
from agencydesk.messaging.models import Message
from agencydesk.messaging.services import message_record

CHANNEL_KEYS = ("channel_post", "edited_channel_post")
BUSINESS_KEYS = ("business_message", "edited_business_message")


def moment(timestamp: int | None) -> datetime:
    return datetime.fromtimestamp(int(timestamp or 0), tz=UTC)


@dataclass(frozen=True)
class _Author:
    label: str
    direction: str
    user: Any = None
    contact: Any = None


def _author(
    chat: TelegramChat, message: dict[str, Any], tg_user: TelegramUser | None, *, key: str
) -> _Author:
    """Who wrote, and on which side.

    A chat speaking for itself (an anonymous administrator of the client's
    group, the client's channel, a channel posting in the group) is the client's
    side: the agency's people write under their own accounts, and a message of the
    client that nobody answers is worse than a timer the AM closes by replying.
    """
    client = chat.client
    signature = message.get("author_signature") or ""
    if message.get("sender_chat") or key in CHANNEL_KEYS:
        source = message.get("sender_chat") or message["chat"]
        label = source.get("title") or rendering.person(source)
        return _Author(f"{label} · {signature}" if signature else label, Direction.IN)
    assert tg_user is not None
    label = f"@{tg_user.username}" if tg_user.username else tg_user.full_name
    agency_user = tg_user.user if tg_user.user_id and tg_user.user.is_active else None
    if agency_user is not None:
        return _Author(label, Direction.OUT, user=agency_user)
    if key in BUSINESS_KEYS and tg_user.telegram_id != chat.chat_id:
        # In a business chat the other side is the agency's own account.
        return _Author(label, Direction.OUT)
    return _Author(
        label, Direction.IN, contact=services.contact_for(client=client, tg_user=tg_user)
    )


def _external_id(chat_id: int, message_id: int, *, key: str) -> str:
    # A business chat has the customer's id, like the bot's own chat with them, and its own numbering.
    prefix = "b:" if key in BUSINESS_KEYS else ""
    return f"{prefix}{chat_id}:{message_id}"


def record(
    chat: TelegramChat,
    message: dict[str, Any],
    tg_user: TelegramUser | None,
    *,
    key: str = "message",
    edited: bool,
    at: datetime,
) -> None:
    external_id = _external_id(chat.chat_id, message["message_id"], key=key)
    files = rendering.attachments(message)
    text = rendering.message_text(message, files)
    automatic = bool(message.get("is_automatic_forward"))
    if automatic:
        with translation.override(_reader_language(chat)):
            text = _("Posted in the linked channel: %(text)s") % {"text": text}
    if edited:
        existing = Message.objects.filter(
            source=Source.TELEGRAM, channel="telegram", external_id=external_id
        ).first()
        if existing is not None:
            _version(existing, text, message, at=at)
            return
    client = chat.client
    assert client is not None
    thread_id = message.get("message_thread_id") if message.get("is_topic_message") else None
    author = _author(chat, message, tg_user, key=key)
    conversation = services.conversation_key(chat.chat_id, thread_id)
    recorded = message_record(
        client=client,
        channel="telegram",
        direction=author.direction,
        sent_at=moment(message.get("date")),
        text=text,
        at=at,
        conversation_key=f"b:{conversation}" if key in BUSINESS_KEYS else conversation,
        external_id=external_id,
        author=author.label[:200],
        author_user=author.user,
        author_contact=author.contact,
        author_is_label=True,
        topic=topics.topic_of(chat, thread_id),
        # A channel broadcasts: nobody there waits for the agency's answer.
        needs_response=False if key in CHANNEL_KEYS else None,
        kind=MessageKind.EVENT if automatic else MessageKind.MESSAGE,
        source=Source.TELEGRAM,
    )
    if not recorded.created:
        return
    row = recorded.message
    if not row.conversation.title and not chat.is_forum:
        type(row.conversation).objects.filter(pk=row.conversation_id, title="").update(
            title=chat.title[:200]
        )
    _files_keep(row, files)
    quoted = message.get("reply_to_message")
    if (
        isinstance(quoted, dict)
        and checks.is_id(quoted.get("message_id"))
        and not (
            thread_id and quoted.get("message_id") == thread_id  # a topic's root, not a reply
        )
    ):
        excerpt = quoted.get("text") or quoted.get("caption") or ""
        TelegramReply.objects.create(
            message=row,
            reply_to=Message.objects.filter(
                source=Source.TELEGRAM,
                channel="telegram",
                external_id=_external_id(chat.chat_id, quoted["message_id"], key=key),
            ).first()
            if key in BUSINESS_KEYS
            else services.message_by_telegram_id(chat.chat_id, quoted["message_id"]),
            excerpt=excerpt[:300] if isinstance(excerpt, str) else "",
        )


def _version(existing: Message, text: str, message: dict[str, Any], *, at: datetime) -> None:
    latest = (
        MessageVersion.objects.filter(message=existing)
        .order_by("-edited_at")
        .values_list("text", flat=True)
        .first()
    )
    if text != (latest if latest is not None else existing.text):
        MessageVersion.objects.get_or_create(
            message=existing,
            edited_at=moment(message.get("edit_date") or message.get("date")),
            defaults={"text": text, "recorded_at": at},
        )


def _files_keep(row: Message, files: list[dict[str, Any]]) -> None:
    if not files:
        return
    links = []
    for item in files:
        item = dict(item)
        attachment, _created = TelegramAttachment.objects.get_or_create(
            message=row,
            file_unique_id=item.pop("file_unique_id"),
            defaults=item,
        )
        links.append(reverse("telegram:file", args=[attachment.pk]))
    Message.objects.filter(pk=row.pk).update(attachments=links)
    row.attachments = links


def _reader_language(chat: TelegramChat) -> str:
    """An event's line is written once, in the language of who reads the client's timeline first."""
    manager = chat.client.account_manager if chat.client else None
    return (manager.language if manager else "") or settings.LANGUAGE_CODE


def event(
    chat: TelegramChat,
    message: dict[str, Any],
    tg_user: TelegramUser | None,
    *,
    key: str,
    at: datetime,
) -> None:
    """A service message (someone joined, a message was pinned): a line on the timeline, no rule."""
    client = chat.client
    assert client is not None
    with translation.override(_reader_language(chat)):
        text = rendering.service_line(message, key)
    thread_id = message.get("message_thread_id") if message.get("is_topic_message") else None
    agency_user = tg_user.user if tg_user and tg_user.user_id and tg_user.user.is_active else None
    label = ""
    if tg_user is not None:
        label = f"@{tg_user.username}" if tg_user.username else tg_user.full_name
    message_record(
        client=client,
        channel="telegram",
        direction=Direction.OUT if agency_user else Direction.IN,
        sent_at=moment(message.get("date")),
        text=text,
        at=at,
        conversation_key=services.conversation_key(chat.chat_id, thread_id),
        external_id=_external_id(chat.chat_id, message["message_id"], key="message"),
        author=label[:200],
        author_user=agency_user,
        author_contact=services.contact_for(client=client, tg_user=tg_user)
        if tg_user and not agency_user
        else None,
        author_is_label=True,
        topic=topics.topic_of(chat, thread_id),
        kind=MessageKind.EVENT,
        source=Source.TELEGRAM,
    )
