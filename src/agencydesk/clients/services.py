"""Writes of the client register. Each is one transaction with an audit row."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Required, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.calendars.selectors import calendar_default
from agencydesk.calendars.services import (
    CalendarFields,
    ExceptionRow,
    calendar_copy,
    calendar_exceptions_replace,
    calendar_save,
)
from agencydesk.clients.models import Client
from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot

if TYPE_CHECKING:
    from typing_extensions import Unpack

# Called in the same transaction when a client's account manager or backup changes:
# ``handover(client=, previous={"account_manager": user|None, "backup_manager": …}, by=, at=)``.
# The ledger registers itself here (commitments' AppConfig.ready), so open
# commitments follow the people who now run the client, and the register need
# not know the ledger.
MANAGER_HANDOVERS: list[Callable[..., Any]] = []
# Called in the same transaction when a client leaves a calendar for another:
# ``move(client=, source=calendar, target=calendar, at=)``: open timers follow the client.
CALENDAR_MOVES: list[Callable[..., Any]] = []

# Fields of a client that are not the calendar, the people or the timestamps.
CLIENT_PLAIN_FIELDS = (
    "name",
    "industry",
    "business_summary",
    "reputation_notes",
    "goals",
    "target_audiences",
    "key_messages",
    "status",
    "language",
    "confidential",
    "preferred_channel",
    "address_form",
    "emoji_allowed",
    "memes_allowed",
    "weekends_allowed",
    "calls_need_arrangement",
    "meeting_cadence_days",
    "topics_to_avoid",
    "etiquette_notes",
    "crisis_mode",
    "first_response_minutes",
    "urgent_response_minutes",
    "ack_delay_minutes",
    "keep_in_touch_days",
    "follow_up_hours",
)
CLIENT_PEOPLE_FIELDS = ("account_manager", "backup_manager")
CLIENT_CALENDAR_FIELDS = {
    "timezone": "timezone",
    "working_hours": "hours",
    "holidays_country": "country",
    "holidays_subdivision": "subdivision",
}


class _ClientDetails(TypedDict, total=False):
    """What a caller may set on a client besides its name: the dossier, people, team, business time.

    People are given as users or usernames (the API knows usernames); a
    calendar field that differs from the calendar the client runs on gives
    the client its own calendar.
    """

    industry: str
    business_summary: str
    reputation_notes: str
    goals: str
    target_audiences: str
    key_messages: str
    status: str
    language: str
    confidential: bool
    preferred_channel: str
    address_form: str
    emoji_allowed: bool
    memes_allowed: bool
    weekends_allowed: bool
    calls_need_arrangement: bool
    meeting_cadence_days: int | None
    topics_to_avoid: str
    etiquette_notes: str
    crisis_mode: bool
    first_response_minutes: int
    urgent_response_minutes: int
    ack_delay_minutes: int
    keep_in_touch_days: int
    follow_up_hours: int
    account_manager: User | str | None
    backup_manager: User | str | None
    team: Sequence[User] | None
    timezone: str
    working_hours: str
    holidays_country: str | None
    holidays_subdivision: str | None


class ClientFields(_ClientDetails, total=False):
    """A change of a client: any of its fields."""

    name: str


class NewClientFields(_ClientDetails, total=False):
    """A new client: its name and any other field."""

    name: Required[str]


def _user_by_username(field: str, value: User | str | None) -> User | None:
    if value is None or value == "":
        return None
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=value, is_active=True).first()
    if user is None:
        raise ValidationError(
            {field: _("No active user with the username “%(name)s”.") % {"name": value}}
        )
    return user


def _client_calendar_apply(
    *, client: Client, by: User | None, at: datetime, values: Mapping[str, Any]
) -> None:
    """Give the client its own calendar when any calendar field differs from what it runs on now."""
    current = client.calendar or calendar_default()
    wanted: CalendarFields = {  # type: ignore[assignment]
        CLIENT_CALENDAR_FIELDS[key]: ("" if value is None else value)
        for key, value in values.items()
        if key in CLIENT_CALENDAR_FIELDS
    }
    if "country" in wanted:
        wanted["country"] = wanted["country"].upper()
    if not any(getattr(current, name) != value for name, value in wanted.items()):
        return
    if client.calendar_id is None:
        own = BusinessCalendar(
            name=client.name,
            timezone=current.timezone,
            hours=current.hours,
            country=current.country,
            subdivision=current.subdivision,
        )
        try:
            own = calendar_save(calendar=own, by=by, at=at, client_id=client.pk, **wanted)
        except ValidationError as exc:
            raise _calendar_error_as_client_error(exc) from exc
        client.calendar = own
        Client.objects.filter(pk=client.pk).update(calendar=own)
    else:
        try:
            calendar_save(calendar=current, by=by, at=at, client_id=client.pk, **wanted)
        except ValidationError as exc:
            raise _calendar_error_as_client_error(exc) from exc


@transaction.atomic
def client_calendar_save(
    *,
    client: Client,
    by: User | None,
    at: datetime,
    exceptions: Sequence[ExceptionRow],
    **settings: Unpack[CalendarFields],
) -> BusinessCalendar:
    """Save the business time of a client from the editor: settings and dated exceptions.

    A client on the agency default gets its own calendar, a copy of the default
    with these changes; the default itself is never changed from here.
    """
    own = client.calendar
    if own is None:
        own = calendar_copy(source=calendar_default(), name=client.name, by=by, at=at)
        client.calendar = own
        client.updated_at = at
        client.save(update_fields=["calendar", "updated_at"])
    calendar_save(calendar=own, by=by, at=at, client_id=client.pk, **settings)
    calendar_exceptions_replace(calendar=own, rows=exceptions, by=by, at=at, client_id=client.pk)
    return own


def _calendar_error_as_client_error(exc: ValidationError) -> ValidationError:
    reverse = {v: k for k, v in CLIENT_CALENDAR_FIELDS.items()}
    return ValidationError(
        {reverse.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


def _client_state(client: Client) -> dict[str, Any]:
    """What the audit log keeps of a client: its fields, its team and the business time it runs on."""
    calendar = client.calendar or calendar_default()
    state = model_snapshot(client)
    state.pop("updated_at", None)
    state["team"] = sorted(client.team.values_list("pk", flat=True)) if client.pk else []
    state.update(
        timezone=calendar.timezone,
        working_hours=calendar.hours,
        holidays_country=calendar.country,
        holidays_subdivision=calendar.subdivision,
    )
    return state


DUPLICATE_NAME = "duplicate_name"


def _require_unique_name(name: str, *, exclude_pk: int | None) -> None:
    """Two clients of one name are allowed (two shops of one brand) but never by accident: the
    caller confirms with ``duplicate_name_ok``. The message names no client: the person may
    not be allowed to see the other one (the page says which, if they may)."""
    others = Client.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if name.strip() and others.exists():
        raise ValidationError(
            {"name": ValidationError(_("Another client has this name."), code=DUPLICATE_NAME)}
        )


@transaction.atomic
def client_create(
    *,
    by: User | None,
    at: datetime,
    duplicate_name_ok: bool = True,
    **fields: Unpack[NewClientFields],
) -> Client:
    """Create a client; ``timezone``, ``working_hours``, ``holidays_country`` give it its own calendar.

    With ``duplicate_name_ok=False`` a name another client has (in any case) is refused with
    the code :data:`DUPLICATE_NAME`, for the person to confirm.
    """
    data: Mapping[str, Any] = fields
    if not duplicate_name_ok:
        _require_unique_name(str(data.get("name") or ""), exclude_pk=None)
    unknown = set(data) - set(CLIENT_PLAIN_FIELDS) - set(CLIENT_PEOPLE_FIELDS)
    unknown -= set(CLIENT_CALENDAR_FIELDS) | {"team"}
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    client = Client(created_at=at, updated_at=at)
    for name in CLIENT_PLAIN_FIELDS:
        if name in data and data[name] is not None:
            setattr(client, name, data[name])
    for name in CLIENT_PEOPLE_FIELDS:
        setattr(client, name, _user_by_username(name, data.get(name)))
    client.full_clean()
    client.save()
    _client_calendar_apply(client=client, by=by, at=at, values=data)
    if data.get("team"):
        client.team.set(data["team"])
    audit_record(
        actor=by,
        action="client.create",
        obj=client,
        client_id=client.pk,
        changes=_client_state(client),
        at=at,
    )
    return client


@transaction.atomic
def client_update(
    *,
    client: Client,
    by: User | None,
    at: datetime,
    duplicate_name_ok: bool = True,
    **fields: Unpack[ClientFields],
) -> Client:
    """Change the given fields of a client; fields not given stay as they are.

    A rename to another client's name with ``duplicate_name_ok=False`` is refused
    as :func:`client_create` refuses it; keeping one's own name never is.

    The caller's copy is read again from the database, locked, before anything
    is set: the audit row's before is what was stored, even if a form or
    anyone else had already changed that copy in memory.
    """
    data: Mapping[str, Any] = fields
    unknown = set(data) - set(CLIENT_PLAIN_FIELDS) - set(CLIENT_PEOPLE_FIELDS)
    unknown -= set(CLIENT_CALENDAR_FIELDS) | {"team"}
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    client.refresh_from_db(from_queryset=Client.objects.select_for_update())
    renamed = (
        "name" in data and str(data["name"] or "").strip().casefold() != client.name.casefold()
    )
    if renamed and not duplicate_name_ok:
        _require_unique_name(str(data["name"] or ""), exclude_pk=client.pk)
    before = _client_state(client)
    for name in CLIENT_PLAIN_FIELDS:
        if name in data:
            value = data[name]
            field = Client._meta.get_field(name)
            if value is None and not field.null:
                raise ValidationError({name: _("This field cannot be empty.")})
            setattr(client, name, value)
    previous = {name: getattr(client, name) for name in CLIENT_PEOPLE_FIELDS}
    for name in CLIENT_PEOPLE_FIELDS:
        if name in data:
            setattr(client, name, _user_by_username(name, data[name]))
    client.updated_at = at
    client.full_clean()
    client.save()
    if any(getattr(client, name) != previous[name] for name in CLIENT_PEOPLE_FIELDS):
        for handover in MANAGER_HANDOVERS:
            handover(client=client, previous=previous, by=by, at=at)
    _client_calendar_apply(client=client, by=by, at=at, values=data)
    if "team" in data:
        client.team.set(data["team"] or [])
    changes = diff_snapshots(before, _client_state(client))
    if changes:
        audit_record(
            actor=by,
            action="client.update",
            obj=client,
            client_id=client.pk,
            changes=changes,
            at=at,
        )
    return client


@transaction.atomic
def client_delete(*, client: Client, by: User | None, at: datetime) -> None:
    audit_record(
        actor=by,
        action="client.delete",
        obj=client,
        client_id=client.pk,
        changes=model_snapshot(client),
        at=at,
    )
    own_calendar = client.calendar
    client.delete()
    if own_calendar is not None and not own_calendar.clients.exists():
        own_calendar.delete()


@transaction.atomic
def client_calendar_reset(*, client: Client, by: User | None, at: datetime) -> Client:
    """Put the client back on the agency default calendar, its open timers recomputed on it.

    Its own calendar is removed once nothing refers to it any more.
    """
    own = client.calendar
    if own is None:
        return client
    client.calendar = None
    client.updated_at = at
    client.save(update_fields=["calendar", "updated_at"])
    audit_record(
        actor=by,
        action="client.calendar_reset",
        obj=client,
        client_id=client.pk,
        changes={"calendar": [own.pk, None]},
        at=at,
    )
    target = calendar_default()
    for move in CALENDAR_MOVES:
        move(client=client, source=own, target=target, at=at)
    if not own.clients.exists() and not own.is_default:
        try:
            with transaction.atomic():
                own.delete()
        except ProtectedError:
            # Met and missed commitments were counted in it: it stays while they do.
            pass
    return client
