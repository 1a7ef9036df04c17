"""Writes of meetings and minutes (C9): plan a meeting, write its minutes, turn action items into work.

A meeting's minutes are due one business day (the client's calendar) after
each occurrence ends: a commitment of the account manager, opened ahead for
the occurrences of the next days and met when the minutes are sent. An action
item becomes a deliverable (the work app's own service) or a task (a
commitment of its owner) exactly once, however often the minutes are saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import business_day_minutes, calendar_engine, client_calendar
from agencydesk.clients.access import can_view_client
from agencydesk.clients.responsible import responsible_for
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_build, commitment_meet, commitments_save
from agencydesk.core.services import audit_record, full_clean_loaded
from agencydesk.meetings.choices import ACTION_TASK, MINUTES_DUE, MinutesState, Outcome, PointKind
from agencydesk.meetings.models import POINTS_MAX, Meeting, Minutes, Point
from agencydesk.meetings.schedule import (
    CHECK_AHEAD,
    meeting_occurrences,
    occurrences,
    rule_clean,
    schedule_warnings,
)
from agencydesk.work.models import DeliverableType
from agencydesk.work.services import deliverable_create

if TYPE_CHECKING:
    from agencydesk.clients.models import Client, Contact

DURATION_MIN, DURATION_MAX = 15, 8 * 60
PARTICIPANTS_MAX = 50


@dataclass
class Planned:
    meeting: Meeting
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _ahead() -> timedelta:
    return timedelta(days=int(getattr(settings, "AGENCYDESK_RECURRING_AHEAD_DAYS", 14)))


def _require_editor(client: Client, by: User) -> None:
    if not can_edit_client(by, client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))


def _held_key(held_at: datetime) -> str:
    return held_at.astimezone(UTC).isoformat()


def _participants(
    client: Client, contacts: list[Contact], people: list[User]
) -> tuple[list[Contact], list[User]]:
    if len(contacts) + len(people) > PARTICIPANTS_MAX:
        raise ValidationError(
            {"contacts": _("At most %(n)s participants.") % {"n": PARTICIPANTS_MAX}}
        )
    for contact in contacts:
        if contact.client_id != client.pk:
            raise ValidationError({"contacts": _("Every contact must be one of this client's.")})
    for person in people:
        if not person.is_active or not can_view_client(person, client):
            raise ValidationError(
                {"people": _("%(name)s may not work on this client.") % {"name": person}}
            )
    return contacts, people


@transaction.atomic
def meeting_create(
    *,
    client: Client,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    by: User,
    at: datetime,
    agenda: str = "",
    location: str = "",
    rrule: str = "",
    contacts: list[Contact] | None = None,
    people: list[User] | None = None,
) -> Planned:
    """Plan a meeting; outside the meeting window or the client's hours it is kept, with warnings."""
    _require_editor(client, by)
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise ValidationError({"starts_at": _("Give the time zone of the moment, e.g. +03:00.")})
    if starts_at <= at:
        raise ValidationError({"starts_at": _("The meeting must be in the future.")})
    if starts_at > at + CHECK_AHEAD:
        raise ValidationError({"starts_at": _("The first meeting must be within a year.")})
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        raise ValidationError(
            {
                "duration_minutes": _("A meeting lasts %(min)s to %(max)s minutes.")
                % {"min": DURATION_MIN, "max": DURATION_MAX}
            }
        )
    rule = rule_clean(rrule)
    contacts, people = _participants(client, list(contacts or []), list(people or []))
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    starts = occurrences(
        starts_at=starts_at,
        rrule=rule,
        zone=engine.timezone,
        after=starts_at,
        until=starts_at + CHECK_AHEAD,
    )
    warnings = schedule_warnings(engine=engine, starts=starts, minutes=duration_minutes)
    meeting = Meeting(
        client=client,
        title=title.strip(),
        agenda=agenda.strip(),
        location=location.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        rrule=rule,
        warnings=warnings,
        minutes_due_until=starts_at - timedelta(seconds=1),
        created_by=by,
        created_at=at,
        updated_at=at,
    )
    full_clean_loaded(meeting)
    meeting.save()
    meeting.contacts.set(contacts)
    meeting.people.set(people)
    audit_record(
        actor=by,
        action="meeting.create",
        obj=meeting,
        client_id=client.pk,
        changes={
            "starts_at": starts_at.isoformat(),
            "rrule": rule,
            "contacts": [c.pk for c in contacts],
            "people": [p.pk for p in people],
        },
        at=at,
    )
    minutes_due_open(meeting=meeting, at=at)
    return Planned(meeting, warnings)


