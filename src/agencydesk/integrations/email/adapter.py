"""The outbox's e-mail channel: a client message goes out by SMTP, in its thread, never twice.

Before the SMTP call the adapter reserves the delivery (:class:`EmailSend`,
with our Message-ID). A reservation that ended ``sent`` means delivered (its
id is returned again); one left ``pending`` means the call went out and no
answer came back, so the mail may have been delivered: the row fails with a
clear reason for a person to check, and nothing resends it by itself (as for
Telegram). Refusals before the message was handed over (connection, login,
a 4xx) are temporary; a 5xx refusal of a recipient is permanent.
"""

from __future__ import annotations

import contextlib
import html
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencydesk.integrations.email.choices import InboundState, SendOutcome
from agencydesk.integrations.email.connections import smtp_open
from agencydesk.integrations.email.inbound import suppressed, thread_marker
from agencydesk.integrations.email.models import EmailNotice, EmailSend, InboundEmail, Mailbox
from agencydesk.messaging.channels import LoggedChannel
from agencydesk.messaging.models import OutboundMessage
from agencydesk.outbox.adapters import (
    Failure,
    MaybeDelivered,
    PermanentFailure,
    TemporaryFailure,
    channel_failure,
)
from agencydesk.outbox.models import OutboxRow

if TYPE_CHECKING:
    from agencydesk.messaging.models import Conversation


def ambiguous_reason() -> str:
    return _(
        "The SMTP server did not answer after the e-mail was handed over: it may have been "
        "delivered. Check the mailbox's sent mail; write it again only if it is not there."
    )


class _HandedOver(Exception):
    """The message went to the server and no answer came back."""


def _thread(conversation: Conversation) -> tuple[InboundEmail | None, list[str]]:
    """The latest client mail of the conversation, and the Message-IDs of the thread, oldest first."""
    inbound = list(
        InboundEmail.objects.filter(record__conversation=conversation, state=InboundState.RECORDED)
        .select_related("mailbox", "record")
        .order_by("date", "pk")
    )
    sent = list(
        EmailSend.objects.filter(
            outbox__message__conversation=conversation, outcome=SendOutcome.SENT
        ).order_by("reserved_at")
    )
    moments = [(m.date, m.message_id) for m in inbound] + [
        (s.reserved_at, s.message_id) for s in sent
    ]
    ids = [i for _d, i in sorted(moments)]
    client_mail = [m for m in inbound if m.record and m.record.direction == "in"]
    return (client_mail[-1] if client_mail else (inbound[-1] if inbound else None)), ids


def _recipients(row: OutboundMessage, latest: InboundEmail | None) -> list[str]:
    if latest is not None and latest.record and latest.record.direction == "in":
        return [latest.reply_to or latest.from_address]
    contacts = row.client.contacts.exclude(email="").order_by("pk")
    return [c.email.lower() for c in contacts[:1]]


def mailbox_for(conversation: Conversation, latest: InboundEmail | None) -> Mailbox | None:
    if latest is not None and latest.mailbox.is_active:
        return latest.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("pk").first()


def _html(text: str, footer: str) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip()
    )
    return (
        '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">'
        f'{paragraphs}<p style="color:#777;font-size:12px">{html.escape(footer)}</p></body></html>'
    )


def build(row: OutboundMessage, mailbox: Mailbox, *, at=None) -> tuple[EmailMessage, EmailSend]:
    """The e-mail of an outbound message (plain text and HTML, our headers), and its reservation."""
    message = row.message
    conversation = message.conversation
    latest, ids = _thread(conversation)
    recipients = _recipients(row, latest)
    if not recipients:
        raise PermanentFailure(_("The client has no contact with an e-mail address."))
    failing = suppressed(recipients)
    if failing:
        raise PermanentFailure(
            _("Mail to %(address)s bounced for good: fix the address, then clear it.")
            % {"address": ", ".join(failing)}
        )
    domain = mailbox.from_address.rpartition("@")[2] or "agencydesk.invalid"
    message_id = f"ad.{row.idempotency_key.hex}@{domain}"
    title = conversation.title or (latest.subject if latest else "")
    with translation.override(row.client.language or settings.LANGUAGE_CODE):
        if not title:
            title = _("%(agency)s for %(client)s") % {
                "agency": settings.AGENCY_NAME,
                "client": row.client.name,
            }
        footer = _("Sent from %(agency)s's client desk. Please keep %(marker)s in replies.") % {
            "agency": settings.AGENCY_NAME,
            "marker": thread_marker(conversation),
        }
    subject = title if not ids or title.lower().startswith("re:") else f"Re: {title}"
    if thread_marker(conversation) not in subject:
        subject = f"{subject} {thread_marker(conversation)}"
    mail = EmailMessage()
    mail["From"] = formataddr(
        (mailbox.from_name or str(settings.AGENCY_NAME), mailbox.from_address)
    )
    mail["To"] = ", ".join(recipients)
    if mailbox.reply_to:
        mail["Reply-To"] = mailbox.reply_to
    mail["Subject"] = subject[:400]
    mail["Date"] = format_datetime(at or timezone.now())
    mail["Message-ID"] = f"<{message_id}>"
    if ids:
        mail["In-Reply-To"] = f"<{ids[-1]}>"
        mail["References"] = " ".join(f"<{i}>" for i in ids[-20:])
    if message.automatic:
        # RFC 3834: an automatic acknowledgement; well-behaved autoresponders do not answer it.
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(f"{message.text}\n\n-- \n{footer}\n")
    mail.add_alternative(_html(message.text, footer), subtype="html")
    send = EmailSend(
        outbox=row,
        mailbox=mailbox,
        message_id=message_id,
        in_reply_to=ids[-1] if ids else "",
        references=" ".join(f"<{i}>" for i in ids[-20:]),
        recipients=", ".join(recipients),
        subject=subject[:500],
        reserved_at=at or timezone.now(),
    )
    return mail, send


