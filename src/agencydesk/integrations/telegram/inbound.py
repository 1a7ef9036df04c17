"""Inbound: store each update raw first, then process stored updates in batches.

A crash between the two steps loses nothing: the raw row is there and still
``new``; processing it again is harmless because messages are deduplicated by
``chat:message_id`` and a batch commits together with the states it sets.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from agencydesk.integrations.telegram import services
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import (
    MessageVersion,
    PacingLock,
    TelegramAttachment,
    TelegramChat,
    TelegramReply,
    TelegramUpdate,
    TelegramUser,
)
from agencydesk.messaging.choices import Direction, Source
from agencydesk.messaging.models import Message
from agencydesk.messaging.services import message_record

logger = logging.getLogger(__name__)

MESSAGE_KEYS = ("message", "edited_message")
ATTACHMENT_KINDS = ("document", "photo", "video", "audio", "voice")
BATCH = 200


def _chat_of(payload: dict[str, Any]) -> int | None:
    for key in (*MESSAGE_KEYS, "my_chat_member", "channel_post", "edited_channel_post"):
        if key in payload and isinstance(payload[key], dict):
            chat = payload[key].get("chat") or {}
            return chat.get("id")
    return None


def updates_store(*, payloads: list[dict[str, Any]], at: datetime) -> int:
    """Keep updates as they came; an ``update_id`` already stored is ignored. Returns how many are new."""
    rows = [
        TelegramUpdate(
            update_id=int(p["update_id"]), payload=p, received_at=at, chat_id=_chat_of(p)
        )
        for p in payloads
        if "update_id" in p
    ]
    if not rows:
        return 0
    ids = [r.update_id for r in rows]
    with transaction.atomic():
        before = TelegramUpdate.objects.filter(update_id__in=ids).count()
        TelegramUpdate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        after = TelegramUpdate.objects.filter(update_id__in=ids).count()
    return after - before


def updates_process(*, at: datetime, limit: int = BATCH) -> int:
    """Process up to ``limit`` stored updates in ``update_id`` order, in one transaction.

    Processors take turns (a locked row), so updates are handled in order even
    with several workers: a ``/link`` is committed before the messages after it
    are looked at. Returns how many were taken. An update that fails is marked
    ``error`` with the reason and kept; the others of the batch go on.
    """
    with transaction.atomic():
        turn, _created = PacingLock.objects.get_or_create(name="process")
        PacingLock.objects.select_for_update().filter(pk=turn.pk).first()
        batch = list(
            TelegramUpdate.objects.filter(state=UpdateState.NEW).order_by("update_id")[:limit]
        )
        done: list[int] = []
        known: dict[tuple[str, int], Any] = {}  # chats and accounts seen in this batch
        for update in batch:
            try:
                with transaction.atomic():
                    state = _handle(update.payload, at=at, known=known)
            except Exception as exc:  # one bad update must not stop the others
                logger.exception("telegram update %s failed", update.update_id)
                known.clear()  # rows made in the rolled-back savepoint are gone
                TelegramUpdate.objects.filter(pk=update.pk).update(
                    state=UpdateState.ERROR,
                    processed_at=at,
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
                continue
            if state == UpdateState.DONE:
                done.append(update.pk)
            else:
                TelegramUpdate.objects.filter(pk=update.pk).update(state=state, processed_at=at)
        TelegramUpdate.objects.filter(pk__in=done).update(state=UpdateState.DONE, processed_at=at)
    return len(batch)


def updates_process_all(*, at: datetime) -> int:
    total = 0
    while True:
        taken = updates_process(at=at)
        total += taken
        if taken == 0:
            return total


def _moment(timestamp: int | None) -> datetime:
    return datetime.fromtimestamp(int(timestamp or 0), tz=UTC)


def _full_name(data: dict[str, Any]) -> str:
    return " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)


def _chat_upsert(
    data: dict[str, Any], *, at: datetime, known: dict[tuple[str, int], Any] | None = None
) -> TelegramChat:
    title = data.get("title") or _full_name(data)
    fields = {
        "type": data.get("type", "private"),
        "title": (title or "")[:255],
        "username": (data.get("username") or "")[:64],
        "is_forum": bool(data.get("is_forum")),
    }
    chat = known.get(("chat", int(data["id"]))) if known is not None else None
    created = False
    if chat is None:
        chat, created = TelegramChat.objects.select_related("client").get_or_create(
            chat_id=int(data["id"]), defaults={**fields, "first_seen_at": at}
        )
        if known is not None:
            known[("chat", chat.chat_id)] = chat
    if not created and any(getattr(chat, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(chat, key, value)
        chat.save(update_fields=list(fields))
    return chat


def _user_upsert(
    data: dict[str, Any], known: dict[tuple[str, int], Any] | None = None
) -> TelegramUser:
    name = _full_name(data)
    fields = {"username": (data.get("username") or "")[:64], "full_name": name[:255]}
    user = known.get(("user", int(data["id"]))) if known is not None else None
    created = False
    if user is None:
        user, created = TelegramUser.objects.select_related("contact", "user").get_or_create(
            telegram_id=int(data["id"]), defaults=fields
        )
        if known is not None:
            known[("user", user.telegram_id)] = user
    if not created and (user.username, user.full_name) != (fields["username"], fields["full_name"]):
        TelegramUser.objects.filter(pk=user.pk).update(**fields)
        user.username, user.full_name = fields["username"], fields["full_name"]
    return user


def _command(text: str) -> tuple[str, str]:
    if not text.startswith("/"):
        return "", ""
    head, _sep, rest = text.partition(" ")
    return head.split("@", 1)[0][1:].lower(), rest.strip()


def _handle(
    payload: dict[str, Any], *, at: datetime, known: dict[tuple[str, int], Any] | None = None
) -> str:
    edited = "edited_message" in payload
    message = payload.get("edited_message") if edited else payload.get("message")
    if not isinstance(message, dict):
        member = payload.get("my_chat_member")
        if isinstance(member, dict) and member.get("chat"):
            _chat_upsert(member["chat"], at=at, known=known)  # the bot was added: list it
        return UpdateState.DONE
    chat = _chat_upsert(message["chat"], at=at, known=known)
    sender = message.get("from") or {}
    if sender.get("is_bot") or not sender.get("id"):
        return UpdateState.DONE
    tg_user = _user_upsert(sender, known)
    thread_id = message.get("message_thread_id")
    for key in ("forum_topic_created", "forum_topic_edited"):
        if key in message and thread_id:
            services.topic_record(chat=chat, thread_id=thread_id, name=message[key].get("name"))
            return UpdateState.DONE
    if message.get("migrate_to_chat_id"):
        # The group became a supergroup: same people, new chat id, same client.
        services.chat_migrate(chat=chat, new_chat_id=int(message["migrate_to_chat_id"]), at=at)
        return UpdateState.DONE
    text = message.get("text") or message.get("caption") or ""
    command, argument = _command(text)
    if command == "start" and not argument and not edited:
        # Someone opened the bot: nothing to record, but a known contact's chat is theirs.
        if chat.client_id is None and chat.type == "private" and chat.user_id is None:
            services.chat_link_to_known_contact(chat=chat, tg_user=tg_user, at=at)
        return UpdateState.DONE
    if command in ("link", "start") and not edited:
        services.chat_link_by_code(
            chat=chat, tg_user=tg_user, code=argument, at=at, thread_id=thread_id
        )
        return UpdateState.DONE
    if command == "topics" and not edited:
        services.topics_request(chat=chat, at=at)
        return UpdateState.DONE
    if chat.client_id is None and chat.type == "private" and chat.user_id is None:
        services.chat_link_to_known_contact(chat=chat, tg_user=tg_user, at=at)
    if chat.client_id is None:
        # An AM's personal chat carries alerts, not client messages; others wait for an admin.
        return UpdateState.DONE if chat.user_id else UpdateState.PARKED
    _record(chat, message, tg_user, edited=edited, at=at)
    return UpdateState.DONE


def _attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for kind in ATTACHMENT_KINDS:
        item = message.get(kind)
        if kind == "photo" and isinstance(item, list) and item:
            item = max(item, key=lambda size: size.get("file_size") or 0)
        if isinstance(item, dict) and item.get("file_id"):
            found.append(
                {
                    "kind": kind,
                    "file_id": item["file_id"],
                    "file_unique_id": item.get("file_unique_id") or item["file_id"],
                    "file_name": (item.get("file_name") or "")[:255],
                    "mime_type": (item.get("mime_type") or "")[:100],
                    "size": item.get("file_size"),
                }
            )
    return found


def _placeholder(files: list[dict[str, Any]]) -> str:
    labels = {
        "document": _("(document)"),
        "photo": _("(photo)"),
        "video": _("(video)"),
        "audio": _("(audio)"),
        "voice": _("(voice message)"),
    }
    parts = []
    for item in files:
        label = labels[item["kind"]]
        parts.append(f"{label} {item['file_name']}".strip())
    return " ".join(parts) or _("(a message without text)")


def _record(
    chat: TelegramChat,
    message: dict[str, Any],
    tg_user: TelegramUser,
    *,
    edited: bool,
    at: datetime,
) -> None:
    external_id = f"{chat.chat_id}:{message['message_id']}"
    files = _attachments(message)
    text = message.get("text") or message.get("caption") or _placeholder(files)
    if edited:
        existing = Message.objects.filter(
            source=Source.TELEGRAM, channel="telegram", external_id=external_id
        ).first()
        if existing is not None:
            latest = (
                MessageVersion.objects.filter(message=existing)
                .order_by("-edited_at")
                .values_list("text", flat=True)
                .first()
            )
            if text != (latest if latest is not None else existing.text):
                MessageVersion.objects.get_or_create(
                    message=existing,
                    edited_at=_moment(message.get("edit_date") or message.get("date")),
                    defaults={"text": text, "recorded_at": at},
                )
            return
    client = chat.client
    assert client is not None
    thread_id = message.get("message_thread_id") if message.get("is_topic_message") else None
    agency_user = tg_user.user if tg_user.user_id and tg_user.user.is_active else None
    contact = None if agency_user else services.contact_for(client=client, tg_user=tg_user)
    label = f"@{tg_user.username}" if tg_user.username else tg_user.full_name
    recorded = message_record(
        client=client,
        channel="telegram",
        direction=Direction.OUT if agency_user else Direction.IN,
        sent_at=_moment(message.get("date")),
        text=text,
        at=at,
        conversation_key=services.conversation_key(chat.chat_id, thread_id),
        external_id=external_id,
        author=label[:200],
        author_user=agency_user,
        author_contact=contact,
        topic=services.topic_of(chat, thread_id),
        source=Source.TELEGRAM,
    )
    if not recorded.created:
        return
    row = recorded.message
    if not row.conversation.title and not chat.is_forum:
        type(row.conversation).objects.filter(pk=row.conversation_id, title="").update(
            title=chat.title[:200]
        )
    if files:
        links = []
        for item in files:
            attachment, _created = TelegramAttachment.objects.get_or_create(
                message=row,
                file_unique_id=item.pop("file_unique_id"),
                defaults=item,
            )
            links.append(reverse("telegram:file", args=[attachment.pk]))
        Message.objects.filter(pk=row.pk).update(attachments=links)
    quoted = message.get("reply_to_message")
    if (
        isinstance(quoted, dict)
        and quoted.get("message_id")
        and not (
            thread_id and quoted.get("message_id") == thread_id  # a topic's root, not a reply
        )
    ):
        TelegramReply.objects.create(
            message=row,
            reply_to=services.message_by_telegram_id(chat.chat_id, quoted["message_id"]),
            excerpt=(quoted.get("text") or quoted.get("caption") or "")[:300],
        )
