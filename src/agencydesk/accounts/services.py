"""Writes about users, their sign-in and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Literal

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import ApiToken, User
from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot

TOKEN_PREFIX = "ad_"  # noqa: S105 - a public prefix, not a secret
PROFILE_FIELDS = ["language", "timezone"]


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    # Reading the tz database on every save would walk the tzdata folder each time.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    """Refuse anything but an IANA time zone name such as ``Europe/Moscow``."""
    if name not in _time_zones():
        message = _("“%(name)s” is not a time zone name such as Europe/Moscow.")
        raise ValidationError(
            {"timezone": ValidationError(message, code="invalid", params={"name": name})}
        )


@transaction.atomic
def api_token_create(*, user: User, name: str = "", at: datetime) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip(), prefix=raw[:10], digest=token_digest(raw), created_at=at
    )
    token.full_clean(exclude=["user"])
    token.save()
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        changes={"name": [None, token.name], "prefix": [None, token.prefix]},
        at=at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, at: datetime) -> bool:
    """Revoke a token; False (and no audit row) when it was revoked already."""
    # Conditional, so two clicks or two workers never revoke (and audit) twice.
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at)
    if not changed:
        return False
    token.revoked_at = at
    audit_record(
        actor=by,
        action="api_token.revoke",
        obj=token,
        changes={"revoked_at": [None, at.isoformat()]},
        at=at,
    )
    return True


@transaction.atomic
def user_profile_update(*, user: User, language: str, timezone: str, at: datetime) -> User:
    """Set a person's interface language (blank: the browser's) and their own time zone."""
    validate_time_zone(timezone)
    before = model_snapshot(user, PROFILE_FIELDS)
    user.language = language
    user.timezone = timezone
    user.full_clean(validate_unique=False, exclude=["password"])
    changes = diff_snapshots(before, model_snapshot(user, PROFILE_FIELDS))
    if changes:
        user.save(update_fields=PROFILE_FIELDS)
        audit_record(actor=user, action="user.profile_update", obj=user, changes=changes, at=at)
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_password_record(*, user: User, how: Literal["change", "reset"], at: datetime) -> int:
    """Record a new password (Django's own form has set it) and end the person's lockouts.

    Whoever proves they own the account, by the old password or by the link sent
    to their address, is let back in at once from every address: the failures
    counted against their name may be someone else's. Returns the attempts cleared.
    """
    cleared = axes_reset(username=user.get_username())
    audit_record(
        actor=user,
        action=f"user.password_{how}",
        obj=user,
        changes={"lockout_attempts_cleared": [cleared, 0]} if cleared else {},
        at=at,
    )
    return cleared


@transaction.atomic
def user_lockout_clear(*, username: str, by: User, at: datetime) -> int:
    """An administrator ends the sign-in lockout of ``username`` (every address); audited."""
    if not by.is_admin:
        raise ValidationError(_("Only an administrator can clear a sign-in lockout."))
    subject: User | AccessAttempt | None = User.objects.filter(username=username).first()
    if subject is None:
        # Attackers try names nobody has; those attempts are cleared just the same.
        subject = AccessAttempt.objects.filter(username=username).first()
    if subject is None:
        return 0
    cleared = axes_reset(username=username)
    audit_record(
        actor=by,
        action="user.lockout_clear",
        obj=subject,
        changes={"lockout_attempts_cleared": [cleared, 0]},
        reason=username if not isinstance(subject, User) else "",
        at=at,
    )
    return cleared
