"""Which arriving e-mails are a person writing, and which are machines (never a client's answer).

Header rules (RFC 3834, RFC 3464 and what Gmail, Exchange, Yandex and Mail.ru
send), in order; the first that matches decides. An account manager's
correction for a sender (:class:`~.models.SenderRule`) wins over every rule but
the loop one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from agencydesk.integrations.email.choices import Classification
from agencydesk.integrations.email.parsing import ParsedMail

BULK_PRECEDENCE = {"bulk", "list", "junk"}
# Subjects of out-of-office replies, in the languages of the agency's clients.
_OUT_OF_OFFICE = re.compile(
    r"(?i)out of (the )?office|automatic reply|away from|on vacation|"
    r"vacation|absent|отсутств|в отпуске|автоматический ответ|нет на месте|"
    r"відсутн|у відпустці|автовідповідь|автоматична відповідь|отсъств|в отпуск|автоматичен отговор"
)
_DAEMON = re.compile(r"(?i)^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@")
_NUMERIC_DATE = re.compile(
    r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b|\b(\d{4})-(\d{2})-(\d{2})\b"
)


@dataclass(frozen=True)
class Verdict:
    classification: str
    reason: str
    return_date: date | None = None


def _return_date(text: str, after: datetime) -> date | None:
    """The first date in an out-of-office text that lies ahead (dd.mm.yyyy, dd/mm/yyyy or ISO)."""
    for match in _NUMERIC_DATE.finditer(text[:5000]):
        try:
            if match.group(4):
                found = date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
            else:
                year = int(match.group(3))
                year = year + 2000 if year < 100 else year
                found = date(year, int(match.group(2)), int(match.group(1)))
        except ValueError:
            continue
        if found >= after.date():
            return found
    return None


def _automatic(mail: ParsedMail) -> str:
    """Why the mail is automatic, or "" if no header says so."""
    h = mail.headers
    auto_submitted = h.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted[:40]}"
    for name in ("x-autoreply", "x-autorespond"):
        if name in h:
            return f"{name.title()}: {h[name][:40]}"
    precedence = h.get("precedence", "").strip().lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if h.get("x-auto-response-suppress", "").strip().lower() == "all" and (
        "x-ms-exchange-inbox-rules-loop" in h
    ):
        return "X-Auto-Response-Suppress: All + X-MS-Exchange-Inbox-Rules-Loop"
    if "return-path" in h and h["return-path"].strip() in ("<>", ""):
        return "Return-Path: <>"
    return ""


def classify(mail: ParsedMail, *, ours: bool, rule: str | None, received_at: datetime) -> Verdict:
    """The verdict on one mail; ``ours``: its Message-ID is one the desk sent (a loop)."""
    if ours:
        return Verdict(Classification.LOOP, "Message-ID is ours")
    if rule:
        return Verdict(rule, "sender rule")
    h = mail.headers
    if mail.content_type == "multipart/report" and mail.report_type == "delivery-status":
        return Verdict(Classification.BOUNCE, "multipart/report; report-type=delivery-status")
    if _DAEMON.match(mail.from_address) and h.get("return-path", "").strip() in ("<>", ""):
        return Verdict(Classification.BOUNCE, "from the mailer daemon")
    precedence = h.get("precedence", "").strip().lower()
    automatic = _automatic(mail)
    if automatic:
        if _OUT_OF_OFFICE.search(mail.subject) or _OUT_OF_OFFICE.search(mail.text[:500]):
            return Verdict(
                Classification.OUT_OF_OFFICE,
                automatic,
                _return_date(f"{mail.subject}\n{mail.text}", received_at),
            )
        return Verdict(Classification.AUTO_REPLY, automatic)
    if precedence in BULK_PRECEDENCE:
        return Verdict(Classification.BULK, f"Precedence: {precedence}")
    if "list-unsubscribe" in h and ("list-id" in h or "list-unsubscribe-post" in h or precedence):
        return Verdict(Classification.BULK, "List-Unsubscribe on bulk mail")
    return Verdict(Classification.HUMAN, "")


def is_permanent(status: str) -> bool:
    """A DSN status of class 5 (5.1.1 no such user…) fails for good; 4.x.x is temporary."""
    return status.strip().startswith("5")
