"""Writes of messaging: recording messages, the reply composer, the outbox, and the rules they set off.

Every rule of C4 and C5 that reacts to a message lives here, next to the write
that triggers it, in the same transaction; deliveries happen after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import (
    acknowledgement_moment,
    business_day_minutes,
    calendar_engine,
    client_calendar,
    days_later,
    next_allowed_moment,
)
from agencydesk.clients.responsible import responsible, responsible_for
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import (
    commitment_build,
    commitment_cancel,
    commitment_meet,
    commitments_meet,
    commitments_save,
)
from agencydesk.core.services import audit_record, full_clean_loaded
from agencydesk.core.validators import TELEGRAM_TEXT_MAX_LENGTH, telegram_length
from agencydesk.messaging.choices import (
    CALL,
    FIRST_RESPONSE,
    FOLLOW_UP,
    KEEP_IN_TOUCH,
    PER_CONVERSATION,
    QUESTION,
    Channel,
    Direction,
    MessageKind,
    Source,
    TemplateKind,
)
from agencydesk.messaging.covering import covering_line
from agencydesk.messaging.guard import Mention, other_client_mentions
from agencydesk.messaging.hooks import INBOUND_HOOKS
from agencydesk.messaging.models import (
    Conversation,
    LabelCorrection,
    Message,
    MessageTemplate,
    OutboundMessage,
)
from agencydesk.messaging.selectors import other_client_names
from agencydesk.messaging.templates_text import DEFAULTS, GREETING_FALLBACK
from agencydesk.messaging.understanding import LABELS, Understanding, understand
from agencydesk.outbox.services import outbox_hand_over_on_commit, outbox_hold_or_queue

if TYPE_CHECKING:
    from agencydesk.clients.models import Client, Contact

KEEP_IN_TOUCH_WARN_DAYS = 2  # the warning starts this many days before the limit
LIVE_CHANNELS = (Channel.PHONE, Channel.MEETING)
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


def _conversation_touched(
    *, client: Client, channel: str, key: str | None, at: datetime, topic: str, sent_at: datetime
) -> Conversation:
    """The conversation of a new message, its last moment moved to ``sent_at`` if that is later.

    Finding the thread and moving its last moment is one statement
    (``UPDATE … RETURNING``): every message costs it, so ingest pays one
    round trip, not two. The update runs in the caller's transaction and is
    rolled back with it when the message turns out to be a repeat.
    """
    external_key = key or "main"
    table = connection.ops.quote_name(Conversation._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(f"{f.column}") for f in Conversation._meta.concrete_fields
    )
    moment = connection.ops.adapt_datetimefield_value(sent_at)
    # Only the model's own quoted names are formatted in; every value is a parameter.
    sql = (
        f"UPDATE {table} SET last_message_at = CASE WHEN last_message_at IS NULL "  # noqa: S608
        "OR last_message_at < %s THEN %s ELSE last_message_at END "
        f"WHERE client_id = %s AND channel = %s AND external_key = %s RETURNING {columns}"
    )
    found = list(Conversation.objects.raw(sql, [moment, moment, client.pk, channel, external_key]))
    if found:
        return found[0]
    conversation, created = Conversation.objects.get_or_create(
        client=client,
        channel=channel,
        external_key=external_key,
        defaults={"created_at": at, "topic": topic, "last_message_at": sent_at},
    )
    if not created and (
        conversation.last_message_at is None or sent_at > conversation.last_message_at
    ):
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=sent_at)
        conversation.last_message_at = sent_at
    return conversation


def _author(client: Client, author: str, *, inbound: bool) -> tuple[Contact | None, User | None]:
    """Who wrote: a contact of the client for inbound messages, a person of the agency for outbound."""
    if not author:
        return None, None
    if inbound:
        handle = author.lstrip("@").lower()
        # One query; an e-mail match wins over a Telegram username match.
        contacts = list(
            client.contacts.filter(
                Q(email__iexact=author) | Q(telegram_username__iexact=handle)
            ).order_by("pk")
        )
        by_email = [c for c in contacts if c.email.lower() == author.lower()]
        return next(iter(by_email + contacts), None), None
    users = list(User.objects.filter(Q(username=author) | Q(email__iexact=author)).order_by("pk"))
    by_username = [u for u in users if u.username == author]
    return None, next(iter(by_username + users), None)


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
    author_contact: Contact | None = None,
    author_is_label: bool = False,
    attachments: list[str] | None = None,
    needs_response: bool | None = None,
    awaiting_client: bool = False,
    answers_questions: bool = True,
    topic: str = "",
    source: str = Source.API,
    kind: str = MessageKind.MESSAGE,
) -> Recorded:
    """Record a message that happened (ingested or logged by hand) and apply the rules.

    The same ``external_id`` again in the same id space returns the first record
    and changes nothing. A connector (``source``) owns its ids across clients; ids
    given through the API are scoped to ``client`` (see :class:`Source`).
    An ``event`` is recorded and nothing else: it expects no answer, answers nothing,
    is no touch, and does not move the conversation's last message.
    """
    if sent_at.tzinfo is None:
        raise ValidationError({"sent_at": _("Give the time zone of the moment, e.g. +03:00.")})
    # Almost every message is new: the insert itself finds a repeated external id
    # (the database's unique constraints), which rolls back whatever this
    # message had started; the first record is then returned as it is.
    try:
        with transaction.atomic():
            event = kind == MessageKind.EVENT
            # An event does not move the conversation's last message.
            conversation = (
                conversation_for(
                    client=client, channel=channel, key=conversation_key, at=at, topic=topic
                )
                if event
                else _conversation_touched(
                    client=client,
                    channel=channel,
                    key=conversation_key,
                    at=at,
                    topic=topic,
                    sent_at=sent_at,
                )
            )
            inbound = direction == Direction.IN
            if author_is_label or author_contact is not None or author_user is not None:
                # The caller knows who wrote (a channel that maps its own accounts, and
                # says so with ``author_is_label`` when it found nobody): ``author`` is a label.
                contact, user = author_contact, author_user
            else:
                contact, user = _author(client, author, inbound=inbound)
            # Only a message someone must answer opens the first-response timer (#16).
            read = understand(text) if inbound and not event else None
            is_question = read is not None and read.labels["question"]
            if needs_response is None and read is not None:
                needs_response = read.labels["needs_response"]
            message = Message(
                conversation=conversation,
                client=client,
                channel=channel,
                direction=direction,
                kind=kind,
                author_contact=contact,
                author_user=None if inbound else user,
                author_label=author,
                sent_at=sent_at,
                text=text,
                attachments=attachments or [],
                external_id=external_id or None,
                needs_response=(not event)
                and (inbound if needs_response is None else (inbound and needs_response)),
                is_question=is_question,
                labels=_labels(read, question=is_question, needs_response=needs_response),
                label_reasons=dict(read.reasons) if read is not None else {},
                awaiting_client=(not inbound) and (not event) and awaiting_client,
                source=source,
                created_at=at,
            )
            # The external id constraints are checked by the database: see the except below.
            full_clean_loaded(message)
            message.save()
            if event:
                return Recorded(message, created=True)
            first = None
            if inbound:
                first = _after_inbound(message, at=at)
            else:
                _after_outbound(message, at=at, by=user, answers_questions=answers_questions)
            return Recorded(message, created=True, first_response=first)
    except IntegrityError:
        same_id = _same_external_id(
            client=client, channel=channel, source=source, external_id=external_id
        )
        first_record = same_id.first() if same_id is not None else None
        if first_record is None:
            raise
        return Recorded(first_record, created=False)


def _labels(
    read: Understanding | None, *, question: bool, needs_response: bool | None
) -> dict[str, bool]:
    """The stored labels: what was read, with the caller's say on needs_response."""
    if read is None:
        return {}
    labels = dict(read.labels)
    labels["question"] = question
    labels["needs_response"] = bool(needs_response)
    return labels


