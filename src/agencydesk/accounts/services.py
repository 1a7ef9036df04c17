"""Writes about users, their sign-in and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.choices import Role
from agencydesk.accounts.handovers import HANDOVERS
from agencydesk.accounts.models import Absence, ApiToken, User
from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot

TOKEN_PREFIX = "ad_"  # noqa: S105 - a public prefix, not a secret
PROFILE_FIELDS = ["language", "timezone"]
PERSON_FIELDS = ["first_name", "last_name", "email", "role", "language", "timezone"]
# An absence longer than a year is a departure: switch the person off instead.
MAX_ABSENCE_DAYS = 366


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


# --- the team: people managed by directors, without the back office ----------------------------


def _require_team_manager(by: User, *, role: str = "", person: User | None = None) -> None:
    """Directors manage the team; only an administrator grants or touches an administrator."""
    if not (by.is_active and by.is_director):
        raise PermissionDenied(_("Only a director manages the team."))
    touches_admin = role == Role.ADMIN or (person is not None and person.is_admin)
    if touches_admin and not by.is_admin:
        raise PermissionDenied(_("Only an administrator can manage an administrator."))


def _check_email_free(email: str, *, person: User | None = None) -> None:
    taken = User.objects.filter(email__iexact=email)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    other = taken.first()
    if other is not None:
        raise ValidationError(
            {
                "email": ValidationError(
                    _("%(email)s is already the address of %(name)s."),
                    code="duplicate",
                    params={"email": email, "name": str(other)},
                )
            }
        )


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    language: str,
    timezone: str,
    at: datetime,
) -> User:
    """A new person of the agency, without a password: they set one through the link they get."""
    _require_team_manager(by, role=role)
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": _("A new person needs an e-mail address for their link.")})
    _check_email_free(email)
    validate_time_zone(timezone)
    person = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        role=role,
        language=language,
        timezone=timezone,
        is_active=True,
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    audit_record(
        actor=by,
        action="user.create",
        obj=person,
        changes={f: [None, getattr(person, f)] for f in ["username", *PERSON_FIELDS]},
        at=at,
    )
    return person


@transaction.atomic
def user_update(
    *,
    person: User,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    language: str,
    timezone: str,
    at: datetime,
) -> User:
    """A director changes a person's name, address, role, language or time zone; audited."""
    _require_team_manager(by, role=role, person=person)
    if person.pk == by.pk and role != person.role:
        raise ValidationError({"role": _("You cannot change your own role.")})
    email = email.strip().lower()
    if email:
        _check_email_free(email, person=person)
    validate_time_zone(timezone)
    before = model_snapshot(person, PERSON_FIELDS)
    person.first_name, person.last_name = first_name.strip(), last_name.strip()
    person.email, person.role, person.language, person.timezone = email, role, language, timezone
    person.full_clean(exclude=["password"])
    changes = diff_snapshots(before, model_snapshot(person, PERSON_FIELDS))
    if changes:
        person.save(update_fields=PERSON_FIELDS)
        audit_record(actor=by, action="user.update", obj=person, changes=changes, at=at)
    return person


def user_open_items(*, person: User) -> int:
    """How many open things the person holds that a deactivation would hand over."""
    return sum(h.count(person) for h in HANDOVERS)


@transaction.atomic
def user_deactivate(*, person: User, by: User, at: datetime) -> int:
    """Switch a person off: no sign-in, no API; their open items go on (see ``HANDOVERS``).

    Returns how many open items were handed over. The clients they run keep
    them as account manager until a director names another, but every new item
    of those clients goes to the client's backup (``responsible_for``).
    """
    _require_team_manager(by, person=person)
    if person.pk == by.pk:
        raise ValidationError(_("You cannot switch off your own account."))
    changed = User.objects.filter(pk=person.pk, is_active=True).update(is_active=False)
    if not changed:
        return 0
    person.is_active = False
    moved = sum(h.apply(person, by, at) for h in HANDOVERS)
    audit_record(
        actor=by,
        action="user.deactivate",
        obj=person,
        changes={"is_active": [True, False], "open_items_handed_over": [moved, 0]},
        at=at,
    )
    return moved


