"""REST endpoints of deliverables: ``/api/v1/deliverables`` (the shapes are contracts of issue 13)."""

from __future__ import annotations

from datetime import datetime
from datetime import time as dt_time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError
from pydantic import field_validator

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.api import ERRORS, editable_client
from agencydesk.core.schemas import Link, text
from agencydesk.core.validators import (
    ATTACHMENTS_MAX,
    NAME_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
)
from agencydesk.work import selectors, services
from agencydesk.work.models import CHECKLIST_MAX, Deliverable, DeliverableType
from agencydesk.work.schedules import schedule_create, schedule_next

router = Router(tags=["deliverables"])

PriorityName = Literal["urgent", "normal", "can_wait"]
StatusName = Literal[
    "planned", "in_work", "in_review", "ready", "delivered", "accepted", "changes_requested"
]
Username = text(150, 1)
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give the time zone offset, e.g. 2026-03-06T12:00:00+03:00")
    if not 2000 <= value.year <= 2100:
        raise ValueError("must be between the years 2000 and 2100")
    return value


class DeliverableIn(Schema):
    client: int = Field(..., ge=1, le=2**62)
    title: text(NAME_MAX_LENGTH, 1)  # type: ignore[valid-type]
    type: text(40, 1) = Field(..., description="code from the catalogue, e.g. press_release")  # type: ignore[valid-type]
    owner: Username = Field(..., description="username")  # type: ignore[valid-type]
    reviewer: Username = Field(..., description="username")  # type: ignore[valid-type]
    due_at: datetime = Field(..., description="aware ISO 8601, inside the client's working hours")
    priority: PriorityName = "normal"
    priority_reason: text(REASON_MAX_LENGTH) = ""  # type: ignore[valid-type]
    links: list[Link] = Field(default_factory=list, max_length=ATTACHMENTS_MAX)
    notes: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]
    amount: Amount | None = Field(None, description="the spend it commits (a media plan's budget)")

    _due = field_validator("due_at")(classmethod(lambda cls, v: _aware(v)))


class DeliverablePatch(Schema):
    title: text(NAME_MAX_LENGTH, 1) | None = None  # type: ignore[valid-type]
    owner: Username | None = None  # type: ignore[valid-type]
    reviewer: Username | None = None  # type: ignore[valid-type]
    priority: PriorityName | None = None
    priority_reason: text(REASON_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    links: list[Link] | None = Field(None, max_length=ATTACHMENTS_MAX)
    notes: text(NOTES_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    amount: Amount | None = None
    status: StatusName | None = Field(
        None,
        description="planned ↔ in_work, → in_review; after delivery accepted or changes_requested",
    )
    due_at: datetime | None = Field(
        None, description="moves the deadline; the slip log keeps the old one"
    )
    due_reason: text(REASON_MAX_LENGTH) | None = None  # type: ignore[valid-type]

    _due = field_validator("due_at")(classmethod(lambda cls, v: _aware(v)))


class ReviewIn(Schema):
    passed: bool
    comment: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]
    checklist: dict[text(200), bool] = Field(default_factory=dict, max_length=CHECKLIST_MAX)  # type: ignore[valid-type]


class DeliverIn(Schema):
    override_reason: text(REASON_MAX_LENGTH) = Field(  # type: ignore[valid-type]
        "", description="directors only: deliver without a passed review, audited"
    )


class DelayNoticeIn(Schema):
    new_due_at: datetime
    reason: text(REASON_MAX_LENGTH, 1)  # type: ignore[valid-type]

    _due = field_validator("new_due_at")(classmethod(lambda cls, v: _aware(v)))


class AtRiskIn(Schema):
    reason: text(REASON_MAX_LENGTH, 1)  # type: ignore[valid-type]


class Warning(Schema):
    code: str
    message: str


class DueChangeOut(Schema):
    due_at: datetime
    set_at: datetime
    reason: str
    kind: str
    by: str | None


class ReviewOut(Schema):
    passed: bool
    comment: str
    checklist: dict[str, bool]
    reviewer: str | None
    at: datetime


class DeliverableOut(Schema):
    id: int
    client: int
    title: str
    type: str
    owner: str
    reviewer: str
    status: str
    priority: str
    priority_reason: str
    links: list[str]
    due_at: datetime
    review_due_at: datetime
    original_due_at: datetime
    at_risk: bool
    at_risk_reason: str
    delivered_at: datetime | None
    late_without_notice: bool
    amount: Decimal | None = None
    launched_at: datetime | None = None
    warnings: list[Warning] = []


class DeliverableDetail(DeliverableOut):
    due_history: list[DueChangeOut]
    reviews: list[ReviewOut]


class DeliverableList(Schema):
    count: int
    items: list[DeliverableOut]


class DelayNoticeOut(Schema):
    id: int = Field(description="the outbound message's id")
    outbox_state: str
    send_after: datetime
    due_at: datetime
    text: str


def _user(username: str | None, field: str) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: f"no active person {username!r}"})
    return user


