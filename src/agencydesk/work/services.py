"""Writes of deliverables (C6): create, review, deliver, at risk, delay notices, the slip log.

Every due moment is computed in the client's calendar (``calendars/``); every
promise is a commitment of the one ledger about the deliverable: the review
(owned by the reviewer, due a buffer before the deadline), the delivery
(owned by the owner, due at the deadline) and, once at risk, the delay notice
(owned by the account manager, due at the deadline it announces a slip of).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import (
    buffer_before,
    calendar_engine,
    client_calendar,
    nearest_within_hours,
    within_hours,
)
from agencydesk.clients.access import can_view_client
from agencydesk.clients.responsible import responsible_for
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.commitments.services import (
    commitment_build,
    commitment_cancel,
    commitment_meet,
    commitments_save,
)
from agencydesk.core.services import audit_record, full_clean_loaded
from agencydesk.core.validators import REASON_MAX_LENGTH, validate_attachments
from agencydesk.messaging.services import message_send
from agencydesk.messaging.templates_text import GREETING_FALLBACK
from agencydesk.work.choices import (
    DELAY_NOTICE,
    DELIVERY,
    LATE_WITHOUT_NOTICE,
    NOT_IN_REVIEW,
    OUT,
    REVIEW,
    DueChangeKind,
    Priority,
    Status,
)
from agencydesk.work.models import (
    Deliverable,
    DeliverableSchedule,
    DeliverableType,
    DueChange,
    Review,
)
from agencydesk.work.notices import DELAY_NOTICE as NOTICE_TEXTS
from agencydesk.work.notices import DUE_FORMAT

if TYPE_CHECKING:
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.clients.models import Client
    from agencydesk.messaging.models import OutboundMessage

HORIZON = timedelta(days=2 * 366)
LATE_IN_DAY = "late_in_day"
REVIEW_PAST = "review_in_past"


@dataclass
class Created:
    deliverable: Deliverable
    warnings: list[dict[str, str]] = field(default_factory=list)


def late_in_day() -> time:
    """After this time of the client's day a delivery cannot be reviewed by the client the same day."""
    value = getattr(settings, "AGENCYDESK_LATE_IN_DAY", "15:00")
    hours, minutes = (int(part) for part in str(value).split(":", 1))
    return time(hours, minutes)


def _local(moment: datetime, engine: WorkCalendar) -> str:
    return moment.astimezone(engine.tz).isoformat(timespec="minutes")


def due_check(
    *, engine: WorkCalendar, due_at: datetime, at: datetime, field: str = "due_at"
) -> None:
    """A due moment must be aware, ahead, within two years, and inside the client's working hours."""
    if due_at.tzinfo is None or due_at.utcoffset() is None:
        raise ValidationError({field: _("Give the time zone of the moment, e.g. +03:00.")})
    if due_at <= at:
        raise ValidationError({field: _("The due moment must be in the future.")})
    if due_at > at + HORIZON:
        raise ValidationError({field: _("The due moment must be within two years.")})
    if not within_hours(engine, due_at):
        before, after = nearest_within_hours(engine, due_at)
        raise ValidationError(
            {
                field: _(
                    "%(due)s is outside the client's working hours (%(zone)s). The nearest "
                    "valid moments are %(before)s (before) and %(after)s (after)."
                )
                % {
                    "due": _local(due_at, engine),
                    "zone": engine.timezone,
                    "before": _local(before, engine),
                    "after": _local(after, engine),
                }
            }
        )


def due_warnings(*, engine: WorkCalendar, due_at: datetime) -> list[dict[str, str]]:
    local = due_at.astimezone(engine.tz)
    limit = late_in_day()
    if local.time() > limit:
        return [
            {
                "code": LATE_IN_DAY,
                "message": _(
                    "Due after %(limit)s client time: the client cannot review it the same day."
                )
                % {"limit": limit.strftime("%H:%M")},
            }
        ]
    return []


def _person_check(client: Client, user: User | None, field: str) -> User:
    if user is None or not user.is_active or not can_view_client(user, client):
        raise ValidationError({field: _("This person may not work on this client.")})
    return user


