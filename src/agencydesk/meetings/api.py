"""REST endpoints of meetings and minutes: ``/api/v1/meetings`` (the shapes follow the deliverables API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.api import ERRORS, editable_client
from agencydesk.core.schemas import text
from agencydesk.core.validators import NAME_MAX_LENGTH, NOTES_MAX_LENGTH
from agencydesk.meetings import confirmations, selectors, services
from agencydesk.meetings.models import POINTS_MAX, Meeting, Minutes
from agencydesk.meetings.schedule import meeting_occurrences, warning_message
from agencydesk.work.api import _aware
from agencydesk.work.models import DeliverableType

router = Router(tags=["meetings"])
Username = text(150, 1)
PointText = text(500, 1)


class MeetingIn(Schema):
    client: int = Field(..., ge=1, le=2**62)
    title: text(NAME_MAX_LENGTH, 1)  # type: ignore[valid-type]
    starts_at: datetime = Field(..., description="aware ISO 8601: the first (or only) meeting")
    duration_minutes: int = Field(60, ge=15, le=480)
    rrule: text(500) = Field(  # type: ignore[valid-type]
        "", description="RFC 5545 rule without DTSTART, e.g. FREQ=WEEKLY;INTERVAL=2"
    )
    agenda: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]
    location: text(500) = ""  # type: ignore[valid-type]
    contacts: list[int] = Field(default_factory=list, max_length=services.PARTICIPANTS_MAX)
    people: list[Username] = Field(default_factory=list, max_length=services.PARTICIPANTS_MAX)  # type: ignore[valid-type]

    _start = field_validator("starts_at")(classmethod(lambda cls, v: _aware(v)))


class ActionItemIn(Schema):
    what: PointText  # type: ignore[valid-type]
    owner: Username = Field(..., description="username")  # type: ignore[valid-type]
    due_at: datetime = Field(..., description="aware ISO 8601")
    becomes: Literal["deliverable", "task"] = "task"
    type: text(40) = Field("", description="deliverable type code (for a deliverable)")  # type: ignore[valid-type]
    reviewer: Username | None = Field(None, description="username; default the account manager")  # type: ignore[valid-type]

    _due = field_validator("due_at")(classmethod(lambda cls, v: _aware(v)))


class MinutesIn(Schema):
    held_at: datetime | None = Field(
        None, description="which occurrence (default: the first meeting)"
    )
    summary: text(NOTES_MAX_LENGTH) = ""  # type: ignore[valid-type]
    decisions: list[PointText] = Field(default_factory=list, max_length=POINTS_MAX)  # type: ignore[valid-type]
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=POINTS_MAX)
    send: bool = Field(False, description="send to every client participant for confirmation")

    _held = field_validator("held_at")(classmethod(lambda cls, v: _aware(v)))


class Warning(Schema):
    code: str
    message: str


class ResponseOut(Schema):
    contact: int
    answer: str
    comment: str
    at: datetime


class PointOut(Schema):
    id: int
    text: str
    responses: list[ResponseOut]


class ActionItemOut(PointOut):
    owner: str | None
    due_at: datetime | None
    becomes: str
    deliverable: int | None
    task_opened: bool


class LinkOut(Schema):
    contact: int
    url: str


class MinutesOut(Schema):
    id: int
    meeting: int
    held_at: datetime
    state: str
    version: int
    sent_at: datetime | None
    confirm_due_at: datetime | None
    accepted_at: datetime | None
    accepted_how: str
    summary: str
    decisions: list[PointOut]
    action_items: list[ActionItemOut]
    links: list[LinkOut] = []


class MeetingOut(Schema):
    id: int
    client: int
    title: str
    agenda: str
    location: str
    starts_at: datetime = Field(description="in the client's time zone")
    starts_at_yours: datetime = Field(description="in your own time zone")
    duration_minutes: int
    rrule: str
    client_timezone: str
    contacts: list[int]
    people: list[str]
    warnings: list[Warning]
    next_occurrences: list[datetime]


class MeetingDetail(MeetingOut):
    minutes: list[MinutesOut]


def _users(usernames: list[str], field: str) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ValidationError({field: f"no active person {missing[0]!r}"})
    return [found[name] for name in usernames]


def _viewer_tz(request: HttpRequest) -> Any:
    from zoneinfo import ZoneInfo

    name = getattr(request.user, "timezone", "") or timezone.get_default_timezone_name()
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return timezone.get_default_timezone()


def _responses(point: Any, version: int, tz: Any) -> list[dict[str, Any]]:
    return [
        {
            "contact": r.contact_id,
            "answer": r.verdict,
            "comment": r.comment,
            "at": r.at.astimezone(tz),
        }
        for r in point.responses.all()
        if r.version == version
    ]


def minutes_out(m: Minutes, tz: Any, links: Any = ()) -> dict[str, Any]:
    points = list(m.points.all())
    return {
        "id": m.pk,
        "meeting": m.meeting_id,
        "held_at": m.held_at.astimezone(tz),
        "state": m.state,
        "version": m.version,
        "sent_at": m.sent_at.astimezone(tz) if m.sent_at else None,
        "confirm_due_at": m.confirm_due_at.astimezone(tz) if m.confirm_due_at else None,
        "accepted_at": m.accepted_at.astimezone(tz) if m.accepted_at else None,
        "accepted_how": m.accepted_how,
        "summary": m.summary,
        "decisions": [
            {"id": p.pk, "text": p.text, "responses": _responses(p, m.version, tz)}
            for p in points
            if p.kind == "decision"
        ],
        "action_items": [
            {
                "id": p.pk,
                "text": p.text,
                "responses": _responses(p, m.version, tz),
                "owner": p.owner.get_username() if p.owner else None,
                "due_at": p.due_at.astimezone(tz) if p.due_at else None,
                "becomes": p.outcome,
                "deliverable": p.deliverable_id,
                "task_opened": p.task_opened_at is not None,
            }
            for p in points
            if p.kind == "action"
        ],
        "links": [{"contact": link.contact.pk, "url": link.url} for link in links],
    }


def meeting_out(
    request: HttpRequest, m: Meeting, *, detail: bool = False, warnings: Any = None
) -> dict[str, Any]:
    engine = client_engine(m.client)
    now = timezone.now()
    body: dict[str, Any] = {
        "id": m.pk,
        "client": m.client_id,
        "title": m.title,
        "agenda": m.agenda,
        "location": m.location,
        "starts_at": m.starts_at.astimezone(engine.tz),
        "starts_at_yours": m.starts_at.astimezone(_viewer_tz(request)),
        "duration_minutes": m.duration_minutes,
        "rrule": m.rrule,
        "client_timezone": engine.timezone,
        "contacts": [c.pk for c in m.contacts.all()],
        "people": [p.get_username() for p in m.people.all()],
        "warnings": [
            {"code": w.get("code", ""), "message": warning_message(w)}
            for w in (m.warnings if warnings is None else warnings)
        ],
        "next_occurrences": meeting_occurrences(m, after=now, until=now + services.CHECK_AHEAD)[
            :10
        ],
    }
    if detail:
        body["minutes"] = [minutes_out(x, engine.tz) for x in m.minutes.all()]
    return body


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Meeting.DoesNotExist as exc:
        raise Http404(f"no meeting {pk}") from exc


@router.post(
    "/meetings",
    response={201: MeetingOut, **ERRORS},
    summary="Plan a meeting (one-off or recurring); warnings outside the meeting window",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    client = editable_client(request, payload.client)
    contacts = list(client.contacts.filter(pk__in=payload.contacts))
    if len(contacts) != len(set(payload.contacts)):
        raise ValidationError({"contacts": "every contact must be one of this client's"})
    planned = services.meeting_create(
        client=client,
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        rrule=payload.rrule,
        agenda=payload.agenda,
        location=payload.location,
        contacts=contacts,
        people=_users(payload.people, "people"),
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    return Status(201, meeting_out(request, _meeting(request, planned.meeting.pk)))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **ERRORS},
    summary="One meeting with its minutes and each participant's answers",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return meeting_out(request, _meeting(request, meeting_id), detail=True)


@router.post(
    "/meetings/{meeting_id}/minutes",
    response={201: MinutesOut, **ERRORS},
    summary="Write the minutes of a meeting; action items become deliverables or tasks, once",
)
def save_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> Status:
    meeting = _meeting(request, meeting_id)
    editable_client(request, meeting.client_id)
    types = {t.code: t for t in DeliverableType.objects.all()}
    actions = []
    for item in payload.action_items:
        kind = types.get(item.type) if item.type else None
        if item.becomes == "deliverable" and kind is None:
            raise ValidationError({"action_items": f"no deliverable type {item.type!r}"})
        actions.append(
            services.ActionIn(
                text=item.what,
                owner=_users([item.owner], "action_items")[0],
                due_at=item.due_at,
                outcome=item.becomes,
                deliverable_type=kind,
                reviewer=_users([item.reviewer], "action_items")[0] if item.reviewer else None,
            )
        )
    now = timezone.now()
    minutes = services.minutes_save(
        meeting=meeting,
        by=request.user,  # type: ignore[arg-type]
        at=now,
        decisions=list(payload.decisions),
        actions=actions,
        summary=payload.summary,
        held_at=payload.held_at,
    )
    links: list[Any] = []
    if payload.send:
        links = confirmations.minutes_send(
            minutes=minutes,
            by=request.user,  # type: ignore[arg-type]
            at=now,
            base_url=request.build_absolute_uri("/"),
        )
    shown = selectors.minutes_detail(user=request.user, pk=minutes.pk)  # type: ignore[arg-type]
    return Status(201, minutes_out(shown, client_engine(meeting.client).tz, links))