def minutes_due_open(*, meeting: Meeting, at: datetime) -> int:
    """Open the "send the minutes" commitment of every occurrence up to the horizon, each once.

    The horizon is claimed with a conditional update, so two clocks never open
    the same occurrence's commitment twice.
    """
    until = at + _ahead()
    if not meeting.rrule:  # a one-off meeting's one reminder is opened when it is planned
        until = max(until, meeting.starts_at)
    previous = meeting.minutes_due_until
    if previous >= until:
        return 0
    claimed = Meeting.objects.filter(pk=meeting.pk, minutes_due_until=previous).update(
        minutes_due_until=until
    )
    if not claimed:
        return 0
    meeting.minutes_due_until = until
    client = meeting.client
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    owner = responsible_for(client=client, at=at)
    built = []
    for start in meeting_occurrences(meeting, after=previous + timedelta(seconds=1), until=until):
        end = start + timedelta(minutes=meeting.duration_minutes)
        due = engine.add(end, business_day_minutes(engine, end))
        built.append(
            commitment_build(
                kind=MINUTES_DUE,
                subject=meeting,
                client=client,
                owner=owner,
                calendar=calendar,
                start_at=end,
                minutes=0,
                due_at=due,
                visible_from=end,
                reason_params={"title": meeting.title[:120], "held_at": _held_key(start)},
                at=at,
            )
        )
    commitments_save(built, at=at)
    return len(built)


def minutes_due_tick(*, now: datetime) -> dict[str, int]:
    """The clock: open the minutes commitments of recurring meetings as their horizon moves."""
    count = 0
    horizon = now + _ahead() - timedelta(days=1)
    for meeting in (
        Meeting.objects.filter(minutes_due_until__lt=horizon)
        .exclude(rrule="")
        .select_related("client__calendar", "client__account_manager", "client__backup_manager")[
            :200
        ]
    ):
        with transaction.atomic():
            count += minutes_due_open(meeting=meeting, at=now)
    return {"minutes_due_opened": count}


def minutes_due_met(*, minutes: Minutes, by: User | None, at: datetime) -> bool:
    commitment = (
        Commitment.objects.about(minutes.meeting)
        .filter(kind=MINUTES_DUE, state__in=ACTIVE_STATES)
        .filter(reason_params__held_at=_held_key(minutes.held_at))
        .select_related("calendar", "client")
        .first()
    )
    if commitment is None:
        return False
    return bool(commitment_meet(commitment=commitment, at=at, by=by, met_by=minutes))


# --- minutes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionIn:
    """One action item as the minutes editor (web or API) gives it."""

    text: str
    owner: User | None
    due_at: datetime | None
    outcome: str = Outcome.TASK
    deliverable_type: DeliverableType | None = None
    reviewer: User | None = None


def _held_check(meeting: Meeting, held_at: datetime | None, at: datetime) -> datetime:
    if held_at is None:
        held_at = meeting.starts_at
    if held_at > at:
        raise ValidationError({"held_at": _("Minutes are written after the meeting, not before.")})
    known = meeting_occurrences(meeting, after=held_at, until=held_at)
    if not known:
        raise ValidationError({"held_at": _("The meeting did not take place at that moment.")})
    return held_at


def _text(value: str, field_name: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field_name: _("Write what it is.")})
    if len(value) > Point._meta.get_field("text").max_length:  # type: ignore[operator]
        raise ValidationError({field_name: _("Keep each point under 500 characters.")})
    return value


def _action_check(client: Client, item: ActionIn, at: datetime) -> None:
    if item.owner is None or not item.owner.is_active or not can_view_client(item.owner, client):
        raise ValidationError({"action_items": _("Say who does it: someone of the agency.")})
    if item.due_at is None:
        raise ValidationError({"action_items": _("Say by when.")})
    if item.due_at.tzinfo is None or item.due_at.utcoffset() is None:
        raise ValidationError({"action_items": _("Give the time zone of the moment, e.g. +03:00.")})
    if item.outcome not in Outcome.values:
        raise ValidationError(
            {"action_items": _("An action item becomes a deliverable or a task.")}
        )
    if item.outcome == Outcome.DELIVERABLE and item.deliverable_type is None:
        raise ValidationError({"action_items": _("Give the type of the deliverable.")})