def _reason(text: str, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("Give the reason.")})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep it under %(n)s characters.") % {"n": REASON_MAX_LENGTH}}
        )
    return text


def _require_editor(deliverable: Deliverable, by: User, *, owner_may: bool = True) -> None:
    if owner_may and by.is_active and by.pk == deliverable.owner_id:
        return
    if not can_edit_client(by, deliverable.client):
        raise PermissionDenied(_("Only the owner or the client's account managers may do this."))


def _params(deliverable: Deliverable) -> dict[str, Any]:
    return {"title": deliverable.title[:120], "type": deliverable.type.name}


def _active(deliverable: Deliverable, kind: str) -> Commitment | None:
    return (
        Commitment.objects.about(deliverable)
        .filter(kind=kind, state__in=ACTIVE_STATES)
        .select_related("calendar", "client")
        .first()
    )


@transaction.atomic
def deliverable_create(
    *,
    client: Client,
    title: str,
    type: DeliverableType,
    owner: User,
    reviewer: User,
    due_at: datetime,
    by: User | None,
    at: datetime,
    priority: str = Priority.NORMAL,
    priority_reason: str = "",
    links: list[str] | None = None,
    notes: str = "",
    schedule: DeliverableSchedule | None = None,
    amount: Decimal | None = None,
) -> Created:
    """A deliverable due in the client's working hours, with its review and delivery commitments.

    ``by`` None is the desk itself creating an occurrence of a recurring ``schedule``.
    """
    if by is None and schedule is None:
        raise ValueError("only a recurring series creates deliverables without a person")
    if by is not None and not can_edit_client(by, client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    _person_check(client, owner, "owner")
    _person_check(client, reviewer, "reviewer")
    if owner.pk == reviewer.pk:
        raise ValidationError({"reviewer": _("The reviewer must be someone other than the owner.")})
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    due_check(engine=engine, due_at=due_at, at=at)
    if links:
        validate_attachments(links)
    review_due = buffer_before(engine, due_at, type.review_buffer_minutes)
    deliverable = Deliverable(
        client=client,
        title=title.strip(),
        type=type,
        owner=owner,
        reviewer=reviewer,
        status=Status.PLANNED,
        priority=priority,
        priority_reason=_reason(priority_reason, "priority_reason", required=False),
        links=links or [],
        due_at=due_at,
        original_due_at=due_at,
        review_due_at=review_due,
        notes=notes,
        schedule=schedule,
        amount=amount,
        created_at=at,
        updated_at=at,
    )
    full_clean_loaded(deliverable)
    deliverable.save()
    DueChange.objects.create(
        deliverable=deliverable, kind=DueChangeKind.SET, due_at=due_at, set_at=at, by=by
    )
    params = _params(deliverable)
    commitments_save(
        [
            commitment_build(
                kind=REVIEW,
                subject=deliverable,
                client=client,
                owner=reviewer,
                calendar=calendar,
                start_at=at,
                minutes=0,
                due_at=max(review_due, at),
                action_at=max(review_due, at),
                reason_params=params,
                at=at,
            ),
            commitment_build(
                kind=DELIVERY,
                subject=deliverable,
                client=client,
                owner=owner,
                calendar=calendar,
                start_at=at,
                minutes=0,
                due_at=due_at,
                reason_params=params,
                at=at,
            ),
        ],
        at=at,
        by=by,
    )
    audit_record(
        actor=by,
        action="deliverable.create",
        obj=deliverable,
        client_id=client.pk,
        changes={"due_at": due_at.isoformat(), "owner": owner.pk, "reviewer": reviewer.pk},
        at=at,
    )
    warnings = due_warnings(engine=engine, due_at=due_at)
    if review_due <= at:
        warnings.append(
            {
                "code": REVIEW_PAST,
                "message": _(
                    "The review buffer of this type does not fit before the deadline: review now."
                ),
            }
        )
    return Created(deliverable, warnings)


UPDATABLE = (
    "title",
    "owner",
    "reviewer",
    "priority",
    "priority_reason",
    "links",
    "notes",
    "amount",
)


@transaction.atomic
def deliverable_update(
    *, deliverable: Deliverable, by: User, at: datetime, **changes: Any
) -> Deliverable:
    """Change what a deliverable is and who works on it; the commitments follow the people."""
    _require_editor(deliverable, by, owner_may=False)
    unknown = set(changes) - set(UPDATABLE) - {"status"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    before = {name: getattr(deliverable, name) for name in changes}
    if "owner" in changes:
        _person_check(deliverable.client, changes["owner"], "owner")
    if "reviewer" in changes:
        _person_check(deliverable.client, changes["reviewer"], "reviewer")
    if changes.get("links"):
        validate_attachments(changes["links"])
    if "priority_reason" in changes:
        changes["priority_reason"] = _reason(
            changes["priority_reason"], "priority_reason", required=False
        )
    status = changes.pop("status", None)
    for name, value in changes.items():
        setattr(deliverable, name, value)
    if deliverable.owner_id == deliverable.reviewer_id:
        raise ValidationError({"reviewer": _("The reviewer must be someone other than the owner.")})
    if status is not None and status != deliverable.status:
        _status_change(deliverable, status)
    deliverable.updated_at = at
    full_clean_loaded(deliverable)
    deliverable.save()
    for kind, person in ((REVIEW, "reviewer"), (DELIVERY, "owner")):
        if person in changes:
            Commitment.objects.about(deliverable).filter(kind=kind, state__in=ACTIVE_STATES).update(
                owner=changes[person]
            )
    audit_record(
        actor=by,
        action="deliverable.update",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={
            name: [_plain(old), _plain(getattr(deliverable, name))] for name, old in before.items()
        },
        at=at,
    )
    return deliverable


def _plain(value: Any) -> Any:
    """A changed value as the audit row keeps it: a person by id, an amount as text."""
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "pk", value)


# What a PATCH of the status may do; review and delivery have their own actions.
STATUS_MOVES = {
    Status.PLANNED: {Status.IN_WORK},
    Status.IN_WORK: {Status.PLANNED},
    Status.CHANGES_REQUESTED: {Status.IN_WORK},
    Status.DELIVERED: {Status.ACCEPTED, Status.CHANGES_REQUESTED},
}


def _status_change(deliverable: Deliverable, status: str) -> None:
    if status == Status.IN_REVIEW and deliverable.status in NOT_IN_REVIEW:
        deliverable.status = status
        return
    if status not in STATUS_MOVES.get(deliverable.status, set()):  # type: ignore[call-overload]
        raise ValidationError(
            {
                "status": _("A deliverable that is %(from)s cannot become %(to)s this way.")
                % {
                    "from": Status(deliverable.status).label,
                    "to": Status(status).label,
                }
            }
        )
    deliverable.status = status


@transaction.atomic
def deliverable_submit(*, deliverable: Deliverable, by: User, at: datetime) -> Deliverable:
    """The owner hands the work to the reviewer: in review."""
    _require_editor(deliverable, by)
    if deliverable.status not in NOT_IN_REVIEW:
        raise ValidationError({"status": _("Only work not yet in review can be sent to review.")})
    previous = deliverable.status
    deliverable.status = Status.IN_REVIEW
    deliverable.updated_at = at
    deliverable.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="deliverable.submit",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={"status": [previous, Status.IN_REVIEW]},
        at=at,
    )
    return deliverable