def _logged(row: OutboundMessage) -> bool:
    # No mailbox set up yet: the desk records the delivery, as before the connector.
    return not Mailbox.objects.filter(is_active=True).exists()


def _owner(row: OutboxRow) -> dict[str, OutboxRow]:
    """Which column of a delivery points at ``row``."""
    return {"notice": row} if isinstance(row, EmailNotice) else {"outbox": row}


def build_notice(row: EmailNotice, mailbox: Mailbox) -> tuple[EmailMessage, EmailSend]:
    """A mail of the desk to a colleague (the digest): plain text and HTML, marked automatic."""
    domain = mailbox.from_address.rpartition("@")[2] or "agencydesk.invalid"
    message_id = f"ad.{row.idempotency_key.hex}@{domain}"
    mail = EmailMessage()
    mail["From"] = formataddr(
        (mailbox.from_name or str(settings.AGENCY_NAME), mailbox.from_address)
    )
    mail["To"] = row.to
    mail["Subject"] = row.subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = f"<{message_id}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(row.text + "\n")
    mail.add_alternative(_html(row.text, str(settings.AGENCY_NAME)), subtype="html")
    send = EmailSend(
        notice=row,
        mailbox=mailbox,
        message_id=message_id,
        recipients=row.to,
        subject=row.subject[:500],
        reserved_at=timezone.now(),
    )
    return mail, send


class EmailAdapter:
    """Delivers client e-mail through the conversation's mailbox by SMTP, and the desk's own notices."""

    name = "email"

    def send(self, row: OutboxRow) -> str:
        owner = _owner(row)
        earlier = EmailSend.objects.filter(**owner).first()
        if earlier is not None and earlier.outcome == SendOutcome.SENT:
            return earlier.message_id
        if earlier is not None and earlier.outcome == SendOutcome.PENDING:
            raise MaybeDelivered(ambiguous_reason())
        if isinstance(row, EmailNotice):
            mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
            if mailbox is None:
                raise PermanentFailure(_("No active mailbox to send from."))
            mail, send = build_notice(row, mailbox)
        else:
            assert isinstance(row, OutboundMessage)
            if _logged(row) and earlier is None:
                return LoggedChannel().send(row)
            latest, _ids = _thread(row.message.conversation)
            mailbox = mailbox_for(row.message.conversation, latest)
            if mailbox is None:
                raise PermanentFailure(_("No active mailbox to send from."))
            mail, send = build(row, mailbox)
        if earlier is not None:  # an earlier attempt was refused before sending: the same id again
            send.pk, send.message_id = earlier.pk, earlier.message_id
            del mail["Message-ID"]
            mail["Message-ID"] = f"<{earlier.message_id}>"
        send.outcome = SendOutcome.PENDING
        send.error = ""
        send.save()
        return self._deliver(send, mail, mailbox)

    def _deliver(self, send: EmailSend, mail: EmailMessage, mailbox: Mailbox) -> str:
        try:
            server = smtp_open(mailbox)
        except (OSError, smtplib.SMTPException) as exc:
            self._refused(send, exc)
            raise TemporaryFailure(
                _("SMTP server not reachable: %(error)s") % {"error": exc}
            ) from exc
        try:
            try:
                refused = server.send_message(mail)
            except smtplib.SMTPRecipientsRefused as exc:
                self._refused(send, exc)
                codes = [code for code, _m in exc.recipients.values()]
                if any(code >= 500 for code in codes):
                    raise PermanentFailure(
                        _("The SMTP server refused the recipient: %(error)s") % {"error": exc}
                    ) from exc
                raise TemporaryFailure(str(exc)) from exc
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                self._refused(send, exc)
                if exc.smtp_code >= 500:
                    raise PermanentFailure(
                        _("The SMTP server refused the e-mail: %(error)s") % {"error": exc}
                    ) from exc
                raise TemporaryFailure(str(exc)) from exc
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                raise _HandedOver(str(exc)) from exc
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                server.quit()
        EmailSend.objects.filter(pk=send.pk).update(
            outcome=SendOutcome.SENT, error=str(refused)[:500] if refused else ""
        )
        return send.message_id

    @staticmethod
    def _refused(send: EmailSend, exc: BaseException) -> None:
        EmailSend.objects.filter(pk=send.pk).update(
            outcome=SendOutcome.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
        )

    def classify(self, exc: Exception) -> Failure | None:
        if isinstance(exc, _HandedOver):
            return Failure.final(f"{ambiguous_reason()} ({exc})")
        return channel_failure(exc)

    def reconcile(self, row: OutboxRow) -> str | None:
        send = EmailSend.objects.filter(**_owner(row)).first()
        if send is None:
            if isinstance(row, OutboundMessage) and _logged(row):
                return LoggedChannel().reconcile(row)
            return None
        if send.outcome == SendOutcome.FAILED:
            return None
        if send.outcome == SendOutcome.SENT:
            return send.message_id
        raise MaybeDelivered(ambiguous_reason())