def _same_external_id(
    *, client: Client, channel: str, source: str, external_id: str | None
) -> QuerySet[Message] | None:
    """The messages that hold ``external_id`` in its id space, or None when there is no id."""
    if not external_id:
        return None
    qs = Message.objects.filter(source=source, channel=channel, external_id=external_id)
    return qs.filter(client=client) if source == Source.API else qs


def _active(client: Client, conversation: Conversation, kinds: list[str]) -> list[Commitment]:
    """The client's active commitments of ``kinds`` that a message may close, in one query.

    First responses and questions belong to one conversation (their subject is a
    message of it); the other kinds to the whole client. Every message recorded
    asks this, so it is one hand-written statement (building it through the ORM
    cost more than running it), and the commitments on the client's calendar get
    that calendar object instead of a join.
    """
    per_conversation = [k for k in kinds if k in PER_CONVERSATION]
    per_client = [k for k in kinds if k not in per_conversation]
    quote = connection.ops.quote_name
    table = quote(Commitment._meta.db_table)
    messages = quote(Message._meta.db_table)
    columns = ", ".join(f"c.{quote(f'{f.column}')}" for f in Commitment._meta.concrete_fields)
    which, params = [], [client.pk, *ACTIVE_STATES]
    if per_client:
        which.append(f"c.kind IN ({', '.join(['%s'] * len(per_client))})")
        params += per_client
    if per_conversation:
        which.append(
            f"(c.kind IN ({', '.join(['%s'] * len(per_conversation))}) AND EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {messages} m WHERE m.id = c.subject_id AND m.conversation_id = %s))"
        )
        params += [*per_conversation, conversation.pk]
    if not which:
        return []
    # Only the models' own quoted names and placeholders are formatted in; every value is a parameter.
    sql = (
        f"SELECT {columns} FROM {table} c WHERE c.client_id = %s "  # noqa: S608
        f"AND c.state IN ({', '.join(['%s'] * len(ACTIVE_STATES))}) AND ({' OR '.join(which)}) "
        "ORDER BY c.id"
    )
    rows = list(Commitment.objects.raw(sql, params))
    calendar = client_calendar(client)
    for row in rows:
        if row.calendar_id == calendar.pk:
            row.calendar = calendar
    return rows


