"""Writes of messaging: recording messages, the reply composer, the outbox, and the rules they set off.

Every rule of C4 and C5 that reacts to a message lives here, next to the write
that triggers it, in the same transaction; deliveries happen after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencydesk.calendars.selectors import (
    business_day_minutes,
    calendar_engine,
    client_calendar,
    days_later,
    next_allowed_moment,
)
from agencydesk.commitments.choices import ACTIVE_STATES, Kind
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_cancel, commitment_meet, commitment_open
from agencydesk.messaging.choices import Direction, OutboxState, TemplateKind
from agencydesk.messaging.models import Conversation, Message, MessageTemplate, OutboundMessage
from agencydesk.messaging.questions import looks_like_question
from agencydesk.messaging.templates_text import DEFAULTS, GREETING_FALLBACK

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.clients.models import Client, Contact

KEEP_IN_TOUCH_WARN_DAYS = 2  # the warning starts this many days before the limit
FOLLOW_UPS_BEFORE_CALL = 2


@dataclass(frozen=True)
class Recorded:
    message: Message
    created: bool
    first_response: Commitment | None = None


def conversation_for(
    *, client: Client, channel: str, key: str | None, at: datetime, topic: str = ""
) -> Conversation:
    """The conversation a message belongs to; ``key`` None means the client's main thread there."""
    external_key = key or "main"
    conversation, _created = Conversation.objects.get_or_create(
        client=client,
        channel=channel,
        external_key=external_key,
        defaults={"created_at": at, "topic": topic},
    )
    return conversation


def _author(client: Client, author: str) -> tuple[Contact | None, User | None]:
    from agencydesk.accounts.models import User

    if not author:
        return None, None
    handle = author.lstrip("@")
    contact = (
        client.contacts.filter(email__iexact=author).first()
        or client.contacts.filter(telegram_username__iexact=handle).first()
    )
    if contact is not None:
        return contact, None
    user = (
        User.objects.filter(username=author).first()
        or User.objects.filter(email__iexact=author).first()
    )
    return None, user


@transaction.atomic
def message_record(
    *,
    client: Client,
    channel: str,
    direction: str,
    sent_at: datetime,
    text: str,
    at: datetime,
    conversation_key: str | None = None,
    external_id: str | None = None,
    author: str = "",
    author_user: User | None = None,
    attachments: list[str] | None = None,
    needs_response: bool | None = None,
    awaiting_client: bool = False,
    answers_questions: bool = True,
    topic: str = "",
) -> Recorded:
    """Record a message that happened (ingested or logged by hand) and apply the rules.

    The same ``(channel, external_id)`` again returns the first record and changes nothing.
    """
    if sent_at.tzinfo is None:
        raise ValidationError({"sent_at": _("Give the time zone of the moment, e.g. +03:00.")})
    if external_id:
        existing = Message.objects.filter(channel=channel, external_id=external_id).first()
        if existing is not None:
            return Recorded(existing, created=False)
    conversation = conversation_for(
        client=client, channel=channel, key=conversation_key, at=at, topic=topic
    )
    contact, user = _author(client, author)
    if author_user is not None:
        user = author_user
    inbound = direction == Direction.IN
    is_question = inbound and looks_like_question(text)
    message = Message(
        conversation=conversation,
        client=client,
        channel=channel,
        direction=direction,
        author_contact=contact if inbound else None,
        author_user=None if inbound else user,
        author_label=author,
        sent_at=sent_at,
        text=text,
        attachments=attachments or [],
        external_id=external_id or None,
        needs_response=inbound if needs_response is None else (inbound and needs_response),
        is_question=is_question,
        awaiting_client=(not inbound) and awaiting_client,
        created_at=at,
    )
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # A concurrent request recorded the same external id first.
        if external_id:
            return Recorded(
                Message.objects.get(channel=channel, external_id=external_id), created=False
            )
        raise
    if conversation.last_message_at is None or sent_at > conversation.last_message_at:
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=sent_at)
    first = None
    if inbound:
        first = _after_inbound(message, at=at)
    else:
        _after_outbound(message, at=at, by=user, answers_questions=answers_questions)
    return Recorded(message, created=True, first_response=first)


def _after_inbound(message: Message, *, at: datetime) -> Commitment | None:
    client = message.client
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    # The client answered: a follow-up chain waiting on them is over.
    for waiting in Commitment.objects.filter(
        client=client, kind__in=[Kind.FOLLOW_UP, Kind.CALL], state__in=ACTIVE_STATES
    ):
        commitment_meet(commitment=waiting, at=at, met_by=message)
    first = None
    if message.needs_response:
        existing = Commitment.objects.filter(
            conversation=message.conversation, kind=Kind.FIRST_RESPONSE, state__in=ACTIVE_STATES
        ).first()
        if existing is None:
            first = commitment_open(
                kind=Kind.FIRST_RESPONSE,
                client=client,
                owner=client.account_manager,
                calendar=calendar,
                start_at=message.sent_at,
                minutes=client.first_response_minutes,
                action_at=acknowledgement_moment(engine, message.sent_at, client.ack_delay_minutes),
                conversation=message.conversation,
                message=message,
                reason_code="first_response",
                reason_params={
                    "minutes": client.first_response_minutes,
                    "ack_minutes": client.ack_delay_minutes,
                },
                at=at,
            )
        else:
            first = existing
    if message.is_question:
        _question_open(message, at=at, by=None)
    return first


