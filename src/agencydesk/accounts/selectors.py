"""Reads about users and API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from agencydesk.accounts.choices import Role
from agencydesk.accounts.models import ApiToken, User
from agencydesk.accounts.services import token_digest

# Writing last_used_at on every request would make every API read a write.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def api_token_user(*, raw: str, at: datetime) -> User | None:
    """The active user a raw Bearer token belongs to, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or at - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


def account_managers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.DIRECTOR])


def active_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True)
