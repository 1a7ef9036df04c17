"""What input may be: the bounds of every text and list that comes in, and safe links.

The API schemas, the forms and the models read their limits from here, so a
limit is changed in one place and the three never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000  # why an item was closed or moved by hand
LINK_MAX_LENGTH = 1_000
ATTACHMENTS_MAX = 20
# A message recorded from a channel (a long e-mail thread) and one typed in the desk.
MESSAGE_TEXT_MAX_LENGTH = 100_000
COMPOSED_TEXT_MAX_LENGTH = 20_000
# Telegram refuses a longer message ("1-4096 characters after entities parsing").
TELEGRAM_TEXT_MAX_LENGTH = 4_096

WEB_SCHEMES = ("http", "https")
ATTACHMENT_SCHEMES = ("http", "https", "mailto")

_web_url = URLValidator(schemes=list(WEB_SCHEMES))


def _scheme(value: str) -> str:
    # urlsplit drops the tabs and line breaks a browser would drop too ("java\tscript:").
    return urlsplit(value.strip()).scheme.lower()


def _is_site_path(value: str) -> bool:
    # "//host" and "/\host" are other sites to a browser, not paths of this one.
    return value.startswith("/") and not value.startswith(("//", "/\\"))


@deconstructible
class LinkValidator:
    """Accept a link only with one of ``schemes`` (and, if ``site_paths``, a path of this site).

    ``javascript:``, ``data:``, ``vbscript:`` and every other scheme run or
    embed content in the reader's browser; they are refused, not cleaned.
    """

    def __init__(self, schemes: Iterable[str], *, site_paths: bool = False) -> None:
        self.schemes = tuple(schemes)
        self.site_paths = site_paths

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(_("Give a link."), code="invalid_link")
        if any(ord(ch) < 32 or ch == "\x7f" for ch in value):
            raise ValidationError(
                _("A link cannot contain control characters."), code="invalid_link"
            )
        if self.site_paths and _is_site_path(value):
            return
        scheme = _scheme(value)
        if scheme not in self.schemes:
            raise ValidationError(
                _("Only links starting with %(schemes)s are accepted."),
                code="link_scheme",
                params={"schemes": ", ".join(f"{s}:" for s in self.schemes)},
            )
        if scheme == "mailto":
            address = value.strip()[len("mailto:") :].split("?", 1)[0]
            validate_email(address)
        else:
            _web_url(value)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LinkValidator)
            and self.schemes == other.schemes
            and self.site_paths == other.site_paths
        )


validate_web_link = LinkValidator(WEB_SCHEMES)
"""Working-file documents and other pages: http and https only, never mailto."""

validate_attachment_link = LinkValidator(ATTACHMENT_SCHEMES)
"""An attachment given through the API: a web link or an e-mail address."""

_stored_attachment = LinkValidator(ATTACHMENT_SCHEMES, site_paths=True)


def validate_attachments(value: Any) -> None:
    """A message's attachment links: a bounded list of safe links (files of our connectors are site paths)."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the attachments as a list of links."), code="invalid")
    if len(value) > ATTACHMENTS_MAX:
        raise ValidationError(
            _("At most %(limit)d attachments, not %(count)d."),
            code="too_many",
            params={"limit": ATTACHMENTS_MAX, "count": len(value)},
        )
    for item in value:
        if isinstance(item, str) and len(item) > LINK_MAX_LENGTH:
            raise ValidationError(
                _("A link may be at most %(limit)d characters long."),
                code="too_long",
                params={"limit": LINK_MAX_LENGTH},
            )
        _stored_attachment(item)


def is_safe_link(value: Any, schemes: Iterable[str] = ATTACHMENT_SCHEMES) -> bool:
    """Whether a stored link may be rendered as a link; rows saved before the validators may not."""
    try:
        LinkValidator(schemes, site_paths=True)(value)
    except ValidationError:
        return False
    return True


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units, as a textarea's ``maxlength`` does."""
    return len(text.encode("utf-16-le")) // 2