def acknowledgement_moment(engine: WorkCalendar, sent_at: datetime, minutes: int) -> datetime:
    """When the desk acknowledges: ``minutes`` of working time later, and inside working hours.

    Five minutes before closing, the acknowledgement waits for the next opening
    rather than landing on the closing moment itself.
    """
    return engine.next_open(engine.add(sent_at, minutes))


def _question_open(message: Message, *, at: datetime, by: User | None) -> Commitment:
    client = message.client
    calendar = client_calendar(client)
    minutes = business_day_minutes(calendar_engine(calendar))
    commitment = commitment_open(
        kind=Kind.QUESTION,
        client=client,
        owner=client.account_manager,
        calendar=calendar,
        start_at=message.sent_at,
        minutes=minutes,
        conversation=message.conversation,
        message=message,
        reason_code="question",
        reason_params={"excerpt": message.text[:120]},
        at=at,
        by=by,
    )
    # Escalation happens when it falls due.
    Commitment.objects.filter(pk=commitment.pk).update(action_at=commitment.due_at)
    commitment.action_at = commitment.due_at
    return commitment


def _after_outbound(
    message: Message, *, at: datetime, by: User | None, answers_questions: bool
) -> None:
    if message.automatic:
        return
    client = message.client
    for first in Commitment.objects.filter(
        conversation=message.conversation, kind=Kind.FIRST_RESPONSE, state__in=ACTIVE_STATES
    ):
        commitment_meet(commitment=first, at=message.sent_at, by=by, met_by=message)
    if answers_questions:
        for question in Commitment.objects.filter(
            conversation=message.conversation, kind=Kind.QUESTION, state__in=ACTIVE_STATES
        ):
            commitment_meet(commitment=question, at=message.sent_at, by=by, met_by=message)
    _keep_in_touch_restart(client, touched_at=message.sent_at, at=at, by=by, message=message)
    _follow_up_chain(message, at=at, by=by)


def _keep_in_touch_restart(
    client: Client, *, touched_at: datetime, at: datetime, by: User | None, message: Message | None
) -> Commitment:
    for current in Commitment.objects.filter(
        client=client, kind=Kind.KEEP_IN_TOUCH, state__in=ACTIVE_STATES
    ):
        commitment_meet(commitment=current, at=touched_at, by=by, met_by=message)
    days = client.keep_in_touch_days
    return commitment_open(
        kind=Kind.KEEP_IN_TOUCH,
        client=client,
        owner=client.account_manager,
        calendar=client_calendar(client),
        start_at=touched_at,
        minutes=0,
        due_at=days_later(touched_at, days),
        visible_from=days_later(touched_at, max(days - KEEP_IN_TOUCH_WARN_DAYS, 1)),
        reason_code="keep_in_touch",
        reason_params={"days": days},
        at=at,
        by=by,
    )


def _follow_up_chain(message: Message, *, at: datetime, by: User | None) -> None:
    client = message.client
    open_chain = list(
        Commitment.objects.filter(
            client=client, kind__in=[Kind.FOLLOW_UP, Kind.CALL], state__in=ACTIVE_STATES
        )
    )
    step = 0
    for current in open_chain:
        step = max(step, current.step + 1)
        commitment_meet(commitment=current, at=message.sent_at, by=by, met_by=message)
    if not message.awaiting_client:
        return
    calendar = client_calendar(client)
    if step >= FOLLOW_UPS_BEFORE_CALL:
        commitment_open(
            kind=Kind.CALL,
            client=client,
            owner=client.account_manager,
            calendar=calendar,
            start_at=message.sent_at,
            minutes=business_day_minutes(calendar_engine(calendar)),
            conversation=message.conversation,
            message=message,
            step=step,
            reason_code="call",
            reason_params={"follow_ups": step},
            at=at,
            by=by,
        )
        return
    commitment_open(
        kind=Kind.FOLLOW_UP,
        client=client,
        owner=client.account_manager,
        calendar=calendar,
        start_at=message.sent_at,
        minutes=client.follow_up_hours * 60,
        conversation=message.conversation,
        message=message,
        step=step,
        reason_code="follow_up",
        reason_params={"hours": client.follow_up_hours, "step": step},
        at=at,
        by=by,
    )


