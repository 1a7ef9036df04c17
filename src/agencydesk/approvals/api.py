"""REST endpoints of approvals: ``/api/v1/approvals`` and the spend gate's
``/api/v1/deliverables/{id}/launch`` (the shapes are contracts of issue 14)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator

from agencydesk.approvals import selectors, services
from agencydesk.approvals.choices import DecisionChannel
from agencydesk.approvals.models import ApprovalRequest
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.api import ERRORS
from agencydesk.clients.models import Contact
from agencydesk.core.schemas import text
from agencydesk.core.validators import LINK_MAX_LENGTH, NOTES_MAX_LENGTH, validate_web_link
from agencydesk.messaging.models import Message
from agencydesk.work import selectors as work_selectors
from agencydesk.work.api import DeliverableDetail, deliverable_out
from agencydesk.work.models import Deliverable

router = Router(tags=["approvals"])

Id = Annotated[int, Field(ge=1, le=2**62)]
VerdictName = Literal["approved", "approved_with_changes", "changes_requested", "rejected"]


def _web_link(value: str) -> str:
    if value:
        try:
            validate_web_link(value)
        except ValidationError as exc:
            raise ValueError(" ".join(str(m) for m in exc.messages)) from exc
    return value


WebLink = Annotated[text(LINK_MAX_LENGTH), AfterValidator(_web_link)]  # type: ignore[valid-type]


class ApprovalIn(Schema):
    deliverable: Id
    approvers: list[Id] = Field(..., min_length=1, max_length=services.APPROVERS_MAX)
    material_url: WebLink = ""  # type: ignore[valid-type]
    note: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]


class RoundIn(Schema):
    material_url: WebLink = ""  # type: ignore[valid-type]
    note: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]


class DecisionIn(Schema):
    contact: Id
    decision: VerdictName
    comment: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]
    taste_driven: bool = False
    channel: Literal["message", "call"] = Field(..., description="how the client told you")
    message: Id | None = Field(None, description="the client's message it was recorded from")
    resolution: bool = Field(
        False, description="the client's chosen option when its approvers disagreed"
    )


class LinkOut(Schema):
    contact: int
    url: str


class ApprovalCreated(Schema):
    id: int
    round: int
    decision_due_at: datetime
    links: list[LinkOut]


class DecisionOut(Schema):
    contact: int | None
    decision: str
    comment: str
    at: datetime
    channel: str


class ApprovalOut(Schema):
    id: int
    state: str
    round: int
    decision_due_at: datetime
    decisions: list[DecisionOut]


def _approval(request: HttpRequest, pk: int) -> ApprovalRequest:
    try:
        return selectors.approval_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except ApprovalRequest.DoesNotExist as exc:
        raise Http404(f"no approval request {pk}") from exc


def _deliverable(request: HttpRequest, pk: int) -> Deliverable:
    try:
        return work_selectors.deliverable_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Deliverable.DoesNotExist as exc:
        raise Http404(f"no deliverable {pk}") from exc


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _sent_out(sent: services.Sent) -> dict[str, Any]:
    tz = client_engine(sent.request.client).tz
    return {
        "id": sent.request.pk,
        "round": sent.round.number,
        "decision_due_at": sent.round.decision_due_at.astimezone(tz),
        "links": [{"contact": contact.pk, "url": url} for contact, url in sent.links],
    }


def approval_out(approval: ApprovalRequest) -> dict[str, Any]:
    tz = client_engine(approval.client).tz
    return {
        "id": approval.pk,
        "state": approval.state,
        "round": approval.round,
        "decision_due_at": approval.decision_due_at.astimezone(tz),
        "decisions": [
            {
                "contact": d.contact_id,
                "decision": d.verdict,
                "comment": d.comment,
                "at": d.at.astimezone(tz),
                "channel": d.channel,
            }
            for d in approval.decisions.all()
        ],
    }


@router.post(
    "/approvals",
    response={201: ApprovalCreated, **ERRORS},
    summary="Ask the client's approvers to decide on a deliverable (round 1, a link for each)",
)
def create_approval(request: HttpRequest, payload: ApprovalIn) -> Status:
    deliverable = _deliverable(request, payload.deliverable)
    approvers = list(
        Contact.objects.filter(pk__in=payload.approvers, client_id=deliverable.client_id)
    )
    if len(approvers) != len(set(payload.approvers)):
        raise ValidationError({"approvers": "every approver must be a contact of this client"})
    sent = services.approval_request_create(
        deliverable=deliverable,
        approvers=approvers,
        material_url=payload.material_url,
        note=payload.note,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        base_url=_base_url(request),
    )
    return Status(201, _sent_out(sent))


@router.get(
    "/approvals/{approval_id}",
    response={200: ApprovalOut, **ERRORS},
    summary="One approval request with its decisions",
)
def get_approval(request: HttpRequest, approval_id: int) -> dict[str, Any]:
    return approval_out(_approval(request, approval_id))


@router.post(
    "/approvals/{approval_id}/decisions",
    response={201: ApprovalOut, 409: dict[str, str], **ERRORS},
    summary="A decision the client told the account manager (in a message or a call)",
)
def record_decision(request: HttpRequest, approval_id: int, payload: DecisionIn) -> Status:
    approval = _approval(request, approval_id)
    contact = Contact.objects.filter(pk=payload.contact, client_id=approval.client_id).first()
    if contact is None:
        raise ValidationError({"contact": "not a contact of this client"})
    message = None
    if payload.message is not None:
        message = Message.objects.filter(pk=payload.message, client_id=approval.client_id).first()
        if message is None:
            raise ValidationError({"message": "not a message of this client"})
    try:
        if payload.resolution:
            services.approval_resolve(
                request=approval,
                contact=contact,
                verdict=payload.decision,
                comment=payload.comment,
                channel=payload.channel,
                message=message,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
        else:
            services.approval_decide(
                request=approval,
                round_number=approval.round,
                contact=contact,
                verdict=payload.decision,
                comment=payload.comment,
                taste_driven=payload.taste_driven,
                channel=payload.channel or DecisionChannel.MESSAGE,
                message=message,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
    except services.DecisionRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(201, approval_out(_approval(request, approval_id)))


@router.post(
    "/approvals/{approval_id}/rounds",
    response={201: ApprovalCreated, **ERRORS},
    summary="The next round: a new version supersedes the old one and its links",
)
def create_round(request: HttpRequest, approval_id: int, payload: RoundIn) -> Status:
    approval = _approval(request, approval_id)
    sent = services.approval_round_create(
        request=approval,
        material_url=payload.material_url,
        note=payload.note,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        base_url=_base_url(request),
    )
    return Status(201, _sent_out(sent))


@router.post(
    "/deliverables/{deliverable_id}/launch",
    response={200: DeliverableDetail, 409: dict[str, str], **ERRORS},
    summary="Mark launched (409 without the client's approval of the current version and amount)",
)
def launch_deliverable(request: HttpRequest, deliverable_id: int) -> dict[str, Any]:
    deliverable = _deliverable(request, deliverable_id)
    try:
        services.deliverable_launch(
            deliverable=deliverable,
            by=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )
    except services.LaunchRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return deliverable_out(_deliverable(request, deliverable_id), detail=True)