def _checklist_clean(
    kind: DeliverableType, checklist: dict[str, Any], passed: bool
) -> dict[str, bool]:
    items = kind.checklist_items()
    unknown = [key for key in checklist if key not in items]
    if unknown:
        raise ValidationError(
            {
                "checklist": _("Not on this type's checklist: %(items)s.")
                % {"items": ", ".join(unknown[:5])}
            }
        )
    cleaned = {item: bool(checklist.get(item, False)) for item in items}
    missing = [item for item, done in cleaned.items() if not done]
    if passed and missing:
        raise ValidationError(
            {
                "checklist": _("A passed review checks every item; not checked: %(items)s.")
                % {"items": ", ".join(missing)}
            }
        )
    return cleaned


@transaction.atomic
def deliverable_review(
    *,
    deliverable: Deliverable,
    by: User,
    at: datetime,
    passed: bool,
    comment: str = "",
    checklist: dict[str, Any] | None = None,
) -> Review:
    """The reviewer's verdict: passed makes it ready (and meets the review), failed sends it back."""
    if not (by.is_active and (by.pk == deliverable.reviewer_id or by.is_director)):
        raise PermissionDenied(_("Only the reviewer or a director may review this."))
    if deliverable.status in OUT:
        raise ValidationError({"status": _("This deliverable is already with the client.")})
    cleaned = _checklist_clean(deliverable.type, checklist or {}, passed)
    comment = (comment or "").strip()
    if not passed and not comment:
        raise ValidationError({"comment": _("Say what has to change.")})
    review = Review(
        deliverable=deliverable,
        reviewer=by,
        passed=passed,
        comment=comment,
        checklist=cleaned,
        at=at,
    )
    full_clean_loaded(review)
    review.save()
    previous = deliverable.status
    deliverable.status = Status.READY if passed else Status.IN_WORK
    deliverable.updated_at = at
    deliverable.save(update_fields=["status", "updated_at"])
    if passed:
        commitment = _active(deliverable, REVIEW)
        if commitment is not None:
            commitment_meet(commitment=commitment, at=at, by=by, met_by=review)
    audit_record(
        actor=by,
        action="deliverable.review",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={"status": [previous, deliverable.status], "passed": passed},
        at=at,
    )
    return review


