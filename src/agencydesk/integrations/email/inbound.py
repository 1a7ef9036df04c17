"""Storing one e-mail read from a mailbox: deduplicated, classified, threaded, recorded.

Threading: a mail joins the conversation of the first message it names in
In-Reply-To or References that the desk knows (one it recorded or sent); else
the conversation named by our marker in its subject or body; else it starts a
conversation of its own. Never by subject alone: two people answering one
newsletter the desk never saw get two conversations.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import calendar_engine, client_calendar, next_allowed_moment
from agencydesk.clients.models import Client, Contact
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.core.services import audit_record
from agencydesk.integrations.email.choices import Classification, InboundState
from agencydesk.integrations.email.classify import Verdict, classify, is_permanent
from agencydesk.integrations.email.models import (
    MAX_RAW_BYTES,
    EmailAttachment,
    EmailSend,
    InboundEmail,
    Mailbox,
    SenderRule,
    Suppression,
)
from agencydesk.integrations.email.parsing import ParsedMail, parse
from agencydesk.messaging.choices import CALL, FOLLOW_UP, Direction, MessageKind, Source
from agencydesk.messaging.models import Conversation, Message
from agencydesk.messaging.services import message_record
from agencydesk.outbox.states import OutboxState

logger = logging.getLogger(__name__)

_MARKER = re.compile(r"\[AD-(\d{1,12})-([0-9a-f]{8})\]")


def _signature(conversation_pk: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"email-thread:{conversation_pk}".encode(), hashlib.sha256).hexdigest()[:8]


def thread_marker(conversation: Conversation) -> str:
    """Our marker of a conversation, put in the subject of what the desk sends."""
    return f"[AD-{conversation.pk}-{_signature(conversation.pk)}]"


def _marked_conversation(text: str) -> Conversation | None:
    for match in _MARKER.finditer(text):
        pk = int(match.group(1))
        if hmac.compare_digest(match.group(2), _signature(pk)):
            found = Conversation.objects.filter(pk=pk, channel="email").first()
            if found is not None:
                return found
    return None


def known_conversation(mail: ParsedMail) -> Conversation | None:
    """The conversation of the nearest message this mail answers that the desk knows, else our marker's."""
    named = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if named:
        found = {
            m.external_id: m.conversation
            for m in Message.objects.filter(
                source=Source.EMAIL, channel="email", external_id__in=named
            ).select_related("conversation")
        }
        for send in EmailSend.objects.filter(message_id__in=named).select_related(
            "outbox__message__conversation"
        ):
            found.setdefault(send.message_id, send.outbox.message.conversation)
        for message_id in named:
            if message_id in found:
                return found[message_id]
    return _marked_conversation(f"{mail.subject}\n{mail.text[:2000]}\n{mail.quoted[:20000]}")


def _agency_user(address: str, mailbox: Mailbox) -> User | None:
    if not address:
        return None
    return (
        User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()
        if address != mailbox.from_address.lower()
        else None
    )


