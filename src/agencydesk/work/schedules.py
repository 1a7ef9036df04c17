"""Recurring deliverables (C6): a series creates its occurrences ahead, by the desk's clock, once each.

Regular documents then happen without anyone asking: each occurrence is an
ordinary deliverable with its review and delivery commitments. The unique
constraint on (series, first due moment) is what makes "exactly once" hold
however many workers tick at the same moment.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.recurrence import recurring_moments, rule_check
from agencydesk.calendars.selectors import buffer_before, client_calendar, client_engine
from agencydesk.clients.access import can_view_client
from agencydesk.clients.models import Client
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.core.services import audit_record, audit_rows, full_clean_loaded
from agencydesk.work.choices import DELIVERY, REVIEW, DueChangeKind
from agencydesk.work.models import Deliverable, DeliverableSchedule, DeliverableType, DueChange
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
    due = list(
        DeliverableSchedule.objects.filter(active=True, created_until__lt=horizon)
        .select_related("client__calendar", "client__account_manager", "type", "owner", "reviewer")
        .order_by("created_until")[:BATCH]
    )
    if not due:
        return {"recurring_created": 0}
    try:
        with transaction.atomic():
            made = _fill_many(due, now=now)
    except IntegrityError:
        # Another clock created some of them meanwhile: one series at a time, each occurrence once.
        made = sum(schedule_fill(schedule=s, now=now) for s in due)
    return {"recurring_created": made}


def _fill_many(schedules: list[DeliverableSchedule], *, now: datetime) -> int:
    """:func:`schedule_fill` for many series in a few bulk statements (the clock's usual path).

    The same rows as the one-by-one path: the deliverable, its first due moment
    in the slip log, its review and delivery commitments and the audit rows.
    """
    until = now + ahead()
    existing = set(
        Deliverable.objects.filter(schedule__in=schedules, original_due_at__gt=now).values_list(
            "schedule_id", "original_due_at"
        )
    )
    rows: list[Deliverable] = []
    for schedule in schedules:
        client = schedule.client
        if not (
            can_view_client(schedule.owner, client) and can_view_client(schedule.reviewer, client)
        ):
            continue  # someone left the client's team: the series waits for new people
        engine = client_engine(client)
        buffer = schedule.type.review_buffer_minutes
        start = max(schedule.created_until, now)
        for due in schedule_moments(schedule, start=start, until=until):
            if (schedule.pk, due) in existing:
                continue
            rows.append(
                Deliverable(
                    client=client,
                    title=schedule.title,
                    type=schedule.type,
                    owner=schedule.owner,
                    reviewer=schedule.reviewer,
                    due_at=due,
                    original_due_at=due,
                    review_due_at=buffer_before(engine, due, buffer),
                    schedule=schedule,
                    created_at=now,
                    updated_at=now,
                )
            )
    if rows:
        Deliverable.objects.bulk_create(rows, batch_size=500)
        DueChange.objects.bulk_create(
            [
                DueChange(deliverable=d, kind=DueChangeKind.SET, due_at=d.due_at, set_at=now)
                for d in rows
            ],
            batch_size=1000,
        )
        commitments = []
        for d in rows:
            calendar = client_calendar(d.client)
            params = {"title": d.title[:120], "type": d.type.name}
            review_due = max(d.review_due_at, now)
            commitments += [
                Commitment(
                    kind=REVIEW,
                    client=d.client,
                    owner=d.reviewer,
                    calendar=calendar,
                    subject_type=ContentType.objects.get_for_model(d),
                    subject_id=d.pk,
                    start_at=now,
                    business_minutes=0,
                    due_at=review_due,
                    visible_from=now,
                    action_at=review_due,
                    opened_at=now,
                    reason_params=params,
                ),
                Commitment(
                    kind=DELIVERY,
                    client=d.client,
                    owner=d.owner,
                    calendar=calendar,
                    subject_type=ContentType.objects.get_for_model(d),
                    subject_id=d.pk,
                    start_at=now,
                    business_minutes=0,
                    due_at=d.due_at,
                    visible_from=now,
                    opened_at=now,
                    reason_params=params,
                ),
            ]
        Commitment.objects.bulk_create(commitments, batch_size=1000)
        AuditLog.objects.bulk_create(
            audit_rows(
                [
                    (c, c.client_id, {"kind": c.kind, "due_at": c.due_at.isoformat()})
                    for c in commitments
                ]
                + [(d, d.client_id, {"due_at": d.due_at.isoformat()}) for d in rows],
                action="schedule.occurrence",
                at=now,
            ),
            batch_size=1000,
        )
    DeliverableSchedule.objects.filter(
        pk__in=[s.pk for s in schedules], created_until__lt=until
    ).update(created_until=until)
    return len(rows)