def _reviewer_for(client: Client, owner: User, reviewer: User | None) -> User:
    if reviewer is not None:
        return reviewer
    for person in (client.account_manager, client.backup_manager):
        if person is not None and person.pk != owner.pk:
            return person
    raise ValidationError({"action_items": _("Name a reviewer other than the owner.")})


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    by: User,
    at: datetime,
    decisions: list[str],
    actions: list[ActionIn],
    summary: str = "",
    held_at: datetime | None = None,
) -> Minutes:
    """Write (or write again) the minutes of one occurrence; new action items become work at once.

    A point is found again by its text: saving the same minutes twice changes
    nothing, and an action item already turned into work is never turned again.
    A change after sending makes a new version, to be sent again.
    """
    _require_editor(meeting.client, by)
    held_at = _held_check(meeting, held_at, at)
    if len(decisions) + len(actions) > POINTS_MAX:
        raise ValidationError({"decisions": _("At most %(n)s points.") % {"n": POINTS_MAX}})
    decision_texts = [_text(t, "decisions") for t in decisions]
    cleaned_actions = [
        ActionIn(**{**item.__dict__, "text": _text(item.text, "action_items")}) for item in actions
    ]
    for action in cleaned_actions:
        _action_check(meeting.client, action, at)
    for texts, name in (
        (decision_texts, "decisions"),
        ([a.text for a in cleaned_actions], "action_items"),
    ):
        if len(set(texts)) != len(texts):
            raise ValidationError({name: _("The same point is written twice.")})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting, held_at=held_at).first()
    created = minutes is None
    if minutes is None:
        minutes = Minutes(
            meeting=meeting, held_at=held_at, written_by=by, created_at=at, updated_at=at
        )
        minutes.summary = summary.strip()
        full_clean_loaded(minutes)
        minutes.save()
    if minutes.state == MinutesState.ACCEPTED:
        raise ValidationError(
            {"decisions": _("These minutes are accepted; they no longer change.")}
        )
    existing = {(p.kind, p.text): p for p in minutes.points.select_for_update()}
    wanted: list[tuple[str, str, ActionIn | None]] = [
        (PointKind.DECISION, t, None) for t in decision_texts
    ]
    wanted += [(PointKind.ACTION, a.text, a) for a in cleaned_actions]
    changed = summary.strip() != minutes.summary
    keep = set()
    for position, (kind, text, item) in enumerate(wanted):
        point = existing.get((kind, text))
        keep.add((kind, text))
        if point is None:
            point = Point(minutes=minutes, kind=kind, text=text, position=position)
            changed = True
        point.position = position
        if item is not None and not _has_work(point):
            new = (item.owner, item.due_at, item.outcome, item.deliverable_type)
            old = (point.owner, point.due_at, point.outcome, point.deliverable_type)
            changed = changed or (point.pk is not None and new != old)
            point.owner, point.due_at, point.outcome, point.deliverable_type = new
        full_clean_loaded(point)
        point.save()
        if item is not None:
            _work_create(point, minutes=minutes, item=item, by=by, at=at)
    for key, point in existing.items():
        if key not in keep:
            if _has_work(point):
                raise ValidationError(
                    {
                        "action_items": _(
                            "“%(text)s” is already work of its own; it stays in the minutes."
                        )
                        % {"text": point.text[:80]}
                    }
                )
            point.delete()
            changed = True
    previous_state = minutes.state
    if changed and not created and minutes.sent_version is not None:
        minutes.version += 1
        minutes.state = MinutesState.DRAFT
    minutes.summary = summary.strip()
    minutes.updated_at = at
    full_clean_loaded(minutes)
    minutes.save()
    audit_record(
        actor=by,
        action="minutes.create" if created else "minutes.update",
        obj=minutes,
        client_id=meeting.client_id,
        changes={
            "version": minutes.version,
            "state": [previous_state, minutes.state],
            "points": len(wanted),
        },
        at=at,
    )
    return minutes


def _has_work(point: Point) -> bool:
    return point.deliverable_id is not None or point.task_opened_at is not None


def _work_create(point: Point, *, minutes: Minutes, item: ActionIn, by: User, at: datetime) -> None:
    """The action item's deliverable (the work app's service) or task, once, with a link back."""
    if _has_work(point):
        return
    meeting = minutes.meeting
    client = meeting.client
    assert item.owner is not None and item.due_at is not None  # checked by _action_check
    if item.outcome == Outcome.DELIVERABLE:
        assert item.deliverable_type is not None
        created = deliverable_create(
            client=client,
            title=point.text[:200],
            type=item.deliverable_type,
            owner=item.owner,
            reviewer=_reviewer_for(client, item.owner, item.reviewer),
            due_at=item.due_at,
            by=by,
            at=at,
            links=[meeting.get_absolute_url()],
            notes=_("From the minutes of “%(title)s” of %(date)s.")
            % {
                "title": meeting.title,
                "date": minutes.held_at.astimezone(
                    calendar_engine(client_calendar(client)).tz
                ).strftime("%Y-%m-%d"),
            },
        )
        # One-to-one: a second deliverable for this point would break the constraint.
        claimed = Point.objects.filter(pk=point.pk, deliverable__isnull=True).update(
            deliverable=created.deliverable
        )
        if not claimed:
            raise ValidationError({"action_items": _("This action item is already work.")})
        point.deliverable = created.deliverable
        return
    claimed = Point.objects.filter(
        pk=point.pk, task_opened_at__isnull=True, deliverable__isnull=True
    ).update(task_opened_at=at)
    if not claimed:
        return
    point.task_opened_at = at
    calendar = client_calendar(client)
    commitments_save(
        [
            commitment_build(
                kind=ACTION_TASK,
                subject=point,
                client=client,
                owner=item.owner,
                calendar=calendar,
                start_at=at,
                minutes=0,
                due_at=max(item.due_at, at),
                reason_params={"title": point.text[:120], "meeting": meeting.title[:120]},
                at=at,
            )
        ],
        at=at,
        by=by,
    )
