"""Raw e-mails as mail programs and servers write them, for the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

WHEN = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def mail(
    *,
    message_id: str,
    sender: str = "Алексей Громов <gromov@acme.test>",
    to: str = "desk@agency.test",
    subject: str = "Макет баннера",
    body: str = "Добрый день! Посмотрите, пожалуйста, макет?",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    when: datetime = WHEN,
    html: str = "",
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, kind, data in attachments or []:
        main, sub = kind.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(msg)


def dsn(
    *, bounced_id: str, recipient: str, status: str = "5.1.1", message_id: str = "dsn-1@mx.test"
) -> bytes:
    """A delivery-status notification (RFC 3464) as Postfix writes it."""
    boundary = "dsn-boundary-1"
    return (
        f"Return-Path: <>\r\n"
        f"From: MAILER-DAEMON@mx.acme.test (Mail Delivery System)\r\n"
        f"To: desk@agency.test\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(WHEN)}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        f"\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.acme.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: failed\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown\r\n\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: message/rfc822\r\n\r\n"
        f"From: desk@agency.test\r\n"
        f"To: {recipient}\r\n"
        f"Subject: Re: banner\r\n"
        f"Message-ID: <{bounced_id}>\r\n\r\n"
        f"Our text.\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