def _noticed_in_time(deliverable: Deliverable) -> bool:
    """Whether the client was told of a slip before the deadline it moved (a notice in time)."""
    return any(
        change.kind == DueChangeKind.NOTICE
        and change.previous_due_at is not None
        and change.set_at <= change.previous_due_at
        for change in deliverable.due_history.all()
    )


@transaction.atomic
def deliverable_deliver(
    *,
    deliverable: Deliverable,
    by: User,
    at: datetime,
    override_reason: str = "",
) -> Deliverable:
    """Hand the deliverable to the client: only after a passed review, or with a director's override.

    Raises :class:`DeliveryRefused` (409) without a passed review. Delivering
    after the first deadline with no delay notice sent before it is the worst
    breach of the kind ``work_late_without_notice``.
    """
    _require_editor(deliverable, by)
    if deliverable.status in OUT:
        raise ValidationError({"status": _("This deliverable is already delivered.")})
    reviewed = (
        deliverable.status == Status.READY and deliverable.reviews.filter(passed=True).exists()
    )
    override = _reason(override_reason, "override_reason", required=False)
    if not reviewed:
        if not override:
            raise DeliveryRefused(_("It cannot be delivered without a passed internal review."))
        if not by.is_director:
            raise PermissionDenied(_("Only a director may deliver without a passed review."))
    previous = deliverable.status
    deliverable.status = Status.DELIVERED
    deliverable.delivered_at = at
    deliverable.updated_at = at
    late = at > deliverable.original_due_at and not _noticed_in_time(deliverable)
    deliverable.late_without_notice = late
    deliverable.save(update_fields=["status", "delivered_at", "updated_at", "late_without_notice"])
    for kind in (REVIEW, DELIVERY, DELAY_NOTICE):
        commitment = _active(deliverable, kind)
        if commitment is None:
            continue
        if kind == DELIVERY:
            commitment_meet(commitment=commitment, at=at, by=by)
        else:
            commitment_cancel(commitment=commitment, at=at, by=by, why="delivered")
    if late:
        _late_without_notice(deliverable, at=at, by=by)
    audit_record(
        actor=by,
        action="deliverable.override" if override and not reviewed else "deliverable.deliver",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={"status": [previous, Status.DELIVERED], "late_without_notice": late},
        reason=override if not reviewed else "",
        at=at,
    )
    return deliverable


class DeliveryRefused(Exception):
    """A delivery the desk refuses as the deliverable stands (no passed review): 409 in the API."""


