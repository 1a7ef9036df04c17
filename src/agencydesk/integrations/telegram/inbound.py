"""Inbound: store each update raw first, then process stored updates in batches.

A crash between the two steps loses nothing: the raw row is there and still
``new``; processing it again is harmless because messages are deduplicated by
``chat:message_id`` and a batch commits together with the states it sets.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from agencydesk.clients.models import Contact
from agencydesk.integrations.telegram import membership, recording, rendering, services, topics
from agencydesk.integrations.telegram import payloads as checks
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import (
    TelegramChat,
    TelegramUpdate,
    TelegramUser,
)

logger = logging.getLogger(__name__)

BATCH = 200
# Kept importable from here, where they used to live; tests replace ``_record``.
_attachments = rendering.attachments
_placeholder = rendering.placeholder
_record = recording.record
moment = recording.moment


def _row(payload: Any, *, at: datetime) -> TelegramUpdate:
    reason = checks.problem(payload)
    update_id = checks.update_id_of(payload)
    return TelegramUpdate(
        update_id=update_id,
        # Without Telegram's number, the body itself tells a redelivery from a new update.
        fingerprint="" if update_id is not None else checks.fingerprint(payload),
        payload=checks.stored_form(payload),
        received_at=at,
        chat_id=checks.chat_id_of(payload),
        state=UpdateState.ERROR if reason else UpdateState.NEW,
        processed_at=at if reason else None,
        error=reason,
    )


def updates_store(*, payloads: list[Any], at: datetime) -> int:
    """Keep every update as it came, well formed or not; one already stored is ignored.

    A malformed one is stored already ``error`` with the reason, so it is kept
    and shown but never processed. Returns how many are new.
    """
    rows = [_row(p, at=at) for p in payloads]
    if not rows:
        return 0
    # One statement per 500 rows: the insert skips what is stored already (by
    # update id or fingerprint, the table's unique constraints, also between the
    # rows of one call), and the database counts what it really inserted, so
    # concurrent deliveries of the same update count it once.
    fields = [f for f in TelegramUpdate._meta.concrete_fields if not f.primary_key]
    stored = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            query = InsertQuery(TelegramUpdate, on_conflict=OnConflict.IGNORE)
            query.insert_values(fields, rows[start : start + 500])
            for sql, params in query.get_compiler(connection=connection).as_sql():
                cursor.execute(sql, params)
                stored += max(cursor.rowcount, 0)
    return stored


def updates_process(*, at: datetime, limit: int = BATCH) -> int:
    """Process up to ``limit`` stored updates in ``update_id`` order, in one transaction.

    Processors take turns (see :func:`_claim`), so updates are handled in order even
    with several workers: a ``/link`` is committed before the messages after it
    are looked at. Returns how many were taken. An update that fails is marked
    ``error`` with the reason and kept; the others of the batch go on.
    """
    with transaction.atomic():
        batch = _claim(limit=limit, at=at)
        known: dict[tuple[str, int], Any] = {}  # chats and accounts seen in this batch
        for update in batch:
            try:
                with transaction.atomic():
                    state, note = _handle(update.payload, at=at, known=known)
            except Exception as exc:  # one bad update must not stop the others
                logger.exception("telegram update %s failed", update.update_id)
                known.clear()  # rows made in the rolled-back savepoint are gone
                TelegramUpdate.objects.filter(pk=update.pk).update(
                    state=UpdateState.ERROR,
                    processed_at=at,
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
                continue
            if state != UpdateState.DONE:
                TelegramUpdate.objects.filter(pk=update.pk).update(
                    state=state, processed_at=at, error=note
                )
    return len(batch)


def _claim(*, limit: int, at: datetime) -> list[TelegramUpdate]:
    """Take the next ``limit`` new updates, in ``update_id`` order, marked done in the same statement.

    The claim and the mark are one statement because the batch runs in one
    transaction: if it fails, nothing is marked; updates that end otherwise
    (parked, skipped, failed) are marked again one by one. Processors take
    turns: on PostgreSQL the claim locks the oldest new rows, so a second
    processor waits for them and then takes only what comes after; on SQLite
    the transaction already holds the database's one write lock.
    """
    table = connection.ops.quote_name(TelegramUpdate._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Only the model's own quoted table name is formatted in; every value is a parameter.
    sql = (
        f"UPDATE {table} SET state = %s, processed_at = %s WHERE id IN ("  # noqa: S608
        f"SELECT id FROM {table} WHERE state = %s ORDER BY update_id LIMIT %s{lock}"
        ") RETURNING id, update_id, payload"
    )
    params = [UpdateState.DONE, at, UpdateState.NEW, limit]
    return sorted(TelegramUpdate.objects.raw(sql, params), key=lambda u: u.update_id or 0)


def updates_process_all(*, at: datetime) -> int:
    """Process stored updates until none is left (a batch smaller than the limit was the last)."""
    total = 0
    while True:
        taken = updates_process(at=at)
        total += taken
        if taken < BATCH:
            return total


def _chat_upsert(
    data: dict[str, Any], *, at: datetime, known: dict[tuple[str, int], Any] | None = None
) -> TelegramChat:
    title = data.get("title") or rendering.full_name(data)
    fields = {
        "type": data.get("type", "private"),
        "title": (title or "")[:255],
        "username": (data.get("username") or "")[:64],
        "is_forum": bool(data.get("is_forum")),
    }
    chat = known.get(("chat", int(data["id"]))) if known is not None else None
    created = False
    if chat is None:
        # What the rules read of the client: its account manager and its calendar.
        chat, created = TelegramChat.objects.select_related(
            "client__account_manager", "client__calendar"
        ).get_or_create(chat_id=int(data["id"]), defaults={**fields, "first_seen_at": at})
        if known is not None:
            known[("chat", chat.chat_id)] = chat
    if not created and any(getattr(chat, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(chat, key, value)
        chat.save(update_fields=list(fields))
    return chat


def _user_upsert(
    data: dict[str, Any],
    known: dict[tuple[str, int], Any] | None = None,
    *,
    client_id: int | None = None,
) -> TelegramUser:
    """The sender's account, kept up to date; in a client's chat, with its contact by username.

    An account not yet tied to a contact is looked up together with the
    client's contact of the same username (see :func:`services.contact_for`), so
    every message of a sender the desk does not know yet costs no extra query.
    """
    name = rendering.full_name(data)
    fields = {"username": (data.get("username") or "")[:64], "full_name": name[:255]}
    user = known.get(("user", int(data["id"]))) if known is not None else None
    created = False
    if user is None:
        accounts = TelegramUser.objects.select_related("contact", "user")
        if client_id is not None:
            accounts = accounts.annotate(
                username_contact_id=Subquery(
                    Contact.objects.filter(
                        client_id=client_id, telegram_username__iexact=OuterRef("username")
                    )
                    .exclude(telegram_username="")
                    .order_by("pk")
                    .values("pk")[:1]
                )
            )
        user, created = accounts.get_or_create(telegram_id=int(data["id"]), defaults=fields)
        if client_id is not None and not created:
            user.username_contact_of = (client_id, user.username)
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
) -> tuple[str, str]:
    """Act on one stored update: the state it ends in, and a note when nothing was recorded."""
    for key in checks.MESSAGE_KEYS:
        if isinstance(payload.get(key), dict):
            return _message(payload[key], key=key, at=at, known=known)
    member = payload.get("my_chat_member")
    if isinstance(member, dict):
        chat = _chat_upsert(member["chat"], at=at, known=known)
        membership.bot_status_record(
            chat=chat,
            status=member["new_chat_member"]["status"],
            is_member=bool(member["new_chat_member"].get("is_member")),
            changed_at=moment(member.get("date")) if checks.is_id(member.get("date")) else at,
            at=at,
        )
        return UpdateState.DONE, ""
    kinds = sorted(k for k in payload if k != "update_id")
    return UpdateState.SKIPPED, f"not recorded: a {', '.join(kinds) or 'empty'} update"


def _message(
    message: dict[str, Any],
    *,
    key: str,
    at: datetime,
    known: dict[tuple[str, int], Any] | None,
) -> tuple[str, str]:
    edited = key.startswith("edited_")
    chat = _chat_upsert(message["chat"], at=at, known=known)
    thread_id = message.get("message_thread_id")
    service = rendering.service_key(message)
    if service in ("forum_topic_created", "forum_topic_edited") and thread_id:
        topic = message[service] if isinstance(message[service], dict) else {}
        name = topic.get("name") if isinstance(topic.get("name"), str) else None
        topics.topic_record(chat=chat, thread_id=thread_id, name=name)
    if message.get("migrate_to_chat_id"):
        # The group became a supergroup: same people, new chat id, same client.
        services.chat_migrate(chat=chat, new_chat_id=int(message["migrate_to_chat_id"]), at=at)
        return UpdateState.DONE, ""
    sender = message.get("from") or {}
    speaks_for_a_chat = bool(message.get("sender_chat")) or key in recording.CHANNEL_KEYS
    if not (service or speaks_for_a_chat or message.get("is_automatic_forward")) and (
        sender.get("is_bot") or not sender.get("id")
    ):
        return UpdateState.SKIPPED, "not recorded: a message of a bot"
    person = sender.get("id") and not sender.get("is_bot") and not speaks_for_a_chat
    tg_user = _user_upsert(sender, known, client_id=chat.client_id) if person else None
    text = message.get("text") or message.get("caption") or ""
    command, argument = _command(text)
    if tg_user is not None and key == "message" and not service:
        handled = _command_run(
            command, argument, chat=chat, tg_user=tg_user, thread_id=thread_id, at=at
        )
        if handled:
            return UpdateState.DONE, ""
    if (
        tg_user is not None
        and chat.client_id is None
        and chat.type == "private"
        and chat.user_id is None
        and tg_user.telegram_id == chat.chat_id  # in a business chat, the customer
    ):
        services.chat_link_to_known_contact(chat=chat, tg_user=tg_user, at=at)
    if chat.client_id is None:
        # An AM's personal chat carries alerts, not client messages; others wait for an admin.
        if chat.user_id:
            return UpdateState.SKIPPED, "not recorded: an account manager's alert chat"
        return UpdateState.PARKED, ""
    if service:
        recording.event(chat, message, tg_user, key=service, at=at)
    else:
        _record(chat, message, tg_user, key=key, edited=edited, at=at)
    return UpdateState.DONE, ""


def _command_run(
    command: str,
    argument: str,
    *,
    chat: TelegramChat,
    tg_user: TelegramUser,
    thread_id: int | None,
    at: datetime,
) -> bool:
    """A command to the bot (``/start``, ``/link CODE``, ``/topics``): True if it was one."""
    if command == "start" and not argument:
        # Someone opened the bot: nothing to record, but a known contact's chat is theirs.
        if chat.client_id is None and chat.type == "private" and chat.user_id is None:
            services.chat_link_to_known_contact(chat=chat, tg_user=tg_user, at=at)
        return True
    if command in ("link", "start"):
        services.chat_link_by_code(
            chat=chat, tg_user=tg_user, code=argument, at=at, thread_id=thread_id
        )
        return True
    if command == "topics":
        services.topics_request(chat=chat, at=at)
        return True
    return False