def deliverable_out(d: Deliverable, *, detail: bool = False, warnings: Any = ()) -> dict[str, Any]:
    tz = client_engine(d.client).tz
    body: dict[str, Any] = {
        "id": d.pk,
        "client": d.client_id,
        "title": d.title,
        "type": d.type.code,
        "owner": d.owner.get_username(),
        "reviewer": d.reviewer.get_username(),
        "status": d.status,
        "priority": d.priority,
        "priority_reason": d.priority_reason,
        "links": d.links,
        "due_at": d.due_at.astimezone(tz),
        "review_due_at": d.review_due_at.astimezone(tz),
        "original_due_at": d.original_due_at.astimezone(tz),
        "at_risk": d.at_risk,
        "at_risk_reason": d.at_risk_reason,
        "delivered_at": d.delivered_at.astimezone(tz) if d.delivered_at else None,
        "late_without_notice": d.late_without_notice,
        "amount": d.amount,
        "launched_at": d.launched_at.astimezone(tz) if d.launched_at else None,
        "warnings": list(warnings),
    }
    if detail:
        body["due_history"] = [
            {
                "due_at": c.due_at.astimezone(tz),
                "set_at": c.set_at.astimezone(tz),
                "reason": c.reason,
                "kind": c.kind,
                "by": c.by.get_username() if c.by else None,
            }
            for c in d.due_history.all()
        ]
        body["reviews"] = [
            {
                "passed": r.passed,
                "comment": r.comment,
                "checklist": r.checklist,
                "reviewer": r.reviewer.get_username() if r.reviewer else None,
                "at": r.at.astimezone(tz),
            }
            for r in d.reviews.all()
        ]
    return body


def _deliver_in(request: HttpRequest) -> DeliverIn:
    raw = request.body.strip()
    if not raw or request.content_type != "application/json":
        return DeliverIn()
    try:
        return DeliverIn.model_validate_json(raw)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ["body", *e["loc"]]} for e in exc.errors(include_url=False)]
        ) from exc


def _deliverable(request: HttpRequest, pk: int) -> Deliverable:
    try:
        return selectors.deliverable_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Deliverable.DoesNotExist as exc:
        raise Http404(f"no deliverable {pk}") from exc


@router.post(
    "/deliverables",
    response={201: DeliverableOut, **ERRORS},
    summary="Create a deliverable (due inside the client's working hours)",
)
def create_deliverable(request: HttpRequest, payload: DeliverableIn) -> Status:
    client = editable_client(request, payload.client)
    kind = DeliverableType.objects.filter(code=payload.type).first()
    if kind is None:
        raise ValidationError({"type": f"no deliverable type {payload.type!r}"})
    created = services.deliverable_create(
        client=client,
        title=payload.title,
        type=kind,
        owner=_user(payload.owner, "owner"),  # type: ignore[arg-type]
        reviewer=_user(payload.reviewer, "reviewer"),  # type: ignore[arg-type]
        due_at=payload.due_at,
        priority=payload.priority,
        priority_reason=payload.priority_reason,
        links=payload.links,
        notes=payload.notes,
        amount=payload.amount,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    return Status(201, deliverable_out(created.deliverable, warnings=created.warnings))


@router.get(
    "/deliverables",
    response={200: DeliverableList, **ERRORS},
    summary="Deliverables of the clients you may see, by due moment",
)
def list_deliverables(
    request: HttpRequest,
    client: int | None = Query(None, ge=1, le=2**62),
    status: StatusName | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    qs = selectors.deliverable_list(user=request.user, client_id=client, status=status or "")  # type: ignore[arg-type]
    return {"count": qs.count(), "items": [deliverable_out(d) for d in qs[offset : offset + limit]]}


@router.get(
    "/deliverables/{deliverable_id}",
    response={200: DeliverableDetail, **ERRORS},
    summary="One deliverable with its slip log (due_history) and reviews",
)
def get_deliverable(request: HttpRequest, deliverable_id: int) -> dict[str, Any]:
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)


@router.patch(
    "/deliverables/{deliverable_id}",
    response={200: DeliverableDetail, **ERRORS},
    summary="Change a deliverable; a new due_at is added to the slip log",
)
def patch_deliverable(
    request: HttpRequest, deliverable_id: int, payload: DeliverablePatch
) -> dict[str, Any]:
    deliverable = _deliverable(request, deliverable_id)
    data = payload.model_dump(exclude_unset=True)
    due_at, due_reason = data.pop("due_at", None), data.pop("due_reason", None) or ""
    for field in ("owner", "reviewer"):
        if field in data:
            data[field] = _user(data[field], field)
    now = timezone.now()
    if data:
        services.deliverable_update(deliverable=deliverable, by=request.user, at=now, **data)  # type: ignore[arg-type]
    if due_at is not None:
        services.deliverable_reschedule(
            deliverable=deliverable,
            by=request.user,
            at=now,
            due_at=due_at,
            reason=due_reason,  # type: ignore[arg-type]
        )
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)