def _late_without_notice(deliverable: Deliverable, *, at: datetime, by: User | None) -> None:
    """The worst breach: late, and the client was never warned. Kept as its own kind of breach."""
    calendar = client_calendar(deliverable.client)
    engine = calendar_engine(calendar)
    commitment = commitments_save(
        [
            commitment_build(
                kind=LATE_WITHOUT_NOTICE,
                subject=deliverable,
                client=deliverable.client,
                owner=responsible_for(client=deliverable.client, at=at),
                calendar=calendar,
                start_at=deliverable.original_due_at,
                minutes=0,
                due_at=deliverable.original_due_at,
                reason_params=_params(deliverable),
                at=at,
            )
        ],
        at=at,
        by=by,
    )[0]
    Commitment.objects.filter(pk=commitment.pk).update(state="breached", breached_at=at)
    Breach.objects.create(
        commitment=commitment,
        client_id=deliverable.client_id,
        owner_id=commitment.owner_id,
        kind=LATE_WITHOUT_NOTICE,
        due_at=deliverable.original_due_at,
        at=at,
        late_minutes=max(engine.between(deliverable.original_due_at, at).total_seconds() / 60, 0.0),
    )
    Commitment.objects.filter(pk=commitment.pk).update(state="met", met_at=at)


@transaction.atomic
def deliverable_flag_at_risk(
    *, deliverable: Deliverable, by: User | None, at: datetime, reason: str
) -> Commitment | None:
    """At risk: the account manager must send a delay notice before the deadline.

    Flagged by its owner (``by``) or by the clock when the work is not in
    review at its internal deadline (``by`` None). Returns the delay-notice
    commitment, or None when one is already open or the work is out.
    """
    if by is not None:
        _require_editor(deliverable, by)
        reason = _reason(reason, "reason", required=True)
    if deliverable.status in OUT:
        raise ValidationError({"status": _("This deliverable is already delivered.")})
    updated = Deliverable.objects.filter(pk=deliverable.pk, at_risk=False).update(
        at_risk=True, at_risk_reason=reason, updated_at=at
    )
    if not updated:
        return None
    deliverable.at_risk, deliverable.at_risk_reason = True, reason
    client = deliverable.client
    calendar = client_calendar(client)
    am = responsible_for(client=client, at=at)
    commitment = commitments_save(
        [
            commitment_build(
                kind=DELAY_NOTICE,
                subject=deliverable,
                client=client,
                owner=am,
                calendar=calendar,
                start_at=at,
                minutes=0,
                due_at=max(deliverable.due_at, at),
                reason_params={**_params(deliverable), "why": reason[:200]},
                at=at,
            )
        ],
        at=at,
        by=by,
    )[0]
    audit_record(
        actor=by,
        action="deliverable.at_risk",
        obj=deliverable,
        client_id=client.pk,
        changes={"at_risk": [False, True]},
        reason=reason,
        at=at,
    )
    return commitment


def delay_notice_text(*, deliverable: Deliverable, new_due_at: datetime, reason: str) -> str:
    """The notice in the client's language and the main contact's form of address."""
    client = deliverable.client
    contact = client.contacts.order_by("-is_primary", "pk").first()
    form = contact.address_form if contact and contact.address_form else client.address_form
    language = client.language if client.language in NOTICE_TEXTS else "en"
    name = (contact.address_as or contact.name) if contact else ""
    if not name:
        name = GREETING_FALLBACK.get(language, GREETING_FALLBACK["en"])[form]
    engine = calendar_engine(client_calendar(client))
    due = new_due_at.astimezone(engine.tz).strftime(DUE_FORMAT[language])
    pattern = NOTICE_TEXTS[language][form]
    return (
        pattern.replace("{name}", name)
        .replace("{title}", deliverable.title)
        .replace("{due}", due)
        .replace("{reason}", reason)
    )


