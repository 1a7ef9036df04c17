"""Writes about users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction

from agencydesk.accounts.models import ApiToken, User
from agencydesk.core.services import audit_record

TOKEN_PREFIX = "ad_"  # noqa: S105 - a public prefix, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "", at: datetime) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:10], digest=token_digest(raw), created_at=at)
    token.full_clean()
    token.save()
    audit_record(actor=user, action="api_token.create", obj=token, at=at)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, at: datetime) -> ApiToken:
    token.revoked_at = at
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action="api_token.revoke", obj=token, at=at)
    return token


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
    return user