def _after_inbound(message: Message, *, at: datetime) -> Commitment | None:
    client = message.client
    first = None
    # A call or a meeting the client started is a conversation both ways: a real touch.
    live = message.channel in LIVE_CHANNELS
    kinds = [FOLLOW_UP, CALL, FIRST_RESPONSE]
    if live:
        kinds.append(KEEP_IN_TOUCH)
    touched_later = False
    for active in _active(client, message.conversation, kinds):
        if active.kind == FIRST_RESPONSE:
            first = first or active
        elif active.start_at <= message.sent_at:
            # The client answered: a follow-up chain waiting on them is over (but a
            # message logged late, from before the agency started waiting, answers nothing).
            commitment_meet(commitment=active, at=at, met_by=message)
        else:
            touched_later = touched_later or active.kind == KEEP_IN_TOUCH
    # What this message opens is written in one insert (and one for the audit rows).
    opened = []
    # Who answers is read once for everything this message opens (an absence is one query).
    owner = responsible_for(client=client, at=at)
    if live and not touched_later:
        opened.append(_keep_in_touch_build(client, touched_at=message.sent_at, at=at, owner=owner))
    if message.needs_response and first is None:
        first = _first_response_build(message, at=at, acknowledge=True, owner=owner)
        opened.append(first)
    if message.is_question:
        opened.append(_question_build(message, at=at, owner=owner))
    for hook in INBOUND_HOOKS:
        opened.extend(hook(message, at))
    commitments_save(opened, at=at)
    return first if message.needs_response else None


def _first_response_build(
    message: Message, *, at: datetime, acknowledge: bool, owner: User | None
) -> Commitment:
    """The reply timer of a client's message; ``acknowledge``: with the automatic acknowledgement.

    A message read as urgent gets the client's shorter urgent target and the top of Today.
    """
    client = message.client
    calendar = client_calendar(client)
    urgent = bool(message.labels.get("urgent"))
    minutes = (
        min(client.urgent_response_minutes, client.first_response_minutes)
        if urgent
        else client.first_response_minutes
    )
    timer = commitment_build(
        kind=FIRST_RESPONSE,
        subject=message,
        client=client,
        owner=owner,
        calendar=calendar,
        start_at=message.sent_at,
        minutes=minutes,
        action_at=acknowledgement_moment(
            calendar_engine(calendar), message.sent_at, client.ack_delay_minutes
        )
        if acknowledge
        else None,
        reason_params={
            "minutes": minutes,
            "ack_minutes": client.ack_delay_minutes,
            **({"urgent": True} if urgent else {}),
        },
        at=at,
    )
    timer.urgent = urgent
    return timer


def _question_build(message: Message, *, at: datetime, owner: User | None) -> Commitment:
    client = message.client
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    minutes = business_day_minutes(engine, message.sent_at)
    due_at = engine.add(message.sent_at, minutes)
    question = commitment_build(
        kind=QUESTION,
        subject=message,
        client=client,
        owner=owner,
        calendar=calendar,
        start_at=message.sent_at,
        minutes=minutes,
        due_at=due_at,
        action_at=due_at,  # escalation happens when it falls due
        reason_params={"excerpt": message.text[:120]},
        at=at,
    )
    question.urgent = bool(message.labels.get("urgent"))
    return question


def _after_outbound(
    message: Message, *, at: datetime, by: User | None, answers_questions: bool
) -> None:
    if message.automatic:
        return
    client = message.client
    kinds = [FIRST_RESPONSE, KEEP_IN_TOUCH, FOLLOW_UP, CALL]
    if answers_questions:
        kinds.append(QUESTION)
    step = 0
    touched_later = False
    answered = []
    for active in _active(client, message.conversation, kinds):
        if active.start_at > message.sent_at:
            # Asked (or touched) after this message was sent: a reply logged late,
            # back-dated, answers only what came before it.
            touched_later = touched_later or active.kind == KEEP_IN_TOUCH
            continue
        if active.kind in (FOLLOW_UP, CALL):
            step = max(step, active.step + 1)
        answered.append(active)
    commitments_meet(answered, at=message.sent_at, by=by, met_by=message)
    opened = []
    owner = responsible_for(client=client, at=at)
    if not touched_later:
        opened.append(_keep_in_touch_build(client, touched_at=message.sent_at, at=at, owner=owner))
    if message.awaiting_client:
        opened.append(_follow_up_build(message, step=step, at=at, owner=owner))
    commitments_save(opened, at=at, by=by)


def _keep_in_touch_build(
    client: Client, *, touched_at: datetime, at: datetime, owner: User | None
) -> Commitment:
    days = client.keep_in_touch_days
    return commitment_build(
        kind=KEEP_IN_TOUCH,
        subject=client,
        client=client,
        owner=owner,
        calendar=client_calendar(client),
        start_at=touched_at,
        minutes=0,
        due_at=days_later(touched_at, days),
        visible_from=days_later(touched_at, max(days - KEEP_IN_TOUCH_WARN_DAYS, 1)),
        reason_params={"days": days},
        at=at,
    )


def _follow_up_build(
    message: Message, *, step: int, at: datetime, owner: User | None
) -> Commitment:
    """The agency waits for the client: follow up after N working hours, after two a call."""
    client = message.client
    calendar = client_calendar(client)
    if step >= FOLLOW_UPS_BEFORE_CALL:
        kind, minutes = CALL, business_day_minutes(calendar_engine(calendar), message.sent_at)
        params = {"follow_ups": step}
    else:
        kind, minutes = FOLLOW_UP, client.follow_up_hours * 60
        params = {"hours": client.follow_up_hours, "step": step}
    return commitment_build(
        kind=kind,
        subject=message,
        client=client,
        owner=owner,
        calendar=calendar,
        start_at=message.sent_at,
        minutes=minutes,
        step=step,
        reason_params=params,
        at=at,
    )