def _contact(address: str) -> Contact | None:
    if not address:
        return None
    return (
        Contact.objects.filter(email__iexact=address)
        .select_related("client")
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class Stored:
    email: InboundEmail
    created: bool


def email_store(*, mailbox: Mailbox, raw: bytes, uid: int | None, at: datetime) -> Stored:
    """Keep one raw e-mail once (by Message-ID) and record it where it belongs."""
    mail = parse(raw[:MAX_RAW_BYTES], received_at=at)
    existing = InboundEmail.objects.filter(message_id=mail.message_id).first()
    if existing is not None:
        return Stored(existing, created=False)
    try:
        with transaction.atomic():
            email = _store(mailbox=mailbox, raw=raw, mail=mail, uid=uid, at=at)
    except IntegrityError:
        # Another worker stored the same mail meanwhile.
        existing = InboundEmail.objects.filter(message_id=mail.message_id).first()
        if existing is None:
            raise
        return Stored(existing, created=False)
    return Stored(email, created=True)


def _store(
    *, mailbox: Mailbox, raw: bytes, mail: ParsedMail, uid: int | None, at: datetime
) -> InboundEmail:
    ours = EmailSend.objects.filter(message_id=mail.message_id).exists()
    rule = (
        SenderRule.objects.filter(address=mail.from_address)
        .values_list("classification", flat=True)
        .first()
    )
    verdict = classify(mail, ours=ours, rule=rule, received_at=at)
    warning = mail.warning
    if len(raw) > MAX_RAW_BYTES:
        warning = f"{warning}; kept the first {MAX_RAW_BYTES} bytes".strip("; ")
    email = InboundEmail.objects.create(
        mailbox=mailbox,
        message_id=mail.message_id,
        uid=uid,
        in_reply_to=mail.in_reply_to,
        references=" ".join(f"<{r}>" for r in mail.references),
        from_address=mail.from_address,
        from_name=mail.from_name,
        reply_to=mail.reply_to,
        to=", ".join(mail.to + mail.cc)[:5000],
        subject=mail.subject,
        date=mail.date,
        classification=verdict.classification,
        classification_reason=verdict.reason[:200],
        return_date=verdict.return_date,
        state=InboundState.UNKNOWN,
        quoted=mail.quoted[:100_000],
        raw=raw[:MAX_RAW_BYTES],
        warning=warning[:500],
        received_at=at,
    )
    for item in mail.attachments:
        EmailAttachment.objects.create(
            email=email,
            file_name=item.file_name,
            mime_type=item.mime_type,
            size=item.size,
            content=item.content or b"",
            too_large=item.content is None,
        )
    if warning:
        logger.warning("e-mail %s from %s: %s", mail.message_id, mail.from_address, warning)
    if verdict.classification == Classification.LOOP:
        InboundEmail.objects.filter(pk=email.pk).update(state=InboundState.IGNORED)
        email.state = InboundState.IGNORED
        return email
    if verdict.classification == Classification.BOUNCE and _bounce_join(email, mail, at=at):
        return email
    email_place(email=email, mail=mail, verdict=verdict, mailbox=mailbox, at=at)
    return email


def email_place(
    *,
    email: InboundEmail,
    mail: ParsedMail,
    verdict: Verdict,
    mailbox: Mailbox,
    at: datetime,
    client: Client | None = None,
) -> bool:
    """Record the mail in its client's timeline; False (left for triage) when nobody knows whose it is."""
    conversation = known_conversation(mail)
    agency_user = _agency_user(mail.from_address, mailbox)
    contact = None if agency_user else _contact(mail.from_address)
    if client is None:
        if conversation is not None:
            client = conversation.client
        elif contact is not None:
            client = contact.client
        elif agency_user is not None:
            # A colleague writing to a client from their own mail program: whose is it by the recipients?
            for address in mail.to + mail.cc:
                recipient = _contact(address)
                if recipient is not None:
                    client = recipient.client
                    break
    if client is None:
        return False
    if conversation is not None and conversation.client_id != client.pk:
        conversation = None
    if contact is not None and contact.client_id != client.pk:
        contact = None
    key = conversation.external_key if conversation else mail.message_id[:200]
    automatic = verdict.classification != Classification.HUMAN
    text = mail.text or (_("(no text)") if not mail.attachments else "")
    if automatic:
        with translation.override(_reader_language(client)):
            label = str(Classification(verdict.classification).label)
            text = f"{label}: {mail.subject}\n{text}".strip()
    links = [reverse("email:file", args=[a.pk]) for a in email.attachments.all()]
    recorded = message_record(
        client=client,
        channel="email",
        direction=Direction.OUT if agency_user else Direction.IN,
        sent_at=mail.date,
        text=text or mail.subject or "—",
        at=at,
        conversation_key=key,
        external_id=mail.message_id[:200],
        author=(mail.from_name or mail.from_address)[:200],
        author_user=agency_user,
        author_contact=contact,
        attachments=links,
        needs_response=False if automatic else None,
        # A machine's mail is kept on the timeline and sets off no rule: no timer, no answer, no touch.
        kind=MessageKind.EVENT if automatic else MessageKind.MESSAGE,
        source=Source.EMAIL,
    )
    row = recorded.message
    if not row.conversation.title and mail.subject:
        Conversation.objects.filter(pk=row.conversation_id, title="").update(
            title=_MARKER.sub("", mail.subject).strip()[:200]
        )
    InboundEmail.objects.filter(pk=email.pk).update(
        record=row, client=client, state=InboundState.RECORDED
    )
    if verdict.classification == Classification.OUT_OF_OFFICE and verdict.return_date:
        follow_ups_wait(client=client, until=verdict.return_date)
    email.record, email.client, email.state = row, client, InboundState.RECORDED
    return True


def follow_ups_wait(*, client: Client, until: date) -> int:
    """The client is away: follow-ups and calls to them wait (in Today and in the clock) for their return."""
    engine = calendar_engine(client_calendar(client))
    back = next_allowed_moment(
        engine, datetime.combine(until, time.min, tzinfo=engine.tz), weekends_allowed=False
    )
    waiting = Commitment.objects.filter(
        client=client, kind__in=[FOLLOW_UP, CALL], state__in=ACTIVE_STATES, visible_from__lt=back
    )
    moved = waiting.update(visible_from=back)
    waiting_action = Commitment.objects.filter(
        client=client, kind__in=[FOLLOW_UP, CALL], state__in=ACTIVE_STATES, action_at__lt=back
    )
    waiting_action.update(action_at=back)
    return moved


def _reader_language(client: Client) -> str:
    manager = client.account_manager
    return (manager.language if manager else "") or settings.LANGUAGE_CODE


def _bounce_join(email: InboundEmail, mail: ParsedMail, *, at: datetime) -> bool:
    """Join a bounce to the message it bounces: that delivery fails, with the reason on the timeline."""
    named = [i for i in [mail.bounced_message_id, mail.in_reply_to, *mail.references] if i]
    send = (
        EmailSend.objects.filter(message_id__in=named)
        .select_related("outbox__message__conversation", "outbox__client")
        .first()
        if named
        else None
    )
    if send is None:
        return False
    outbox = send.outbox
    recipient = mail.bounced_recipient or send.recipients.split(",")[0].strip()
    permanent = is_permanent(mail.bounce_status) or not mail.bounce_status
    reason = " ".join(
        p for p in [mail.bounce_status, mail.bounce_diagnostic or mail.text[:300]] if p
    )[:400]
    with translation.override(_reader_language(outbox.client)):
        line = _("Not delivered to %(address)s: %(reason)s") % {
            "address": recipient,
            "reason": reason or _("the server gave no reason"),
        }
    type(outbox).objects.filter(
        pk=outbox.pk, state__in=[OutboxState.SENT, OutboxState.SENDING, OutboxState.QUEUED]
    ).update(state=OutboxState.FAILED, last_error=line[:2000])
    message_record(
        client=outbox.client,
        channel="email",
        direction=Direction.IN,
        sent_at=mail.date,
        text=line,
        at=at,
        conversation_key=outbox.message.conversation.external_key,
        external_id=mail.message_id[:200],
        author=mail.from_address[:200],
        needs_response=False,
        kind=MessageKind.EVENT,
        source=Source.EMAIL,
    )
    if permanent and recipient:
        contact = Contact.objects.filter(
            client_id=outbox.client_id, email__iexact=recipient
        ).first()
        Suppression.objects.get_or_create(
            address=recipient.lower()[:254],
            defaults={"reason": line[:500], "bounce": email, "contact": contact, "created_at": at},
        )
    InboundEmail.objects.filter(pk=email.pk).update(
        state=InboundState.BOUNCE, bounce_of=send, client=outbox.client
    )
    email.state, email.bounce_of, email.client = InboundState.BOUNCE, send, outbox.client
    return True


def unknown_sender_assign(*, email: InboundEmail, client: Client, by: User, at: datetime) -> int:
    """Triage: the sender becomes a contact of ``client`` and every mail kept from them is recorded."""
    address = email.from_address
    with transaction.atomic():
        contact_created = not client.contacts.filter(email__iexact=address).exists()
        if contact_created:
            Contact.objects.create(
                client=client, name=(email.from_name or address)[:200], email=address
            )
        placed = 0
        for kept in (
            InboundEmail.objects.filter(state=InboundState.UNKNOWN, from_address=address)
            .select_related("mailbox")
            .order_by("date", "pk")
        ):
            mail = parse(bytes(kept.raw), received_at=kept.received_at)
            verdict = Verdict(kept.classification, kept.classification_reason, kept.return_date)
            placed += email_place(
                email=kept, mail=mail, verdict=verdict, mailbox=kept.mailbox, at=at, client=client
            )
        audit_record(
            actor=by,
            action="email.sender_assign",
            obj=email,
            client_id=client.pk,
            changes={"address": address, "contact_created": contact_created, "recorded": placed},
            at=at,
        )
    return placed


@transaction.atomic
def unknown_sender_dismiss(*, email: InboundEmail, by: User, at: datetime) -> int:
    """Triage: nothing from this sender is a client's (spam, a supplier); kept, never shown again."""
    dismissed = InboundEmail.objects.filter(
        state=InboundState.UNKNOWN, from_address=email.from_address
    ).update(state=InboundState.IGNORED)
    audit_record(
        actor=by,
        action="email.sender_dismiss",
        obj=email,
        changes={"address": email.from_address, "dismissed": dismissed},
        at=at,
    )
    return dismissed


@transaction.atomic
def sender_classification_set(
    *, address: str, classification: str, by: User, at: datetime, client_id: int | None = None
) -> SenderRule:
    """An account manager's correction: this sender's mail is (or is not) automatic, from now on."""
    address = address.lower()[:254]
    previous = (
        SenderRule.objects.filter(address=address).values_list("classification", flat=True).first()
    )
    rule, _created = SenderRule.objects.update_or_create(
        address=address,
        defaults={"classification": classification, "set_by": by, "set_at": at},
    )
    InboundEmail.objects.filter(from_address=rule.address).update(
        classification=classification, classification_reason="sender rule"
    )
    audit_record(
        actor=by,
        action="email.sender_rule",
        obj=rule,
        client_id=client_id,
        changes={"address": address, "classification": [previous, classification]},
        at=at,
    )
    return rule


@transaction.atomic
def suppression_clear(*, suppression: Suppression, by: User | None, at: datetime) -> bool:
    """Someone fixed the address: mail to it goes out again."""
    client_id = suppression.contact.client_id if suppression.contact_id else None
    audit_record(
        actor=by,
        action="email.suppression_clear",
        obj=suppression,
        client_id=client_id,
        changes={"address": suppression.address, "reason": suppression.reason},
        at=at,
    )
    return bool(Suppression.objects.filter(pk=suppression.pk).delete()[0])


def suppressed(addresses: list[str]) -> list[str]:
    return list(
        Suppression.objects.filter(Q(address__in=[a.lower() for a in addresses])).values_list(
            "address", flat=True
        )
    )
