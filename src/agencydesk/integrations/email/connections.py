"""Connections to a mailbox's servers: IMAP with imap-tools, SMTP with the standard library."""

from __future__ import annotations

import smtplib
import ssl

from django.conf import settings
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from agencydesk.integrations.email.choices import Security
from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.secrets import password_decrypt


def imap_open(mailbox: Mailbox) -> BaseMailBox:
    """A logged-in IMAP connection with the mailbox's folder selected."""
    timeout = settings.EMAIL_CONNECT_TIMEOUT
    box: BaseMailBox
    if mailbox.imap_security == Security.SSL:
        box = MailBox(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
    elif mailbox.imap_security == Security.STARTTLS:
        box = MailBoxStartTls(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
    else:
        box = MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
    box.login(mailbox.username, password_decrypt(mailbox.password_encrypted), mailbox.imap_folder)
    return box


def smtp_open(mailbox: Mailbox) -> smtplib.SMTP:
    """A logged-in SMTP connection (no login when the server offers none, as a local relay)."""
    timeout = settings.EMAIL_CONNECT_TIMEOUT
    server: smtplib.SMTP
    if mailbox.smtp_security == Security.SSL:
        server = smtplib.SMTP_SSL(
            mailbox.smtp_host,
            mailbox.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(mailbox.smtp_host, mailbox.smtp_port, timeout=timeout)
        if mailbox.smtp_security == Security.STARTTLS:
            server.starttls(context=ssl.create_default_context())
    server.ehlo_or_helo_if_needed()
    if server.has_extn("auth"):
        server.login(mailbox.username, password_decrypt(mailbox.password_encrypted))
    return server


def connection_test(mailbox: Mailbox) -> list[tuple[str, bool, str]]:
    """Log in to both servers: ``(server, ok, detail)`` each; the password never appears in a detail."""
    results: list[tuple[str, bool, str]] = []
    secret = password_decrypt(mailbox.password_encrypted)
    try:
        box = imap_open(mailbox)
        try:
            status = box.folder.status(mailbox.imap_folder)
        finally:
            box.logout()
        results.append(("IMAP", True, f"{mailbox.imap_folder}: {status.get('MESSAGES', 0)}"))
    except Exception as exc:
        results.append(("IMAP", False, _clean(exc, secret)))
    try:
        server = smtp_open(mailbox)
        server.quit()
        results.append(("SMTP", True, f"{mailbox.smtp_host}:{mailbox.smtp_port}"))
    except Exception as exc:
        results.append(("SMTP", False, _clean(exc, secret)))
    return results


def _clean(exc: BaseException, secret: str) -> str:
    """An error as a person reads it, with the password cut out should a server echo it."""
    text = f"{type(exc).__name__}: {exc}"[:300]
    return text.replace(secret, "***") if secret else text
