"""Signed, expiring links for people outside the desk: a client's approver, a meeting participant.

A link carries no login. Its token names what it is for (the purpose), the object,
the contact it was made for, the version of the object it shows (an approval's
round, the minutes' version) and when it expires, signed with the site's secret
under a salt of its own purpose, so a token made for one purpose never reads as
another. Opening a link only ever shows; deciding is the domain's own POST, which
re-reads the claim and checks the object's current state (round closed, newer
version) itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.core import signing

# A token is a few hundred characters; anything longer is not ours and is refused unread.
MAX_TOKEN_LENGTH = 400


class LinkProblem(StrEnum):
    """Why a link opens nothing (each has a page of its own that says so)."""

    TAMPERED = "tampered"
    EXPIRED = "expired"
    FOREIGN = "foreign"


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a valid token says: for which object, which contact, which version, until when."""

    purpose: str
    object_id: int
    contact_id: int
    version: int
    expires_at: dt.datetime


def _salt(purpose: str) -> str:
    return f"agencydesk.link.{purpose}"


def link_token(
    *, purpose: str, object_id: int, contact_id: int, version: int, expires_at: dt.datetime
) -> str:
    """The URL-safe token of a link (``expires_at`` must be aware)."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be aware")
    payload = {"o": object_id, "c": contact_id, "v": version, "e": int(expires_at.timestamp())}
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def link_claim(token: str, *, purpose: str, now: dt.datetime) -> LinkClaim | LinkProblem:
    """Read a token back: its claim, or why it is refused (tampered, expired, made for something else)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return LinkProblem.TAMPERED
    try:
        payload = signing.loads(token, salt=_salt(purpose))
    except signing.BadSignature:
        return _problem_of_unreadable(token)
    try:
        claim = LinkClaim(
            purpose=purpose,
            object_id=int(payload["o"]),
            contact_id=int(payload["c"]),
            version=int(payload["v"]),
            expires_at=dt.datetime.fromtimestamp(int(payload["e"]), tz=dt.UTC),
        )
    except (KeyError, TypeError, ValueError):
        return LinkProblem.TAMPERED
    if now >= claim.expires_at:
        return LinkProblem.EXPIRED
    return claim


def _problem_of_unreadable(token: str) -> LinkProblem:
    # A genuine token of another purpose fails our salt; it is foreign, not forged.
    # Signatures are checked against every known purpose's salt only to say which.
    for other in KNOWN_PURPOSES:
        try:
            signing.loads(token, salt=_salt(other))
        except signing.BadSignature:
            continue
        return LinkProblem.FOREIGN
    return LinkProblem.TAMPERED


def link_claim_for(
    token: str, *, purpose: str, object_id: int, now: dt.datetime
) -> LinkClaim | LinkProblem:
    """Like ``link_claim``, and the token must be about this object (another request's link is foreign)."""
    claim = link_claim(token, purpose=purpose, now=now)
    if isinstance(claim, LinkClaim) and claim.object_id != object_id:
        return LinkProblem.FOREIGN
    return claim


# The purposes in use; a purpose is added here by the app that makes its links.
KNOWN_PURPOSES: list[str] = []


def register_purpose(purpose: str) -> None:
    """Declare a purpose (from an app's ``AppConfig.ready``), so its tokens are told apart from forgeries."""
    if purpose not in KNOWN_PURPOSES:
        KNOWN_PURPOSES.append(purpose)