def _move_due(
    deliverable: Deliverable,
    *,
    new_due_at: datetime,
    kind: str,
    reason: str,
    by: User | None,
    at: datetime,
    message_id: int | None = None,
) -> DueChange:
    """A new due moment: the slip log keeps the old one, the open commitments follow."""
    engine = calendar_engine(client_calendar(deliverable.client))
    previous = deliverable.due_at
    change = DueChange.objects.create(
        deliverable=deliverable,
        kind=kind,
        due_at=new_due_at,
        previous_due_at=previous,
        set_at=at,
        by=by,
        reason=reason,
        message_id=message_id,
    )
    deliverable.due_at = new_due_at
    deliverable.review_due_at = buffer_before(
        engine, new_due_at, deliverable.type.review_buffer_minutes
    )
    deliverable.updated_at = at
    deliverable.save(update_fields=["due_at", "review_due_at", "updated_at"])
    # A commitment already missed stays missed (its breach is recorded); only open ones move.
    review_due = max(deliverable.review_due_at, at)
    Commitment.objects.about(deliverable).filter(kind=REVIEW, state="open").update(
        due_at=review_due, action_at=review_due
    )
    Commitment.objects.about(deliverable).filter(kind=DELIVERY, state="open").update(
        due_at=new_due_at
    )
    audit_record(
        actor=by,
        action="deliverable.due",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={"due_at": [previous.isoformat(), new_due_at.isoformat()]},
        reason=reason,
        at=at,
    )
    return change


@transaction.atomic
def deliverable_delay_notice(
    *, deliverable: Deliverable, by: User, at: datetime, new_due_at: datetime, reason: str
) -> OutboundMessage:
    """Tell the client of a slip: new due moment and reason, through the outbox and its channel."""
    if not can_edit_client(by, deliverable.client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    if deliverable.status in OUT:
        raise ValidationError({"status": _("This deliverable is already delivered.")})
    reason = _reason(reason, "reason", required=True)
    engine = calendar_engine(client_calendar(deliverable.client))
    due_check(engine=engine, due_at=new_due_at, at=at, field="new_due_at")
    if new_due_at <= deliverable.due_at:
        raise ValidationError(
            {"new_due_at": _("The new due moment must be later than the current one.")}
        )
    text = delay_notice_text(deliverable=deliverable, new_due_at=new_due_at, reason=reason)
    outbox = message_send(client=deliverable.client, text=text, by=by, at=at)
    _move_due(
        deliverable,
        new_due_at=new_due_at,
        kind=DueChangeKind.NOTICE,
        reason=reason,
        by=by,
        at=at,
        message_id=outbox.message_id,
    )
    commitment = _active(deliverable, DELAY_NOTICE)
    if commitment is not None:
        commitment_meet(commitment=commitment, at=at, by=by, met_by=outbox.message)
    Deliverable.objects.filter(pk=deliverable.pk).update(at_risk=False)
    deliverable.at_risk = False
    return outbox


def review_deadline_passed(*, commitment: Commitment, at: datetime) -> bool:
    """The clock at the internal deadline: work not yet in review is at risk (as the review kind says)."""
    claimed = Commitment.objects.filter(
        pk=commitment.pk, state__in=ACTIVE_STATES, action_at__isnull=False
    ).update(action_at=None)
    if not claimed:
        return False
    deliverable = (
        Deliverable.objects.select_related(
            "client__account_manager", "client__backup_manager", "type"
        )
        .filter(pk=commitment.subject_id)
        .first()
    )
    if deliverable is None or deliverable.status not in NOT_IN_REVIEW:
        return False
    return (
        deliverable_flag_at_risk(
            deliverable=deliverable,
            by=None,
            at=at,
            reason=_("not in review at the internal deadline"),
        )
        is not None
    )


@transaction.atomic
def deliverable_reschedule(
    *, deliverable: Deliverable, by: User, at: datetime, due_at: datetime, reason: str
) -> DueChange:
    """Move the deadline by agreement (no notice sent): the slip log keeps every earlier moment."""
    _require_editor(deliverable, by, owner_may=False)
    if deliverable.status in OUT:
        raise ValidationError({"status": _("This deliverable is already delivered.")})
    reason = _reason(reason, "due_reason", required=True)
    engine = calendar_engine(client_calendar(deliverable.client))
    due_check(engine=engine, due_at=due_at, at=at)
    return _move_due(
        deliverable, new_due_at=due_at, kind=DueChangeKind.MOVED, reason=reason, by=by, at=at
    )
