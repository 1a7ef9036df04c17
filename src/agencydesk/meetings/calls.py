"""A logged call or meeting confirmed in writing (seed 002): the desk drafts, the account manager sends.

The draft is in the client's language and the contact's form of address: the
agreements are the lines of the logged note, each action item is what, who
and by when; the account manager edits it and sends it in the client's
channel through the outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.choices import Channel
from agencydesk.core.services import audit_record
from agencydesk.core.validators import COMPOSED_TEXT_MAX_LENGTH
from agencydesk.messaging.services import conversation_for, message_send
from agencydesk.messaging.templates_text import GREETING_FALLBACK

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.meetings.services import ActionIn
    from agencydesk.messaging.models import Message, OutboundMessage

LOGGED = (Channel.PHONE, Channel.MEETING)


def call_check(message: Message) -> None:
    if message.channel not in LOGGED:
        raise ValidationError({"text": _("Only a logged call or meeting is confirmed this way.")})


def call_confirmation_draft(*, message: Message, actions: list[ActionIn] | None = None) -> str:
    """The draft of the written confirmation of a logged call, in the client's language."""
    call_check(message)
    client = message.client
    tz = client_engine(client).tz
    contact = message.author_contact or client.contacts.order_by("-is_primary", "pk").first()
    form = contact.address_form if contact and contact.address_form else client.address_form
    language = client.language if client.language in GREETING_FALLBACK else "en"
    name = (contact.address_as or contact.name) if contact else ""
    if not name:
        name = GREETING_FALLBACK[language][form]
    agreements = [line.strip(" -•*\t") for line in message.text.splitlines()]
    agreements = [line for line in agreements if line]
    with translation.override(client.language or None):
        parts = [
            _("%(name)s, confirming in writing what we agreed on the call of %(date)s:")
            % {"name": name, "date": message.sent_at.astimezone(tz).strftime("%d.%m.%Y")},
            "",
            *[f"• {line}" for line in agreements],
        ]
        if actions:
            parts += ["", _("Who does what, by when:")]
            parts += [
                f"• {a.text} — {a.owner.get_full_name() or a.owner if a.owner else '—'}"
                + (f", {a.due_at.astimezone(tz).strftime('%d.%m.%Y %H:%M')}" if a.due_at else "")
                for a in actions
            ]
        parts += ["", _("If anything is not right, please tell us.")]
    return "\n".join(parts)


@transaction.atomic
def call_confirmation_send(
    *, message: Message, text: str, by: User, at: datetime, by_email: bool = False
) -> OutboundMessage:
    """Send the (edited) confirmation through the outbox: by e-mail when ``by_email`` (seed 002:
    agreements are confirmed in writing by e-mail, as messenger messages get deleted), else in
    the client's channel."""
    call_check(message)
    if not can_edit_client(by, message.client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    text = (text or "").strip()
    if len(text) > COMPOSED_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep it under %(n)s characters.") % {"n": COMPOSED_TEXT_MAX_LENGTH}}
        )
    conversation = None
    if by_email:
        if not message.client.contacts.exclude(email="").exists():
            raise ValidationError(
                {
                    "by_email": _(
                        "To confirm by e-mail, give one of the client's contacts an e-mail address."
                    )
                }
            )
        conversation = conversation_for(
            client=message.client, channel=Channel.EMAIL, key=None, at=at
        )
    outbox = message_send(
        client=message.client,
        text=text,
        by=by,
        at=at,
        conversation=conversation,
        answers_questions=False,
    )
    audit_record(
        actor=by,
        action="call.confirm",
        obj=message,
        client_id=message.client_id,
        changes={"confirmation": outbox.message_id},
        at=at,
    )
    return outbox
