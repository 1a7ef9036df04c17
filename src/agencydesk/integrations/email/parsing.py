"""Reading one raw e-mail: headers decoded (RFC 2047), body in any charset, attachments, bounces.

Only the standard library's :mod:`email` parses MIME; quoted text and
signatures are split off by ``mail-parser-reply`` (with the quote headers of
Russian, Ukrainian and Bulgarian mail programs from :mod:`.quotes`). A message the parser cannot
make sense of is still returned (with its raw bytes kept by the caller) and a
``warning`` that says what was wrong.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from mailparser_reply import EmailMessage as ReplyParts

from agencydesk.integrations.email import quotes
from agencydesk.integrations.email.models import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

MAX_TEXT = 100_000
_MSGID = re.compile(r"<([^<>\s]{1,250})>")
# Charsets mail programs put on Cyrillic mail, and their names as they write them.
_CHARSET_ALIASES = {"win-1251": "cp1251", "windows-1251": "cp1251", "koi8r": "koi8-r"}
_TAGS = re.compile(r"<[^>]*>")
_BLOCKS = re.compile(r"(?i)<\s*(br|/p|/div|/tr|/h\d|/li)\s*/?>")
_DROP = re.compile(r"(?is)<(script|style|head)[^>]*>.*?</\1\s*>")


@dataclass
class ParsedAttachment:
    file_name: str
    mime_type: str
    size: int
    content: bytes | None  # None: too large to keep


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: str
    references: list[str]
    from_address: str
    from_name: str
    reply_to: str
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime
    text: str  # the newest part, quoted text and signature folded away
    quoted: str
    headers: dict[str, str]
    content_type: str
    report_type: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    bounced_message_id: str = ""
    bounced_recipient: str = ""
    bounce_status: str = ""
    bounce_diagnostic: str = ""
    warning: str = ""


def message_ids(value: str | None) -> list[str]:
    """The ``<id>`` values of a Message-ID, In-Reply-To or References header, in order."""
    return _MSGID.findall(value or "")


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot decode: keep what it can show
        value = msg.get_all(name, [""])[0] if hasattr(msg, "get_all") else ""
    return " ".join(str(value or "").split())


def _charset(part: Message) -> str:
    name = (part.get_content_charset() or "utf-8").lower()
    return _CHARSET_ALIASES.get(name, name)


def _decode(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = _charset(part)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    text = _DROP.sub("", markup)
    text = _BLOCKS.sub("\n", text)
    text = _TAGS.sub("", text)
    lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _fold(text: str) -> tuple[str, str]:
    """The newest reply, and the quoted text and signatures below it."""
    if not text.strip():
        return "", ""
    try:
        # A client's list of edits ("- logo bigger") is the message, not a signature.
        parsed = ReplyParts(
            text=text, languages=list(quotes.LANGUAGES), keep_hyphen_lists=True
        ).read()
        # The newest reply without its sign-off: the signature goes into the fold too.
        newest = parsed.replies[0].body.strip() if parsed.replies else ""
    except Exception:  # the parser's regexes on a strange body: show it whole
        return text.strip(), ""
    if not newest:
        return text.strip(), ""
    rest = text.strip()
    rest = rest[len(newest) :].strip() if rest.startswith(newest) else ""
    if not rest:
        # The parser cut the quote out of the middle: what it removed is the fold.
        rest = "\n".join(r.full_body for r in parsed.replies[1:]).strip()
    return newest, rest


def _date(msg: Message, fallback: datetime) -> datetime:
    raw = _header(msg, "Date")
    try:
        value = parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        return fallback
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _addresses(msg: Message, name: str) -> list[str]:
    values = [str(v) for v in (msg.get_all(name) or [])]
    return [addr.lower() for _n, addr in getaddresses(values) if "@" in addr][:50]


def _bounce_details(msg: Message, mail: ParsedMail) -> None:
    """A DSN (RFC 3464): the failing recipient, its status, and which message of ours it bounces."""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            for block in blocks:
                recipient = str(
                    block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                )
                if recipient and not mail.bounced_recipient:
                    mail.bounced_recipient = recipient.rpartition(";")[2].strip().lower()
                status = str(block.get("Status") or "")
                if status and not mail.bounce_status:
                    mail.bounce_status = status.strip()[:20]
                diagnostic = str(block.get("Diagnostic-Code") or "")
                if diagnostic and not mail.bounce_diagnostic:
                    mail.bounce_diagnostic = " ".join(diagnostic.split())[:400]
        elif kind in ("message/rfc822", "text/rfc822-headers") and not mail.bounced_message_id:
            if kind == "message/rfc822":
                inner = part.get_payload()
                original = inner[0] if isinstance(inner, list) and inner else None
                ids = message_ids(_header(original, "Message-ID")) if original else []
            else:
                text = _decode(part)
                found = re.search(r"(?im)^message-id:\s*(<[^>]+>)", text)
                ids = message_ids(found.group(1)) if found else []
            if ids:
                mail.bounced_message_id = ids[0]


def parse(raw: bytes, *, received_at: datetime) -> ParsedMail:
    """Everything the desk reads from one raw e-mail; never raises on bad input."""
    warnings: list[str] = []
    msg = message_from_bytes(raw, policy=policy.default)
    if msg.defects:
        warnings.append("; ".join(type(d).__name__ for d in msg.defects)[:200])
    ids = message_ids(_header(msg, "Message-ID"))
    message_id = ids[0] if ids else f"sha256-{hashlib.sha256(raw).hexdigest()}@missing"
    if not ids:
        warnings.append("no Message-ID")
    from_name, from_address = parseaddr(_header(msg, "From"))
    reply_to = parseaddr(_header(msg, "Reply-To"))[1]
    headers: dict[str, str] = {}
    for name in msg:
        key = name.lower()
        if key not in headers:
            headers[key] = _header(msg, name)[:500]
    plain: list[str] = []
    markup: list[str] = []
    attachments: list[ParsedAttachment] = []
    try:
        for part in msg.walk():
            if part.is_multipart():
                continue
            kind = part.get_content_type()
            disposition = part.get_content_disposition()
            filename = part.get_filename()
            if kind.startswith("message/") or kind == "text/rfc822-headers":
                continue
            if disposition == "attachment" or filename or not kind.startswith("text/"):
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if len(attachments) >= MAX_ATTACHMENTS:
                    warnings.append("too many attachments: the rest were not kept")
                    break
                attachments.append(
                    ParsedAttachment(
                        file_name=(filename or f"attachment-{len(attachments) + 1}")[:255],
                        mime_type=kind[:100],
                        size=len(data),
                        content=data if len(data) <= MAX_ATTACHMENT_BYTES else None,
                    )
                )
            elif kind == "text/html":
                markup.append(_decode(part))
            else:
                plain.append(_decode(part))
    except Exception as exc:  # broken MIME structure: keep the raw mail, say so
        warnings.append(f"MIME could not be read: {type(exc).__name__}")
    body = "\n\n".join(p for p in plain if p.strip()) or html_to_text("\n".join(markup))
    if not body and not attachments and not msg.is_multipart():
        # A part the parser could not place at all: show its raw text.
        payload = msg.get_payload()
        body = payload if isinstance(payload, str) else ""
    body = body.replace("\r\n", "\n")[:MAX_TEXT]
    newest, quoted = _fold(body)
    mail = ParsedMail(
        message_id=message_id[:255],
        in_reply_to=(message_ids(_header(msg, "In-Reply-To")) or [""])[0][:255],
        references=message_ids(_header(msg, "References"))[-30:],
        from_address=from_address.lower()[:254],
        from_name=from_name[:200],
        reply_to=reply_to.lower()[:254],
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        subject=_header(msg, "Subject")[:500],
        date=_date(msg, received_at),
        text=newest,
        quoted=quoted,
        headers=headers,
        content_type=msg.get_content_type(),
        report_type=str(msg.get_param("report-type", "") or "").lower(),
        attachments=attachments,
    )
    if mail.content_type == "multipart/report" or mail.report_type == "delivery-status":
        _bounce_details(msg, mail)
    if not from_address:
        warnings.append("no sender address")
    mail.warning = "; ".join(warnings)[:500]
    return mail


def as_email_message(raw: bytes) -> EmailMessage:
    """The raw bytes as a standard-library message (for tests and tools)."""
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed
