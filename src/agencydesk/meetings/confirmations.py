"""Minutes confirmed by the client's participants through signed links (C9, core/signed_links).

Each participant contact gets a link of their own, in the client's channel
through the outbox. The link only shows; a POST from its page confirms or
disputes each point with a comment. Minutes nobody disputed by the
confirmation deadline (business days of the client's calendar) are accepted
by the clock, and that is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import business_day_minutes, calendar_engine, client_calendar
from agencydesk.core.services import audit_record
from agencydesk.core.signed_links import LinkClaim, LinkProblem, link_claim, link_token
from agencydesk.core.validators import REASON_MAX_LENGTH
from agencydesk.meetings.choices import LINK_PURPOSE, AcceptedHow, MinutesState, Verdict
from agencydesk.meetings.models import Minutes, PointResponse
from agencydesk.meetings.services import minutes_due_met
from agencydesk.messaging.services import message_send

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Contact

# How long a participant has to dispute, and how long after that the link still shows the record.
LINK_KEPT = timedelta(days=60)


def confirm_days() -> int:
    return int(getattr(settings, "AGENCYDESK_MINUTES_CONFIRM_DAYS", 2))


@dataclass(frozen=True)
class SentLink:
    contact: Contact
    url: str
    message_id: int


def minutes_link(*, minutes: Minutes, contact: Contact, base_url: str) -> str:
    assert minutes.confirm_due_at is not None
    token = link_token(
        purpose=LINK_PURPOSE,
        object_id=minutes.pk,
        contact_id=contact.pk,
        version=minutes.version,
        expires_at=minutes.confirm_due_at + LINK_KEPT,
    )
    return base_url.rstrip("/") + reverse("meetings:confirm", args=[token])


def _cover_text(minutes: Minutes, contact: Contact, url: str) -> str:
    client = minutes.meeting.client
    tz = calendar_engine(client_calendar(client)).tz
    assert minutes.confirm_due_at is not None
    with translation.override(client.language or None):
        return _(
            "%(name)s, here are the minutes of “%(title)s” of %(date)s. Please confirm each "
            "point or tell us what is not right by %(due)s: %(url)s"
        ) % {
            "name": contact.address_as or contact.name,
            "title": minutes.meeting.title,
            "date": minutes.held_at.astimezone(tz).strftime("%d.%m.%Y"),
            "due": minutes.confirm_due_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            "url": url,
        }


@transaction.atomic
def minutes_send(*, minutes: Minutes, by: User, at: datetime, base_url: str) -> list[SentLink]:
    """Send the current version to every client participant, each with their own signed link."""
    meeting = minutes.meeting
    client = meeting.client
    if not can_edit_client(by, client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    if minutes.state == MinutesState.ACCEPTED:
        raise ValidationError({"send": _("These minutes are accepted already.")})
    if minutes.sent_version == minutes.version:
        raise ValidationError({"send": _("This version was sent already.")})
    if not minutes.points.exists():
        raise ValidationError({"send": _("Write at least one decision or action item first.")})
    contacts = list(meeting.contacts.order_by("pk"))
    if not contacts:
        raise ValidationError(
            {"send": _("Add the client's participants to the meeting to send them the minutes.")}
        )
    engine = calendar_engine(client_calendar(client))
    minutes_total = sum(business_day_minutes(engine, at) for _day in range(confirm_days()))
    minutes.confirm_due_at = engine.add(at, minutes_total)
    minutes.state = MinutesState.SENT
    minutes.sent_version = minutes.version
    minutes.sent_at = at
    minutes.updated_at = at
    minutes.save(update_fields=["confirm_due_at", "state", "sent_version", "sent_at", "updated_at"])
    sent = []
    for contact in contacts:
        url = minutes_link(minutes=minutes, contact=contact, base_url=base_url)
        outbox = message_send(
            client=client,
            text=_cover_text(minutes, contact, url),
            by=by,
            at=at,
            awaiting_client=True,
            answers_questions=False,
        )
        sent.append(SentLink(contact, url, outbox.message_id))
    minutes_due_met(minutes=minutes, by=by, at=at)
    audit_record(
        actor=by,
        action="minutes.send",
        obj=minutes,
        client_id=client.pk,
        changes={
            "version": minutes.version,
            "contacts": [c.pk for c in contacts],
            "confirm_due_at": minutes.confirm_due_at.isoformat(),
        },
        at=at,
    )
    return sent


@dataclass(frozen=True)
class Opened:
    """What a participant's link opens: the minutes, who they are, and whether they may still answer."""

    minutes: Minutes
    contact: Contact
    claim: LinkClaim
    current: bool  # the link's version is the one last sent
    open: bool  # answers are still taken


def minutes_open(*, token: str, now: datetime) -> Opened | LinkProblem:
    """Read a participant's link: the minutes it shows, or why it shows nothing."""
    claim = link_claim(token, purpose=LINK_PURPOSE, now=now)
    if isinstance(claim, LinkProblem):
        return claim
    minutes = (
        Minutes.objects.select_related("meeting__client__calendar")
        .filter(pk=claim.object_id)
        .first()
    )
    if minutes is None:
        return LinkProblem.FOREIGN
    contact = minutes.meeting.contacts.filter(pk=claim.contact_id).first()
    if contact is None:  # no longer a participant, or a contact of another client
        return LinkProblem.FOREIGN
    # The link's version must be the minutes' current one, and that one sent.
    current = claim.version == minutes.version == minutes.sent_version
    still_open = (
        current
        and minutes.state in (MinutesState.SENT, MinutesState.DISPUTED)
        and minutes.confirm_due_at is not None
        and now < minutes.confirm_due_at
    )
    return Opened(minutes, contact, claim, current, still_open)


class AnswerRefused(Exception):
    """An answer through a link that no longer takes answers (newer version, closed, accepted)."""


@transaction.atomic
def minutes_answer(
    *, opened: Opened, answers: dict[int, tuple[str, str]], at: datetime
) -> list[PointResponse]:
    """A participant's answers, point id → (confirm or dispute, comment); a dispute needs a comment."""
    minutes = Minutes.objects.select_for_update().get(pk=opened.minutes.pk)
    current = opened.claim.version == minutes.version == minutes.sent_version
    if not (
        current
        and minutes.state in (MinutesState.SENT, MinutesState.DISPUTED)
        and minutes.confirm_due_at is not None
        and at < minutes.confirm_due_at
    ):
        raise AnswerRefused(_("These minutes no longer take answers through this link."))
    points = {p.pk: p for p in minutes.points.all()}
    errors = {}
    cleaned = {}
    for point_id, (verdict, comment) in answers.items():
        if point_id not in points:
            continue
        comment = (comment or "").strip()
        if verdict not in Verdict.values:
            continue
        if verdict == Verdict.DISPUTE and not comment:
            errors[f"comment-{point_id}"] = _("Say what is not right.")
        if len(comment) > REASON_MAX_LENGTH:
            errors[f"comment-{point_id}"] = _("Keep it under %(n)s characters.") % {
                "n": REASON_MAX_LENGTH
            }
        cleaned[point_id] = (verdict, comment)
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"answers": _("Confirm or dispute at least one point.")})
    saved = []
    for point_id, (verdict, comment) in cleaned.items():
        response, _created = PointResponse.objects.update_or_create(
            point=points[point_id],
            contact=opened.contact,
            version=minutes.version,
            defaults={"verdict": verdict, "comment": comment, "at": at},
        )
        saved.append(response)
    previous = minutes.state
    disputes = PointResponse.objects.filter(
        point__minutes=minutes, version=minutes.version, verdict=Verdict.DISPUTE
    )
    if disputes.exists():
        minutes.state = MinutesState.DISPUTED
    else:
        minutes.state = MinutesState.SENT
        confirmed = PointResponse.objects.filter(
            point__minutes=minutes, version=minutes.version, verdict=Verdict.CONFIRM
        ).count()
        if confirmed >= len(points) * minutes.meeting.contacts.count():
            minutes.state = MinutesState.ACCEPTED
            minutes.accepted_at = at
            minutes.accepted_how = AcceptedHow.CONFIRMED
    minutes.updated_at = at
    minutes.save(update_fields=["state", "accepted_at", "accepted_how", "updated_at"])
    audit_record(
        actor=None,
        action="minutes.answer",
        obj=minutes,
        client_id=minutes.meeting.client_id,
        changes={
            "contact": opened.contact.pk,
            "version": minutes.version,
            "answers": {str(k): v[0] for k, v in cleaned.items()},
            "state": [previous, minutes.state],
        },
        at=at,
    )
    return saved


def minutes_accept_tick(*, now: datetime) -> dict[str, int]:
    """The clock: minutes nobody disputed by their deadline are accepted, each once, and recorded."""
    count = 0
    due = Minutes.objects.filter(state=MinutesState.SENT, confirm_due_at__lte=now).select_related(
        "meeting"
    )[:500]
    for minutes in due:
        with transaction.atomic():
            accepted = Minutes.objects.filter(
                pk=minutes.pk, state=MinutesState.SENT, confirm_due_at__lte=now
            ).update(
                state=MinutesState.ACCEPTED,
                accepted_at=now,
                accepted_how=AcceptedHow.SILENCE,
                updated_at=now,
            )
            if not accepted:
                continue
            audit_record(
                actor=None,
                action="minutes.accept",
                obj=minutes,
                client_id=minutes.meeting.client_id,
                changes={
                    "state": [MinutesState.SENT, MinutesState.ACCEPTED],
                    "how": AcceptedHow.SILENCE,
                    "version": minutes.version,
                },
                at=now,
            )
            count += 1
    return {"minutes_accepted": count}