@transaction.atomic
def message_mark_question(
    *, message: Message, is_question: bool, by: User, at: datetime
) -> Message:
    """The account manager's word on whether a client message asks something."""
    if message.direction != Direction.IN or message.kind == MessageKind.EVENT:
        raise ValidationError(_("Only a client's message can be a question."))
    if message.is_question == is_question:
        return message
    message.is_question = is_question
    message.question_marked_by = by
    message.save(update_fields=["is_question", "question_marked_by"])
    if is_question:
        commitments_save(
            [_question_build(message, at=at, owner=responsible_for(client=message.client, at=at))],
            at=at,
            by=by,
        )
    else:
        for question in Commitment.objects.about(message).filter(
            kind=QUESTION, state__in=ACTIVE_STATES
        ):
            commitment_cancel(commitment=question, at=at, by=by, why="not a question")
    return message


# The reason kept for a label a person set (shown as "set by a person" on the message).
CORRECTED = "corrected"


@transaction.atomic
def message_labels_set(
    *, message: Message, labels: dict[str, bool], by: User, at: datetime
) -> Message:
    """The account manager's correction of what the desk read in a client's message.

    Each changed label is kept as a :class:`LabelCorrection` and audited, and the
    rules follow: ``needs_response`` opens the reply timer (without an automatic
    acknowledgement: a person is on it) or closes it; ``question`` opens or
    cancels the question. ``approval`` and ``urgent`` are recorded as read.
    """
    if message.direction != Direction.IN or message.kind == MessageKind.EVENT:
        raise ValidationError(_("Only a client's message has labels."))
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValidationError(
            {"labels": _("Unknown label: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    current = message.label_values()
    changed = {k: v for k, v in labels.items() if current[k] != bool(v)}
    if not changed:
        return message
    if "question" in changed:
        message_mark_question(message=message, is_question=changed["question"], by=by, at=at)
    if "needs_response" in changed:
        _needs_response_set(message, value=changed["needs_response"], by=by, at=at)
    reasons = dict(message.label_reasons)
    for label, value in changed.items():
        reasons.pop(label, None)
        if value:
            reasons[label] = CORRECTED
    message.labels = {**current, **changed}
    message.label_reasons = reasons
    Message.objects.filter(pk=message.pk).update(
        labels=message.labels,
        label_reasons=reasons,
        needs_response=message.labels["needs_response"],
    )
    message.needs_response = message.labels["needs_response"]
    LabelCorrection.objects.bulk_create(
        LabelCorrection(
            message=message, label=label, value=value, read_as=current[label], by=by, at=at
        )
        for label, value in changed.items()
    )
    audit_record(
        actor=by,
        action="message.labels",
        obj=message,
        client_id=message.client_id,
        changes={label: [current[label], value] for label, value in changed.items()},
        at=at,
    )
    return message


def _needs_response_set(message: Message, *, value: bool, by: User, at: datetime) -> None:
    active = Commitment.objects.about(message).filter(kind=FIRST_RESPONSE, state__in=ACTIVE_STATES)
    if not value:
        for timer in active:
            commitment_cancel(commitment=timer, at=at, by=by, why="no reply needed")
        return
    # One reply timer per conversation at a time: an earlier unanswered message's covers it.
    waiting = _active(message.client, message.conversation, [FIRST_RESPONSE])
    if not waiting and not active.exists():
        timer = _first_response_build(
            message, at=at, acknowledge=False, owner=responsible_for(client=message.client, at=at)
        )
        commitments_save([timer], at=at, by=by)


@transaction.atomic
def message_no_reply_needed(*, commitment: Commitment, by: User, at: datetime) -> bool:
    """The account manager's word that a client's message needs no answer ("thanks, received").

    The reply timer closes without an automatic acknowledgement and leaves the
    response statistics (nobody replied, and nobody had to); a miss already
    recorded stays recorded. The message no longer counts as needing a reply.
    """
    if commitment.kind != FIRST_RESPONSE:
        raise ValidationError(_("Only a reply to a client's message can be marked as not needed."))
    if not commitment_cancel(commitment=commitment, at=at, by=by, why="no reply needed"):
        return False
    Message.objects.filter(pk=commitment.subject_id).update(needs_response=False)
    return True


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


def outbound_text_check(*, channel: str, text: str) -> None:
    """Refuse a text the channel cannot carry, before anything is recorded or queued.

    Telegram answers "message is too long" past 4,096 characters: the message
    would be recorded as sent and then fail in the outbox, after the timers
    were already closed.
    """
    if channel != Channel.TELEGRAM:
        return
    count = telegram_length(text)
    if count > TELEGRAM_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _(
                    "Telegram takes at most %(limit)s characters a message; this one has "
                    "%(count)s. Shorten it or split it into several messages."
                )
                % {"limit": TELEGRAM_TEXT_MAX_LENGTH, "count": count}
            }
        )


class OtherClientNamed(ValidationError):
    """A message a person wrote to one client names another (C10): held for them to confirm."""

    def __init__(self, mentions: list[Mention], text: str) -> None:
        self.mentions, self.text = mentions, text
        names = ", ".join(dict.fromkeys(m.found(text) for m in mentions))
        super().__init__(
            _(
                "This message names another client of the agency: %(names)s. We never discuss "
                "other clients with a client: change the text, or confirm that it may go."
            )
            % {"names": names},
            code="other_client",
        )


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
    guard: bool = False,
) -> OutboundMessage:
    """Write to a client: record the message, queue it in the outbox, hold it for quiet hours.

    ``guard``: a person wrote it and has not confirmed it yet; one that names another client
    the writer may see raises :class:`OtherClientNamed`, and nothing is recorded.
    """
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message first.")})
    if guard and by is not None:
        mentions = other_client_mentions(text, other_client_names(user=by, client=client))
        if mentions:
            raise OtherClientNamed(mentions, text)
    if conversation is None:
        channel = channel or client.preferred_channel
        conversation = conversation_for(client=client, channel=channel, key=None, at=at)
    outbound_text_check(channel=conversation.channel, text=text)
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
        message=message, client=client, channel=conversation.channel, created_at=at
    )
    outbox_hold_or_queue(row=outbox, at=at, send_after=send_after, held_reason=held)
    outbox.full_clean()
    outbox.save()
    if not automatic:
        _after_outbound(message, at=at, by=by, answers_questions=answers_questions)
    if not held:
        outbox_hand_over_on_commit(row=outbox)
    return outbox


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
    message = Message.objects.select_related("author_contact", "conversation").get(
        pk=commitment.subject_id
    )
    client = commitment.client
    text = template_text(
        kind=TemplateKind.ACKNOWLEDGEMENT, client=client, contact=message.author_contact
    )
    answering = responsible(client=client, at=at)
    if answering.covering is not None and answering.user is not None:
        # The backup answers while the account manager is away: the client learns who it is.
        contact = message.author_contact
        form = contact.address_form if contact and contact.address_form else client.address_form
        text += " " + covering_line(
            language=client.language,
            form=form,
            away=str(answering.covering),
            name=str(answering.user),
        )
    outbox = message_send(
        client=commitment.client,
        text=text,
        by=None,
        at=at,
        conversation=message.conversation,
        automatic=True,
    )
    commitment_meet(commitment=commitment, at=at, met_by=outbox.message)
    return outbox


def confirmation_by_email_send(
    *, client: Client, text: str, by: User, at: datetime
) -> OutboundMessage:
    """Confirm in writing, by e-mail, what was just said in another channel (it may be deleted there)."""
    contact = client.contacts.exclude(email="").order_by("pk").first()
    if contact is None:
        raise ValidationError(
            {
                "text": _(
                    "To confirm by e-mail, give one of the client's contacts an e-mail address."
                )
            }
        )
    with translation.override(client.language or None):
        body = _("Confirming in writing what we agreed:\n\n%(text)s") % {"text": text.strip()}
    conversation = conversation_for(client=client, channel=Channel.EMAIL, key=None, at=at)
    return message_send(
        client=client,
        text=body,
        by=by,
        at=at,
        conversation=conversation,
        answers_questions=False,
    )