@router.post(
    "/deliverables/{deliverable_id}/submit",
    response={200: DeliverableDetail, **ERRORS},
    summary="Hand the work to the reviewer (in review)",
)
def submit_deliverable(request: HttpRequest, deliverable_id: int) -> dict[str, Any]:
    deliverable = _deliverable(request, deliverable_id)
    services.deliverable_submit(deliverable=deliverable, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)


@router.post(
    "/deliverables/{deliverable_id}/review",
    response={201: DeliverableDetail, **ERRORS},
    summary="The internal review: passed or not, with the type's checklist",
)
def review_deliverable(request: HttpRequest, deliverable_id: int, payload: ReviewIn) -> Status:
    deliverable = _deliverable(request, deliverable_id)
    services.deliverable_review(
        deliverable=deliverable,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        passed=payload.passed,
        comment=payload.comment,
        checklist=payload.checklist,
    )
    return Status(201, deliverable_out(_deliverable(request, deliverable_id), detail=True))


@router.post(
    "/deliverables/{deliverable_id}/deliver",
    response={200: DeliverableDetail, 409: dict[str, str], **ERRORS},
    summary="Deliver to the client (409 without a passed review; directors may override)",
)
def deliver_deliverable(request: HttpRequest, deliverable_id: int) -> dict[str, Any]:
    """The body is optional: ``{"override_reason": "…"}`` (directors only), or nothing at all."""
    deliverable = _deliverable(request, deliverable_id)
    payload = _deliver_in(request)
    try:
        services.deliverable_deliver(
            deliverable=deliverable,
            by=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
            override_reason=payload.override_reason,
        )
    except services.DeliveryRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)


@router.post(
    "/deliverables/{deliverable_id}/at-risk",
    response={200: DeliverableDetail, **ERRORS},
    summary="Flag at risk: the account manager must send a delay notice before the deadline",
)
def flag_deliverable(
    request: HttpRequest, deliverable_id: int, payload: AtRiskIn
) -> dict[str, Any]:
    deliverable = _deliverable(request, deliverable_id)
    services.deliverable_flag_at_risk(
        deliverable=deliverable,
        by=request.user,
        at=timezone.now(),
        reason=payload.reason,  # type: ignore[arg-type]
    )
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)


@router.post(
    "/deliverables/{deliverable_id}/delay-notice",
    response={201: DelayNoticeOut, **ERRORS},
    summary="Tell the client of a slip (new due moment and reason), through the outbox",
)
def delay_notice(request: HttpRequest, deliverable_id: int, payload: DelayNoticeIn) -> Status:
    deliverable = _deliverable(request, deliverable_id)
    editable_client(request, deliverable.client_id)
    outbox = services.deliverable_delay_notice(
        deliverable=deliverable,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        new_due_at=payload.new_due_at,
        reason=payload.reason,
    )
    tz = client_engine(deliverable.client).tz
    return Status(
        201,
        {
            "id": outbox.message_id,
            "outbox_state": outbox.state,
            "send_after": outbox.send_after.astimezone(tz),
            "due_at": deliverable.due_at.astimezone(tz),
            "text": outbox.message.text,
        },
    )


class ScheduleIn(Schema):
    client: int = Field(..., ge=1, le=2**62)
    title: text(NAME_MAX_LENGTH, 1)  # type: ignore[valid-type]
    type: text(40, 1)  # type: ignore[valid-type]
    owner: Username = Field(..., description="username")  # type: ignore[valid-type]
    reviewer: Username = Field(..., description="username")  # type: ignore[valid-type]
    rrule: text(500) = Field(  # type: ignore[valid-type]
        "", description="RFC 5545 rule without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO"
    )
    working_day: int | None = Field(
        None, ge=1, le=23, description="instead of rrule: the Nth working day of each month"
    )
    time: dt_time = Field(..., description="time of day in the client's time zone, e.g. 10:00")
    on_closed_day: Literal["next", "previous"] = "next"


class ScheduleOut(Schema):
    id: int
    next_occurrences: list[datetime]


@router.post(
    "/deliverable-schedules",
    response={201: ScheduleOut, **ERRORS},
    summary="A recurring deliverable; occurrences are created ahead by the desk's clock",
)
def create_schedule(request: HttpRequest, payload: ScheduleIn) -> Status:
    client = editable_client(request, payload.client)
    kind = DeliverableType.objects.filter(code=payload.type).first()
    if kind is None:
        raise ValidationError({"type": f"no deliverable type {payload.type!r}"})
    now = timezone.now()
    schedule = schedule_create(
        client=client,
        title=payload.title,
        type=kind,
        owner=_user(payload.owner, "owner"),  # type: ignore[arg-type]
        reviewer=_user(payload.reviewer, "reviewer"),  # type: ignore[arg-type]
        time_of_day=payload.time,
        rrule=payload.rrule,
        working_day=payload.working_day,
        on_closed_day=payload.on_closed_day,
        by=request.user,  # type: ignore[arg-type]
        at=now,
    )
    return Status(201, {"id": schedule.pk, "next_occurrences": schedule_next(schedule, after=now)})
