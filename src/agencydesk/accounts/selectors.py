"""Reads about users and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F, QuerySet

from agencydesk.accounts.choices import Role
from agencydesk.accounts.models import Absence, ApiToken, User
from agencydesk.accounts.services import person_today, token_digest
from agencydesk.core.selectors import one_or_none

# Writing last_used_at on every request would make every API read a write.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def api_token_user(*, raw: str, at: datetime) -> User | None:
    """The active user a raw Bearer token belongs to, or None."""
    if not raw:
        return None
    token = one_or_none(
        ApiToken.objects.select_related("user").filter(
            digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True
        )
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


def api_tokens_of(*, user: User) -> list[ApiToken]:
    """The person's own tokens, live ones first, then the revoked ones."""
    return list(
        ApiToken.objects.filter(user=user).order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at"
        )
    )


@dataclass(frozen=True)
class Lockout:
    """A name refused at sign-in now: how many failures, from where, until when."""

    username: str
    addresses: list[str]
    failures: int
    last_attempt: datetime
    until: datetime
    user: User | None


def lockouts_current(*, user: User, at: datetime) -> list[Lockout]:
    """The names locked out of sign-in at ``at``, for administrators (others see none)."""
    if not user.is_admin:
        return []
    cool_off = get_cool_off() or timedelta(0)
    rows = (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=at - cool_off,
        )
        .order_by("-attempt_time")
        .values_list("username", "ip_address", "failures_since_start", "attempt_time")
    )
    grouped: dict[str, dict[str, Any]] = {}
    for username, address, failures, attempt_time in rows:
        entry = grouped.setdefault(
            username or "", {"addresses": [], "failures": 0, "last": attempt_time}
        )
        if address and address not in entry["addresses"]:
            entry["addresses"].append(address)
        entry["failures"] += failures
    users = User.objects.in_bulk(list(grouped), field_name="username")
    return [
        Lockout(
            username=username,
            addresses=entry["addresses"],
            failures=entry["failures"],
            last_attempt=entry["last"],
            until=entry["last"] + cool_off,
            user=users.get(username),
        )
        for username, entry in grouped.items()
    ]


def people_of_agency(*, user: User) -> list[User]:
    """Everyone, switched-off people last, for the team page of directors (others see nobody)."""
    if not (user.is_active and user.is_director):
        return []
    return list(User.objects.order_by("-is_active", "first_name", "last_name", "username"))


def absences_ahead(*, user_ids: list[int], at: datetime) -> dict[int, list[Absence]]:
    """Each person's absences that are not over yet at ``at`` (in their own time zone), by person."""
    # A day of slack either side of UTC: the exact cut is each person's own date, made below.
    rows = Absence.objects.filter(
        user_id__in=user_ids, ends_on__gte=(at - timedelta(days=1)).date()
    ).select_related("user")
    ahead: dict[int, list[Absence]] = {}
    for absence in rows:
        today = person_today(absence.user, at)
        if absence.ends_on >= today:
            absence.is_now = absence.starts_on <= today  # type: ignore[attr-defined]
            ahead.setdefault(absence.user_id, []).append(absence)
    return ahead


def away_on(*, user: User, at: datetime) -> tuple[date, date] | None:
    """The first and last day of the absence the person is in at ``at`` (their own day), or None.

    Reads the person's ``days_away`` (kept beside the absences): no query.
    """
    if not user.days_away:
        return None
    today = person_today(user, at).isoformat()
    for first, last in user.days_away:
        if first <= today <= last:
            return date.fromisoformat(first), date.fromisoformat(last)
    return None