@transaction.atomic
def user_activate(*, person: User, by: User, at: datetime) -> bool:
    """Switch a person back on; False when they were on already."""
    _require_team_manager(by, person=person)
    changed = User.objects.filter(pk=person.pk, is_active=False).update(is_active=True)
    if not changed:
        return False
    person.is_active = True
    audit_record(
        actor=by, action="user.activate", obj=person, changes={"is_active": [False, True]}, at=at
    )
    return True


@transaction.atomic
def user_password_reset_request(*, person: User, by: User, at: datetime) -> None:
    """A director sends a person a link to set a new password; the caller sends it on commit."""
    _require_team_manager(by, person=person)
    if not person.is_active:
        raise ValidationError(_("Switch the account on before sending a link."))
    if not person.email:
        raise ValidationError(_("Give the person an e-mail address first."))
    audit_record(
        actor=by,
        action="user.password_reset_sent",
        obj=person,
        changes={"email": [None, person.email]},
        at=at,
    )


# --- absence -------------------------------------------------------------------------------------


def _require_absence_editor(person: User, by: User) -> None:
    if not by.is_active or (by.pk != person.pk and not by.is_director):
        raise PermissionDenied(_("Only the person or a director marks their days away."))


def person_today(person: User, at: datetime) -> date:
    """The calendar day it is for the person at ``at``, in their own time zone."""
    return at.astimezone(zoneinfo.ZoneInfo(person.timezone)).date()


def _days_away_sync(person: User, at: datetime) -> None:
    """Copy the absences not over yet onto the person, where ``away_on`` reads them."""
    today = person_today(person, at)
    person.days_away = [
        [first.isoformat(), last.isoformat()]
        for first, last in Absence.objects.filter(user=person, ends_on__gte=today)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    ]
    User.objects.filter(pk=person.pk).update(days_away=person.days_away)


@transaction.atomic
def absence_add(
    *, person: User, by: User, starts_on: date, ends_on: date, note: str = "", at: datetime
) -> Absence:
    """Mark days away (both included); refused when they overlap days already marked."""
    _require_absence_editor(person, by)
    errors: dict[str, str] = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day away cannot be before the first.")
    elif ends_on < person_today(person, at):
        errors["ends_on"] = _("These days are already past.")
    elif ends_on - starts_on >= timedelta(days=MAX_ABSENCE_DAYS):
        errors["ends_on"] = _("An absence is at most %(days)d days.") % {"days": MAX_ABSENCE_DAYS}
    if errors:
        raise ValidationError(errors)
    overlap = Absence.objects.filter(
        user=person, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlap is not None:
        raise ValidationError(
            {
                "starts_on": _("These days overlap the absence of %(start)s–%(end)s.")
                % {"start": overlap.starts_on.isoformat(), "end": overlap.ends_on.isoformat()}
            }
        )
    absence = Absence(
        user=person,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        created_by=by,
        created_at=at,
    )
    absence.full_clean()
    absence.save()
    _days_away_sync(person, at)
    audit_record(
        actor=by,
        action="absence.add",
        obj=absence,
        changes={
            "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, ends_on.isoformat()],
        },
        at=at,
    )
    return absence


@transaction.atomic
def absence_remove(*, absence: Absence, by: User, at: datetime) -> None:
    """Take back marked days (the person stays after all, or came back early)."""
    _require_absence_editor(absence.user, by)
    audit_record(
        actor=by,
        action="absence.remove",
        obj=absence,
        changes={
            "starts_on": [absence.starts_on.isoformat(), None],
            "ends_on": [absence.ends_on.isoformat(), None],
        },
        at=at,
    )
    absence.delete()
    _days_away_sync(absence.user, at)