@transaction.atomic
def message_mark_question(
    *, message: Message, is_question: bool, by: User, at: datetime
) -> Message:
    """The account manager's word on whether a client message asks something."""
    if message.direction != Direction.IN:
        raise ValidationError(_("Only a client's message can be a question."))
    if message.is_question == is_question:
        return message
    message.is_question = is_question
    message.question_marked_by = by
    message.save(update_fields=["is_question", "question_marked_by"])
    if is_question:
        _question_open(message, at=at, by=by)
    else:
        for question in Commitment.objects.filter(
            message=message, kind=Kind.QUESTION, state__in=ACTIVE_STATES
        ):
            commitment_cancel(commitment=question, at=at, by=by, why="not a question")
    return message


def delivery_moment(client: Client, at: datetime) -> tuple[datetime, str]:
    """When a message written at ``at`` may reach the client, and why it waits if it does."""
    if client.crisis_mode:
        return at, ""
    engine = calendar_engine(client_calendar(client))
    moment = next_allowed_moment(engine, at, weekends_allowed=client.weekends_allowed)
    if moment <= at:
        return at, ""
    if engine.is_open(at):
        return moment, "weekend"
    return moment, "outside_hours"


@transaction.atomic
def message_send(
    *,
    client: Client,
    text: str,
    by: User | None,
    at: datetime,
    conversation: Conversation | None = None,
    channel: str | None = None,
    awaiting_client: bool = False,
    answers_questions: bool = True,
    automatic: bool = False,
) -> OutboundMessage:
    """Write to a client: record the message, queue it in the outbox, hold it for quiet hours."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message first.")})
    if conversation is None:
        channel = channel or client.preferred_channel
        conversation = conversation_for(client=client, channel=channel, key=None, at=at)
    send_after, held = delivery_moment(client, at)
    message = Message(
        conversation=conversation,
        client=client,
        channel=conversation.channel,
        direction=Direction.OUT,
        author_user=by,
        author_label=by.get_username() if by else "",
        sent_at=at,
        text=text,
        automatic=automatic,
        awaiting_client=awaiting_client,
        created_at=at,
    )
    message.full_clean()
    message.save()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=at)
    outbox = OutboundMessage(
        message=message,
        client=client,
        channel=conversation.channel,
        state=OutboxState.HELD if held else OutboxState.QUEUED,
        send_after=send_after,
        held_reason=held,
        created_at=at,
        enqueued_at=None if held else at,
    )
    outbox.full_clean()
    outbox.save()
    if not automatic:
        _after_outbound(message, at=at, by=by, answers_questions=answers_questions)
    if not held:
        _enqueue_send(outbox)
    return outbox


def _enqueue_send(outbox: OutboundMessage) -> None:
    from agencydesk.messaging.tasks import outbox_send

    outbox_id = outbox.pk
    transaction.on_commit(lambda: outbox_send.enqueue(outbox_id))


def template_text(*, kind: str, client: Client, contact: Contact | None) -> str:
    """A client-facing template in the client's language and form of address."""
    form = contact.address_form if contact and contact.address_form else client.address_form
    language = client.language
    row = MessageTemplate.objects.filter(kind=kind, language=language, address_form=form).first()
    if row is not None:
        pattern = row.text
    else:
        pattern = DEFAULTS[kind].get(language, DEFAULTS[kind]["en"])[form]
    name = (contact.address_as or contact.name) if contact else ""
    if not name:
        name = GREETING_FALLBACK.get(language, GREETING_FALLBACK["en"])[form]
    return pattern.replace("{name}", name)


@transaction.atomic
def acknowledgement_send(*, commitment: Commitment, at: datetime) -> OutboundMessage | None:
    """The desk's "message received" when nobody replied in time; meets the first response only."""
    claimed = Commitment.objects.filter(
        pk=commitment.pk, state__in=ACTIVE_STATES, action_at__isnull=False
    ).update(action_at=None)
    if not claimed:
        return None  # met meanwhile, or another worker took it
    message = commitment.message
    contact = message.author_contact if message else None
    text = template_text(
        kind=TemplateKind.ACKNOWLEDGEMENT, client=commitment.client, contact=contact
    )
    outbox = message_send(
        client=commitment.client,
        text=text,
        by=None,
        at=at,
        conversation=commitment.conversation,
        automatic=True,
    )
    commitment_meet(commitment=commitment, at=at, met_by=outbox.message)
    return outbox


OUTBOX_BACKOFF = [timedelta(seconds=s) for s in (10, 30, 120, 600, 1800)]
OUTBOX_MAX_ATTEMPTS = 8


def outbox_backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    return OUTBOX_BACKOFF[min(attempts, len(OUTBOX_BACKOFF)) - 1] if attempts else OUTBOX_BACKOFF[0]
