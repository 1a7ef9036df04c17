"""Writes of business calendars. Every change bumps the revision so cached engines are rebuilt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.calendars.choices import ExceptionKind
from agencydesk.calendars.engine import WorkCalendar, parse_intervals
from agencydesk.calendars.models import BusinessCalendar, CalendarException
from agencydesk.calendars.problems import problem_text

# Still importable from here: apps register their recomputer through it in ready().
from agencydesk.calendars.recompute import RECOMPUTERS as RECOMPUTERS
from agencydesk.calendars.tasks import calendar_recompute_task
from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from agencydesk.accounts.models import User

CALENDAR_FIELDS = ("timezone", "hours", "country", "subdivision")


class CalendarFields(TypedDict, total=False):
    """The settings of a calendar a caller may change; those not given stay as they are."""

    timezone: str
    hours: str
    country: str
    subdivision: str


class ExceptionRow(TypedDict):
    """One dated exception: a day off, a shortened day or extra working hours."""

    date: date
    kind: str
    hours: NotRequired[str]
    note: NotRequired[str]


def calendar_check(*, timezone: str, hours: str, country: str, subdivision: str) -> None:
    """Raise a ValidationError naming the field the engine rejects."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": _("Unknown time zone “%(zone)s”.") % {"zone": timezone}}
        ) from exc
    try:
        WorkCalendar(timezone=timezone, hours=hours, country=None)
    except ValueError as exc:
        raise ValidationError(
            {
                "hours": _("These working hours cannot be used: %(reason)s")
                % {"reason": problem_text(exc)}
            }
        ) from exc
    if country:
        try:
            WorkCalendar(
                timezone=timezone, hours=hours, country=country, subdivision=subdivision or None
            )
        except ValueError as exc:
            # The engine's English names the problem; the person reads it in their language.
            if subdivision and "subdiv" in str(exc).lower():
                message = _("Unknown region “%(code)s” for this country.") % {"code": subdivision}
                raise ValidationError({"subdivision": message}) from exc
            message = _("Unknown country “%(code)s”: use a two-letter code such as RU or BG.") % {
                "code": country
            }
            raise ValidationError({"country": message}) from exc


@transaction.atomic
def calendar_save(
    *,
    calendar: BusinessCalendar,
    by: User | None,
    at: datetime,
    client_id: int | None = None,
    **fields: Unpack[CalendarFields],
) -> BusinessCalendar:
    """Create or change a calendar; the timers on it are recomputed by the callers' hooks.

    ``client_id`` names the client whose own calendar this is, so the change
    shows in that client's history.
    """
    unknown = set(fields) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown calendar fields: {sorted(unknown)}")
    if calendar.pk:
        # The caller's copy may have been changed in memory: the before is what is stored.
        calendar.refresh_from_db(from_queryset=BusinessCalendar.objects.select_for_update())
    before = model_snapshot(calendar, list(CALENDAR_FIELDS)) if calendar.pk else {}
    given: dict[str, str] = dict(fields)  # type: ignore[arg-type]
    wanted = {name: given.get(name, getattr(calendar, name)) or "" for name in CALENDAR_FIELDS}
    wanted["country"] = wanted["country"].strip().upper()
    # Check before touching the instance, so a refused change leaves it as it was.
    calendar_check(**wanted)
    for name, value in wanted.items():
        setattr(calendar, name, value)
    calendar.full_clean()
    changes = diff_snapshots(before, model_snapshot(calendar, list(CALENDAR_FIELDS)))
    if calendar.pk and not changes:
        return calendar
    if calendar.pk:
        calendar.revision += 1
    calendar.save()
    audit_record(
        actor=by,
        action="calendar.update" if before else "calendar.create",
        obj=calendar,
        changes=changes,
        client_id=client_id,
        at=at,
    )
    if before:
        _recompute_after_commit(calendar)
    return calendar


def _recompute_after_commit(calendar: BusinessCalendar) -> None:
    calendar_id, revision = calendar.pk, calendar.revision
    transaction.on_commit(lambda: calendar_recompute_task.enqueue(calendar_id, revision))


@transaction.atomic
def calendar_exceptions_replace(
    *,
    calendar: BusinessCalendar,
    rows: Sequence[ExceptionRow],
    by: User | None,
    at: datetime,
    client_id: int | None = None,
) -> BusinessCalendar:
    """Replace the dated exceptions of a calendar with ``rows`` (date, kind, hours, note)."""
    seen: set[date] = set()
    for row in rows:
        if row["date"] in seen:
            raise ValidationError(
                {"exceptions": _("%(date)s is listed twice.") % {"date": row["date"]}}
            )
        seen.add(row["date"])
        if row["kind"] == ExceptionKind.SHORTENED and not row.get("hours"):
            raise ValidationError(
                {
                    "exceptions": _("%(date)s: give the hours, for example 09:00-17:00.")
                    % {"date": row["date"]}
                }
            )
        if row.get("hours") and row["kind"] != ExceptionKind.DAY_OFF:
            try:
                parse_intervals(row["hours"], str(row["date"]))
            except ValueError as exc:
                raise ValidationError(
                    {
                        "exceptions": _("%(date)s: %(reason)s")
                        % {"date": row["date"], "reason": problem_text(exc)}
                    }
                ) from exc
    before = sorted(f"{e.date}:{e.kind}:{e.hours}" for e in calendar.exceptions.all())
    after = sorted(f"{r['date']}:{r['kind']}:{r.get('hours', '')}" for r in rows)
    if before == after:
        return calendar
    calendar.exceptions.all().delete()
    for row in rows:
        exception = CalendarException(
            calendar=calendar,
            date=row["date"],
            kind=row["kind"],
            hours=row.get("hours", "") if row["kind"] != ExceptionKind.DAY_OFF else "",
            note=row.get("note", ""),
        )
        exception.full_clean()
        exception.save()
    calendar.revision += 1
    calendar.save(update_fields=["revision", "updated_at"])
    audit_record(
        actor=by,
        action="calendar.exceptions",
        obj=calendar,
        changes={"exceptions": [before, after]},
        client_id=client_id,
        at=at,
    )
    _recompute_after_commit(calendar)
    return calendar


@transaction.atomic
def calendar_copy(
    *, source: BusinessCalendar, name: str, by: User | None, at: datetime
) -> BusinessCalendar:
    """A new calendar with the settings and dated exceptions of ``source``."""
    copy = calendar_save(
        calendar=BusinessCalendar(name=name),
        by=by,
        at=at,
        timezone=source.timezone,
        hours=source.hours,
        country=source.country,
        subdivision=source.subdivision,
    )
    CalendarException.objects.bulk_create(
        CalendarException(calendar=copy, date=e.date, kind=e.kind, hours=e.hours, note=e.note)
        for e in source.exceptions.all()
    )
    return copy
