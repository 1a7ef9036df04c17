"""Recurring deliverables (C6): a series creates its occurrences ahead, by the desk's clock, once each.

Regular documents then happen without anyone asking: each occurrence is an
ordinary deliverable with its review and delivery commitments. The unique
constraint on (series, first due moment) is what makes "exactly once" hold
however many workers tick at the same moment.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.recurrence import recurring_moments, rule_check
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.models import Client
from agencydesk.core.services import audit_record, full_clean_loaded
from agencydesk.work.models import Deliverable, DeliverableSchedule, DeliverableType
from agencydesk.work.services import _person_check, deliverable_create

BATCH = 200


def ahead() -> timedelta:
    return timedelta(days=getattr(settings, "AGENCYDESK_RECURRING_AHEAD_DAYS", 14))


def schedule_moments(
    schedule: DeliverableSchedule, *, start: datetime, until: datetime
) -> list[datetime]:
    return recurring_moments(
        client_engine(schedule.client),
        rule=schedule.rrule,
        at=schedule.time,
        on_closed=schedule.on_closed_day,
        start=start,
        until=until,
        working_day=schedule.working_day,
    )


def schedule_next(
    schedule: DeliverableSchedule, *, after: datetime, count: int = 5
) -> list[datetime]:
    """The next ``count`` due moments of the series after ``after``."""
    span = timedelta(days=62)
    for _attempt in range(8):
        moments = schedule_moments(schedule, start=after, until=after + span)
        if len(moments) >= count:
            return moments[:count]
        span *= 3
    return moments[:count]


@transaction.atomic
def schedule_create(
    *,
    client: Client,
    title: str,
    type: DeliverableType,
    owner: User,
    reviewer: User,
    time_of_day: time,
    by: User,
    at: datetime,
    rrule: str = "",
    working_day: int | None = None,
    on_closed_day: str = "next",
) -> DeliverableSchedule:
    """A series; the occurrences within the horizon are created at once, the rest by the clock."""
    if not can_edit_client(by, client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    _person_check(client, owner, "owner")
    _person_check(client, reviewer, "reviewer")
    if owner.pk == reviewer.pk:
        raise ValidationError({"reviewer": _("The reviewer must be someone other than the owner.")})
    rrule = (rrule or "").strip()
    if bool(rrule) == bool(working_day):
        raise ValidationError(
            {"rrule": _("Give either a recurrence rule or a working day of the month.")}
        )
    if rrule:
        problem = rule_check(rrule)
        if problem or "DTSTART" in rrule.upper():
            raise ValidationError(
                {
                    "rrule": _("Not an RFC 5545 rule: %(problem)s")
                    % {"problem": problem or "DTSTART"}
                }
            )
    if working_day is not None and not 1 <= working_day <= 23:
        raise ValidationError({"working_day": _("Give a working day between 1 and 23.")})
    schedule = DeliverableSchedule(
        client=client,
        title=title.strip(),
        type=type,
        owner=owner,
        reviewer=reviewer,
        rrule=rrule,
        working_day=working_day,
        time=time_of_day,
        on_closed_day=on_closed_day,
        created_until=at,
        created_at=at,
        created_by=by,
    )
    full_clean_loaded(schedule)
    if not schedule_next(schedule, after=at, count=1):
        raise ValidationError({"rrule": _("This rule has no occurrence in the coming year.")})
    schedule.save()
    audit_record(
        actor=by,
        action="schedule.create",
        obj=schedule,
        client_id=client.pk,
        changes={"rrule": rrule, "working_day": working_day, "time": time_of_day.isoformat()},
        at=at,
    )
    schedule_fill(schedule=schedule, now=at)
    return schedule


def schedule_fill(*, schedule: DeliverableSchedule, now: datetime) -> int:
    """Create the occurrences due up to the horizon that do not exist yet; returns how many."""
    until = now + ahead()
    start = max(schedule.created_until, now)
    made = 0
    for due in schedule_moments(schedule, start=start, until=until):
        if Deliverable.objects.filter(schedule=schedule, original_due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                created = deliverable_create(
                    client=schedule.client,
                    title=schedule.title,
                    type=schedule.type,
                    owner=schedule.owner,
                    reviewer=schedule.reviewer,
                    due_at=due,
                    by=None,
                    at=now,
                    schedule=schedule,
                )
        except IntegrityError:  # another clock made it first
            continue
        except ValidationError:  # the owner left the client's team: skip, never fail the clock
            continue
        made += bool(created)
    DeliverableSchedule.objects.filter(pk=schedule.pk, created_until__lt=until).update(
        created_until=until
    )
    schedule.created_until = max(schedule.created_until, until)
    return made


def schedules_tick(*, now: datetime) -> dict[str, int]:
    """The clock's round for recurring work: every active series whose horizon moved on."""
    horizon = now + ahead()
    due = (
        DeliverableSchedule.objects.filter(active=True, created_until__lt=horizon)
        .select_related("client__calendar", "client__account_manager", "type", "owner", "reviewer")
        .order_by("created_until")[:BATCH]
    )
    return {"recurring_created": sum(schedule_fill(schedule=s, now=now) for s in due)}
