"""Writes of the Telegram connector: link codes, linking and assigning chats, topics, bot notices."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.clients.models import Contact
from agencydesk.core.services import audit_record
from agencydesk.integrations.telegram.choices import NoticeKind, UpdateState
from agencydesk.integrations.telegram.models import (
    LinkCode,
    TelegramChat,
    TelegramUpdate,
    TelegramUser,
)
from agencydesk.integrations.telegram.notices import notice_queue
from agencydesk.integrations.telegram.topics import (
    topics_create,
)
from agencydesk.messaging.choices import Source
from agencydesk.messaging.models import Message

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client

LINK_CODE_LIFETIME = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand


def conversation_key(chat_id: int, thread_id: int | None) -> str:
    """The conversation of a chat (``-100123``) or of one of its forum topics (``-100123:7``)."""
    return f"{chat_id}:{thread_id}" if thread_id else str(chat_id)


def message_by_telegram_id(chat_id: int, message_id: int) -> Message | None:
    """Our record of a message in a chat: one that came in, or one the desk sent."""
    key = f"{chat_id}:{message_id}"
    return (
        Message.objects.filter(channel="telegram")
        .filter(Q(source=Source.TELEGRAM, external_id=key) | Q(outbox__external_id=key))
        .first()
    )


def contact_for(*, client: Client, tg_user: TelegramUser) -> Contact | None:
    """The client's contact behind a Telegram account: by user id first, then by username."""
    known = tg_user.contact
    if known is not None and known.client_id == client.pk:
        return known
    if not tg_user.username:
        return None
    # The account may have come with the client's contact of its username already
    # looked up (``inbound._user_upsert``): then a sender we do not know costs nothing.
    looked_up = getattr(tg_user, "username_contact_of", None) == (client.pk, tg_user.username)
    if looked_up and tg_user.username_contact_id is None:  # type: ignore[attr-defined]
        return None
    contact = client.contacts.filter(telegram_username__iexact=tg_user.username).first()
    if contact is not None:
        # Remember the id: a username can change, the id cannot.
        TelegramUser.objects.filter(pk=tg_user.pk).update(contact=contact)
        tg_user.contact = contact
    return contact


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@transaction.atomic
def link_code_create(
    *, at: datetime, by: User, client: Client | None = None, for_user: User | None = None
) -> LinkCode:
    """A one-time code that links the chat it is sent from to ``client`` (or to ``for_user``'s alerts)."""
    if (client is None) == (for_user is None):
        raise ValidationError(_("A link code is for a client or for a person of the agency."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                code = LinkCode.objects.create(
                    code=_new_code(),
                    client=client,
                    user=for_user,
                    created_by=by,
                    created_at=at,
                    expires_at=at + LINK_CODE_LIFETIME,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 32**8 codes
        raise ValidationError(_("Could not make a unique code; try again."))
    audit_record(
        actor=by,
        action="link_code.create",
        obj=code,
        client_id=client.pk if client else None,
        at=at,
    )
    return code


def _release_parked(chat: TelegramChat) -> int:
    """A chat just got its client: its kept updates are processed again, in order."""
    return TelegramUpdate.objects.filter(chat_id=chat.chat_id, state=UpdateState.PARKED).update(
        state=UpdateState.NEW
    )


def _confirm(
    chat: TelegramChat,
    *,
    key: str,
    text: str,
    at: datetime,
    thread_id: int | None,
    language: str = "en",
) -> None:
    notice_queue(
        kind=NoticeKind.CONFIRMATION,
        key=key,
        chat_id=chat.chat_id,
        text=text,
        at=at,
        thread_id=thread_id if chat.is_forum else None,
    )


def chat_link_by_code(
    *, chat: TelegramChat, tg_user: TelegramUser, code: str, at: datetime, thread_id: int | None
) -> TelegramChat:
    """``/link CODE`` was sent in ``chat``: tie the chat to the code's client or agency user."""
    row = (
        LinkCode.objects.select_related("client", "user", "created_by")
        .filter(code=code.strip().upper(), used_at__isnull=True, expires_at__gt=at)
        .first()
        if code.strip()
        else None
    )
    if row is None:
        _confirm(
            chat,
            key=f"badcode:{chat.chat_id}:{at.timestamp()}:{code[:20]}",
            text=_("This code is unknown or has expired. Ask your account manager for a new one."),
            at=at,
            thread_id=thread_id,
        )
        return chat
    LinkCode.objects.filter(pk=row.pk).update(used_at=at, used_in=chat)
    if row.user is not None:
        if chat.type != "private":
            _confirm(
                chat,
                key=f"link:{row.pk}",
                at=at,
                thread_id=thread_id,
                text=_("Send this code to the bot in a private chat, not in a group."),
            )
            return chat
        chat.user, chat.linked_at = row.user, at
        chat.save(update_fields=["user", "linked_at"])
        TelegramUser.objects.filter(pk=tg_user.pk).update(user=row.user)
        tg_user.user = row.user
        audit_record(actor=row.user, action="telegram_chat.update", obj=chat, at=at)
        with translation.override(row.user.language or "en"):
            text = _("Alerts for %(name)s will come to this chat.") % {"name": row.user}
        _confirm(chat, key=f"link:{row.pk}", text=text, at=at, thread_id=None)
        return chat
    client = row.client
    assert client is not None
    chat_link(chat, client=client, by=row.created_by, at=at, how="code")
    with translation.override(client.language):
        text = _("This chat is now linked to %(client)s: your messages here reach the agency.") % {
            "client": client.name
        }
    _confirm(chat, key=f"link:{row.pk}", text=text, at=at, thread_id=thread_id)
    return chat


def chat_link(
    chat: TelegramChat, *, client: Client | None, by: User | None, at: datetime, how: str = ""
) -> None:
    """Give the chat its client (None: unlink it); the messages kept for it are processed then."""
    before = chat.client_id
    chat.client, chat.linked_at = client, at if client else None
    chat.save(update_fields=["client", "linked_at"])
    audit_record(
        actor=by,
        action="telegram_chat.update",
        obj=chat,
        client_id=client.pk if client else None,
        changes={"client": [before, client.pk if client else None]},
        reason=how,
        at=at,
    )
    if client is not None:
        _release_parked(chat)


def chat_migrate(*, chat: TelegramChat, new_chat_id: int, at: datetime) -> TelegramChat:
    """A group upgraded to a supergroup gets a new id: the new chat keeps the old one's client."""
    new, _created = TelegramChat.objects.get_or_create(
        chat_id=new_chat_id,
        defaults={"type": "supergroup", "title": chat.title, "first_seen_at": at},
    )
    if chat.client_id and new.client_id is None:
        chat_link(new, client=chat.client, by=None, at=at, how="migrated")
    return new


def chat_link_to_known_contact(
    *, chat: TelegramChat, tg_user: TelegramUser, at: datetime
) -> TelegramChat:
    """A private chat with someone we know as a client's contact belongs to that client."""
    contact = tg_user.contact
    if contact is None and tg_user.username:
        matches = list(
            Contact.objects.filter(telegram_username__iexact=tg_user.username).select_related(
                "client"
            )[:2]
        )
        contact = matches[0] if len(matches) == 1 else None  # two clients: let a person decide
        if contact is not None:
            TelegramUser.objects.filter(pk=tg_user.pk).update(contact=contact)
            tg_user.contact = contact
    if contact is not None:
        chat_link(chat, client=contact.client, by=None, at=at, how="contact")
    return chat


def topics_request(*, chat: TelegramChat, at: datetime) -> None:
    """``/topics``: create the standard forum topics the group does not have yet, after commit."""
    if chat.client_id is None or not chat.is_forum:
        _confirm(
            chat,
            key=f"topics:{chat.chat_id}:{at.timestamp()}",
            at=at,
            thread_id=None,
            text=_("Topics can be created in a linked group with topics turned on."),
        )
        return
    chat_pk = chat.pk
    transaction.on_commit(lambda: topics_create.enqueue(chat_pk))
