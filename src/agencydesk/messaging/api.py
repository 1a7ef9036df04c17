"""REST endpoints of messaging: ingest a message, list a client's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from agencydesk.calendars.selectors import calendar_engine
from agencydesk.clients.api import ERRORS, editable_client, visible_client
from agencydesk.commitments.models import Commitment
from agencydesk.core.schemas import Link, text
from agencydesk.core.validators import ATTACHMENTS_MAX, MESSAGE_TEXT_MAX_LENGTH
from agencydesk.messaging import selectors, services
from agencydesk.messaging.choices import FIRST_RESPONSE
from agencydesk.messaging.models import Message

router = Router(tags=["messages"])

ChannelName = Literal["telegram", "email", "phone", "meeting", "other"]


class MessageIn(Schema):
    client: int = Field(..., ge=1, le=2**62)
    channel: ChannelName
    conversation: text(200) | None = Field(None, description="external key of the conversation")  # type: ignore[valid-type]
    direction: Literal["in", "out"]
    sent_at: datetime = Field(..., description="aware ISO 8601, e.g. 2026-03-06T17:55:00+03:00")
    text: text(MESSAGE_TEXT_MAX_LENGTH, 1)  # type: ignore[valid-type]
    external_id: text(200) | None = Field(None, description="id in the channel; deduplicates")  # type: ignore[valid-type]
    author: text(200) | None = Field(  # type: ignore[valid-type]
        None, description="contact e-mail or Telegram username, or agency username"
    )
    attachments: list[Link] | None = Field(
        None,
        max_length=ATTACHMENTS_MAX,
        description=f"http, https or mailto links, at most {ATTACHMENTS_MAX}",
    )
    needs_response: bool | None = Field(None, description="inbound only; default true")
    awaiting_client: bool = Field(
        False, description="outbound: the agency now waits for the client"
    )
    topic: text(60) | None = None  # type: ignore[valid-type]

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("give the time zone offset, e.g. 2026-03-06T17:55:00+03:00")
        if not 2000 <= value.year <= 2100:
            raise ValueError("must be between the years 2000 and 2100")
        return value


class MessageOut(Schema):
    id: int
    client: int
    conversation: int
    conversation_key: str
    channel: str
    direction: str
    kind: str = Field(description="message, or event: something that happened, never answered")
    sent_at: datetime
    text: str
    external_id: str | None
    automatic: bool
    needs_response: bool
    is_question: bool
    labels: dict[str, bool] = Field(description="question, needs_response, approval, urgent")
    label_reasons: dict[str, str] = Field(description="why each true label is true")
    awaiting_client: bool
    author: str | None
    attachments: list[str]
    first_response_due_at: datetime | None
    outbox_state: str | None


class MessageList(Schema):
    count: int
    items: list[MessageOut]


def message_out(
    message: Message, first_due: datetime | None = None, *, just_ingested: bool = False
) -> dict[str, Any]:
    """The API form of a message; one ``just_ingested`` has no outbox row to look up."""
    if message.author_contact_id:
        author = message.author_contact.name  # type: ignore[union-attr]
    elif message.author_user_id:
        author = message.author_user.get_username()  # type: ignore[union-attr]
    else:
        author = message.author_label or None
    outbox = (
        getattr(message, "outbox", None)
        if message.direction == "out" and not just_ingested
        else None
    )
    return {
        "id": message.pk,
        "client": message.client_id,
        "conversation": message.conversation_id,
        "conversation_key": message.conversation.external_key,
        "channel": message.channel,
        "direction": message.direction,
        "kind": message.kind,
        "sent_at": message.sent_at,
        "text": message.text,
        "external_id": message.external_id,
        "automatic": message.automatic,
        "needs_response": message.needs_response,
        "is_question": message.is_question,
        "labels": message.label_values(),
        "label_reasons": message.label_reasons,
        "awaiting_client": message.awaiting_client,
        "author": author,
        "attachments": message.attachments,
        "first_response_due_at": first_due,
        "outbox_state": outbox.state if outbox else None,
    }


def _first_due_local(recorded: services.Recorded) -> datetime | None:
    first = recorded.first_response
    if first is None and recorded.message.direction == "in" and not recorded.created:
        first = (
            Commitment.objects.about(recorded.message)
            .filter(kind=FIRST_RESPONSE)
            .select_related("calendar")
            .first()
        )
    if first is None:
        return None
    return first.due_at.astimezone(calendar_engine(first.calendar).tz)


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut, **ERRORS},
    summary=(
        "Record a message (needs the right to write to the client); the same "
        "(client, channel, external_id) again returns the first record"
    ),
)
def post_message(request: HttpRequest, payload: MessageIn) -> Status:
    # What the rules read besides the client: its account manager and calendar.
    client = editable_client(request, payload.client, ("account_manager", "calendar"))
    recorded = services.message_record(
        client=client,
        channel=payload.channel,
        direction=payload.direction,
        sent_at=payload.sent_at,
        text=payload.text,
        at=timezone.now(),
        conversation_key=payload.conversation,
        external_id=payload.external_id,
        author=payload.author or "",
        author_user=request.user if payload.direction == "out" and not payload.author else None,  # type: ignore[arg-type]
        attachments=payload.attachments,
        needs_response=payload.needs_response,
        awaiting_client=payload.awaiting_client,
        topic=payload.topic or "",
    )
    body = message_out(recorded.message, _first_due_local(recorded), just_ingested=recorded.created)
    return Status(201 if recorded.created else 200, body)


@router.get(
    "/clients/{client_id}/messages",
    response={200: MessageList, **ERRORS},
    summary="A client's messages, newest first (inbound, outbound and automatic)",
)
def list_messages(
    request: HttpRequest,
    client_id: int,
    q: str = Query("", max_length=200, description="full-text search"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    client = visible_client(request, client_id)
    qs = (
        selectors.message_search(user=request.user, client=client, query=q.replace("\x00", ""))  # type: ignore[arg-type]
        if q
        else selectors.client_messages(user=request.user, client=client)  # type: ignore[arg-type]
    )
    return {"count": qs.count(), "items": [message_out(m) for m in qs[offset : offset + limit]]}


class LabelsIn(Schema):
    labels: dict[Literal["question", "needs_response", "approval", "urgent"], bool] = Field(
        ..., description="the labels to set; those left out stay as they are"
    )


@router.patch(
    "/messages/{message_id}",
    response={200: MessageOut, **ERRORS},
    summary=(
        "Correct the labels the desk read in a client's message (needs the right to write "
        "to the client); the rules follow, e.g. needs_response opens or closes the reply timer"
    ),
)
def patch_message(request: HttpRequest, message_id: int, payload: LabelsIn) -> Status:
    missing = f"no message {message_id}"
    client_id = Message.objects.filter(pk=message_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise Http404(missing)
    # A message of a hidden client answers exactly like a missing one.
    client = editable_client(request, client_id, missing=missing)
    message = Message.objects.select_related("conversation").get(pk=message_id)
    message.client = client
    services.message_labels_set(
        message=message,
        labels=dict(payload.labels),
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    first = (
        Commitment.objects.about(message)
        .filter(kind=FIRST_RESPONSE, state__in=("open", "breached"))
        .select_related("calendar")
        .first()
    )
    due = first.due_at.astimezone(calendar_engine(first.calendar).tz) if first else None
    return Status(200, message_out(message, due))
