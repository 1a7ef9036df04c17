"""Writes of approvals (C8): requests and their rounds, decisions, the flags to the account
manager, and the spend gate of launching.

Every due moment comes from the client's calendar (``calendars/``); every flag to the
account manager is a commitment of the one ledger about the request: the chase after the
decision due moment, a round beyond the contract's revision rounds, approvers who disagree.
Links go to each approver through the outbox in the client's channel (``message_send``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.approvals.choices import (
    APPROVAL_MESSAGE,
    APPROVING,
    CHASE,
    DISAGREEMENT,
    LINK_PURPOSE,
    NEEDS_COMMENT,
    ROUND_OVERRUN,
    STRICTNESS,
    DecisionChannel,
    RequestState,
    RoundState,
    Verdict,
)
from agencydesk.approvals.files import Upload, upload_check
from agencydesk.approvals.models import ApprovalRequest, ApprovalRound, Decision
from agencydesk.approvals.texts import REQUEST as REQUEST_TEXTS
from agencydesk.calendars.selectors import (
    business_day_minutes,
    calendar_engine,
    client_calendar,
    days_later,
)
from agencydesk.clients.choices import DecisionPower
from agencydesk.clients.models import Contact
from agencydesk.clients.responsible import responsible_for
from agencydesk.clients.selectors import client_current_contract
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import (
    commitment_build,
    commitment_cancel,
    commitment_meet,
    commitments_save,
)
from agencydesk.core.services import audit_record, full_clean_loaded
from agencydesk.core.signed_links import link_token
from agencydesk.core.validators import LINK_MAX_LENGTH, NOTES_MAX_LENGTH
from agencydesk.messaging.models import Message
from agencydesk.messaging.services import message_send
from agencydesk.messaging.templates_text import GREETING_FALLBACK
from agencydesk.work.choices import Status
from agencydesk.work.models import Deliverable
from agencydesk.work.notices import DUE_FORMAT

if TYPE_CHECKING:
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.clients.models import Client

APPROVERS_MAX = 10
DECIDING = (DecisionPower.DECIDES, DecisionPower.APPROVES)
DEFAULT_TURNAROUND_DAYS = 2
DEFAULT_REVISION_ROUNDS = 2


def link_days() -> int:
    """How many calendar days an approval link stays valid after it was sent."""
    return int(getattr(settings, "AGENCYDESK_APPROVAL_LINK_DAYS", 30))


@dataclass(frozen=True)
class Sent:
    """A round sent: the request and each approver's link."""

    request: ApprovalRequest
    round: ApprovalRound
    links: list[tuple[Contact, str]]


class LaunchRefused(Exception):
    """The spend gate: no approval of the current version (or the amount grew past it). 409."""


class DecisionRefused(Exception):
    """A decision that changes nothing: the round is closed, superseded, or already decided. 409."""


def _require_editor(client: Client, by: User) -> None:
    if not can_edit_client(by, client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))


def decision_due(engine: WorkCalendar, at: datetime, days: int) -> datetime:
    """``days`` business days of the client's calendar after ``at`` (each as long as that day)."""
    moment = at
    for _day in range(days):
        moment = engine.add(moment, business_day_minutes(engine, moment))
    return moment


def _terms(client: Client) -> tuple[int, int]:
    """The contract's approval turnaround (business days) and included revision rounds."""
    contract = client_current_contract(client)
    if contract is None:
        return DEFAULT_TURNAROUND_DAYS, DEFAULT_REVISION_ROUNDS
    return contract.approval_turnaround_days, contract.revision_rounds


def _approvers_check(client: Client, approvers: list[Contact]) -> list[Contact]:
    if not approvers:
        raise ValidationError({"approvers": _("Choose at least one approver.")})
    if len(approvers) > APPROVERS_MAX:
        raise ValidationError({"approvers": _("At most %(n)s approvers.") % {"n": APPROVERS_MAX}})
    unique = list({c.pk: c for c in approvers}.values())
    for contact in unique:
        if contact.client_id != client.pk:
            raise ValidationError({"approvers": _("An approver must be a contact of this client.")})
        if contact.decision_power not in DECIDING:
            raise ValidationError(
                {
                    "approvers": _("%(name)s is only informed and cannot approve.")
                    % {"name": contact.name}
                }
            )
    return unique


def _material_check(material_url: str, note: str, file: Upload | None) -> tuple[str, str]:
    material_url = (material_url or "").strip()
    note = (note or "").strip()
    if not material_url and file is None:
        raise ValidationError({"material_url": _("Give a link to the material or attach a file.")})
    if len(material_url) > LINK_MAX_LENGTH:
        raise ValidationError(
            {"material_url": _("Keep it under %(n)s characters.") % {"n": LINK_MAX_LENGTH}}
        )
    if len(note) > NOTES_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep it under %(n)s characters.") % {"n": NOTES_MAX_LENGTH}}
        )
    return material_url, note


def link_url(*, request: ApprovalRequest, contact: Contact, base_url: str, at: datetime) -> str:
    """The approver's own signed link to the request's current round."""
    token = link_token(
        purpose=LINK_PURPOSE,
        object_id=request.pk,
        contact_id=contact.pk,
        version=request.round,
        expires_at=days_later(at, link_days()),
    )
    return base_url.rstrip("/") + reverse("approvals:link", args=[token])


def request_text(
    *, deliverable: Deliverable, contact: Contact, round_number: int, due: datetime, url: str
) -> str:
    """The request to one approver in the client's language and the contact's form of address."""
    client = deliverable.client
    form = contact.address_form or client.address_form
    language = client.language if client.language in REQUEST_TEXTS else "en"
    name = contact.address_as or contact.name
    if not name:
        name = GREETING_FALLBACK.get(language, GREETING_FALLBACK["en"])[form]
    engine = calendar_engine(client_calendar(client))
    return (
        REQUEST_TEXTS[language][form]
        .replace("{name}", name)
        .replace("{title}", deliverable.title)
        .replace("{round}", str(round_number))
        .replace("{due}", due.astimezone(engine.tz).strftime(DUE_FORMAT[language]))
        .replace("{url}", url)
    )


def _params(request: ApprovalRequest, **extra: object) -> dict[str, object]:
    return {
        "title": request.deliverable.title[:120],
        "round": request.round,
        "deliverable": request.deliverable_id,
        **extra,
    }


def _active(request: ApprovalRequest, kind: str) -> list[Commitment]:
    return list(
        Commitment.objects.about(request)
        .filter(kind=kind, state__in=ACTIVE_STATES)
        .select_related("calendar", "client")
    )


def _close(
    request: ApprovalRequest, kind: str, *, at: datetime, by: User | None, met: bool
) -> None:
    for commitment in _active(request, kind):
        if met:
            commitment_meet(commitment=commitment, at=at, by=by)
        else:
            commitment_cancel(commitment=commitment, at=at, by=by, why="superseded")


def _offers_close(request: ApprovalRequest, *, at: datetime, by: User | None) -> None:
    """The round is decided: offers to record an approval from a message of it have no object."""
    for offer in Commitment.objects.filter(
        kind=APPROVAL_MESSAGE, state__in=ACTIVE_STATES, reason_params__request=request.pk
    ).select_related("calendar", "client"):
        commitment_cancel(commitment=offer, at=at, by=by, why="round decided")


def _round_open(
    request: ApprovalRequest,
    *,
    approvers: list[Contact],
    material_url: str,
    note: str,
    file: Upload | None,
    by: User,
    at: datetime,
    base_url: str,
) -> Sent:
    """Put the deliverable's current version to the approvers: the round, its flags, the links."""
    deliverable = request.deliverable
    client = deliverable.client
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    turnaround, included = _terms(client)
    due = decision_due(engine, at, turnaround)
    file_name = file_type = ""
    if file is not None:
        file_name, file_type = upload_check(file)
    revisions = request.round - 1
    round_ = ApprovalRound(
        request=request,
        number=request.round,
        material_url=material_url,
        note=note,
        file_name=file_name,
        file_type=file_type,
        file_content=file.content if file is not None else b"",
        amount=deliverable.amount,
        sent_at=at,
        decision_due_at=due,
        over_limit=revisions > included,
    )
    full_clean_loaded(round_)
    round_.save()
    request.decision_due_at = due
    request.amount = deliverable.amount
    request.state = RequestState.WAITING
    request.disagreement = False
    request.updated_at = at
    request.save()
    am = responsible_for(client=client, at=at)
    day = business_day_minutes(engine, due)
    commitments = [
        # After the decision due moment the account manager follows up (C5's client silence).
        commitment_build(
            kind=CHASE,
            subject=request,
            client=client,
            owner=am,
            calendar=calendar,
            start_at=due,
            minutes=day,
            visible_from=due,
            reason_params=_params(request),
            at=at,
        )
    ]
    if round_.over_limit:
        commitments.append(
            commitment_build(
                kind=ROUND_OVERRUN,
                subject=request,
                client=client,
                owner=am,
                calendar=calendar,
                start_at=at,
                minutes=business_day_minutes(engine, at),
                reason_params=_params(request, included=included),
                at=at,
            )
        )
    commitments_save(commitments, at=at, by=by)
    links = []
    for contact in approvers:
        url = link_url(request=request, contact=contact, base_url=base_url, at=at)
        text = request_text(
            deliverable=deliverable, contact=contact, round_number=request.round, due=due, url=url
        )
        message_send(client=client, text=text, by=by, at=at, answers_questions=False)
        links.append((contact, url))
    audit_record(
        actor=by,
        action="approval.round",
        obj=request,
        client_id=client.pk,
        changes={
            "round": request.round,
            "decision_due_at": due.isoformat(),
            "approvers": [c.pk for c in approvers],
            "over_limit": round_.over_limit,
        },
        at=at,
    )
    return Sent(request, round_, links)


@transaction.atomic
def approval_request_create(
    *,
    deliverable: Deliverable,
    approvers: list[Contact],
    by: User,
    at: datetime,
    base_url: str,
    material_url: str = "",
    note: str = "",
    file: Upload | None = None,
) -> Sent:
    """Ask the client's approvers to decide on the deliverable: round 1, a link for each."""
    client = deliverable.client
    _require_editor(client, by)
    approvers = _approvers_check(client, approvers)
    material_url, note = _material_check(material_url, note, file)
    # One request per deliverable: every later version is its next round, so the rounds
    # count against the contract however the approval went.
    if ApprovalRequest.objects.filter(deliverable=deliverable).exists():
        raise ValidationError(
            {"deliverable": _("This deliverable already has an approval: send its next round.")}
        )
    request = ApprovalRequest(
        deliverable=deliverable,
        client=client,
        round=1,
        decision_due_at=at,
        created_by=by,
        created_at=at,
        updated_at=at,
    )
    full_clean_loaded(request)
    request.save()
    request.approvers.set(approvers)
    return _round_open(
        request,
        approvers=approvers,
        material_url=material_url,
        note=note,
        file=file,
        by=by,
        at=at,
        base_url=base_url,
    )


@transaction.atomic
def approval_round_create(
    *,
    request: ApprovalRequest,
    by: User,
    at: datetime,
    base_url: str,
    material_url: str = "",
    note: str = "",
    file: Upload | None = None,
) -> Sent:
    """The next version: a new round supersedes the old one and its links."""
    _require_editor(request.client, by)
    material_url, note = _material_check(material_url, note, file)
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("deliverable__client__calendar", "deliverable__type", "client")
        .get(pk=request.pk)
    )
    ApprovalRound.objects.filter(
        request=request, number=request.round, state=RoundState.WAITING
    ).update(state=RoundState.SUPERSEDED, closed_at=at)
    for kind in (CHASE, DISAGREEMENT):
        _close(request, kind, at=at, by=by, met=False)
    request.round += 1
    approvers = list(request.approvers.order_by("pk"))
    return _round_open(
        request,
        approvers=approvers,
        material_url=material_url,
        note=note,
        file=file,
        by=by,
        at=at,
        base_url=base_url,
    )


def _comment(verdict: str, comment: str) -> str:
    comment = (comment or "").strip()
    if verdict in NEEDS_COMMENT and not comment:
        raise ValidationError({"comment": _("Say what has to change.")})
    if len(comment) > NOTES_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep it under %(n)s characters.") % {"n": NOTES_MAX_LENGTH}}
        )
    return comment


def _outcome(decisions: list[Decision]) -> tuple[str, bool]:
    """The strictest decision wins the round; approvers disagree when their verdicts differ."""
    verdicts = {d.verdict for d in decisions}
    strictest = max(verdicts, key=lambda v: STRICTNESS[Verdict(v)])
    return strictest, len(verdicts) > 1


def _deliverable_follows(request: ApprovalRequest, verdict: str) -> None:
    """A delivered deliverable is accepted with an approval, sent back with changes or a rejection."""
    status = Status.ACCEPTED if verdict in APPROVING else Status.CHANGES_REQUESTED
    Deliverable.objects.filter(pk=request.deliverable_id, status=Status.DELIVERED).update(
        status=status
    )


@transaction.atomic
def approval_decide(
    *,
    request: ApprovalRequest,
    round_number: int,
    contact: Contact,
    verdict: str,
    at: datetime,
    channel: str,
    comment: str = "",
    taste_driven: bool = False,
    message: Message | None = None,
    by: User | None = None,
) -> Decision:
    """One approver's decision on a round, through the link (``by`` None) or recorded by the
    account manager from a message or a call.

    Raises :class:`DecisionRefused` when it would change nothing: the round was superseded
    by a newer one, is closed, or this approver already decided it.
    """
    if by is not None:
        _require_editor(request.client, by)
        if channel == DecisionChannel.LINK:
            raise ValidationError(
                {"channel": _("A decision through the link is the client's own.")}
            )
    elif channel != DecisionChannel.LINK:
        raise ValueError("only the link decides without a person of the agency")
    if verdict not in Verdict.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if message is not None and message.client_id != request.client_id:
        raise ValidationError({"message": _("The message must be one of this client's.")})
    comment = _comment(verdict, comment)
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("deliverable__client", "client")
        .get(pk=request.pk)
    )
    if round_number != request.round:
        raise DecisionRefused(
            _("This is round %(old)s; round %(new)s has been sent since: nothing changed.")
            % {"old": round_number, "new": request.round}
        )
    round_ = ApprovalRound.objects.get(request=request, number=round_number)
    if not request.approvers.filter(pk=contact.pk).exists():
        raise ValidationError({"contact": _("This contact is not an approver of this request.")})
    if round_.state != RoundState.WAITING:
        raise DecisionRefused(_("The decision of this round is already recorded: nothing changed."))
    if Decision.objects.filter(round=round_, contact=contact, resolution=False).exists():
        raise DecisionRefused(
            _("Your decision on this round is already recorded: nothing changed.")
        )
    decision = Decision(
        request=request,
        round=round_,
        contact=contact,
        contact_name=contact.name[:200],
        verdict=verdict,
        comment=comment,
        taste_driven=bool(taste_driven) and verdict != Verdict.APPROVED,
        channel=channel,
        message=message,
        recorded_by=by,
        at=at,
    )
    full_clean_loaded(decision)
    decision.save()
    changes: dict[str, object] = {"round": round_number, "contact": contact.pk, "verdict": verdict}
    decisions = list(round_.decisions.filter(resolution=False))
    if {d.contact_id for d in decisions} >= set(request.approvers.values_list("pk", flat=True)):
        outcome, disagreement = _outcome(decisions)
        round_.state, round_.outcome, round_.closed_at = RoundState.DECIDED, outcome, at
        round_.disagreement = disagreement
        round_.save(update_fields=["state", "outcome", "closed_at", "disagreement"])
        request.state, request.disagreement, request.updated_at = outcome, disagreement, at
        request.save(update_fields=["state", "disagreement", "updated_at"])
        _close(request, CHASE, at=at, by=by, met=True)
        _offers_close(request, at=at, by=by)
        changes.update({"outcome": outcome, "disagreement": disagreement})
        if disagreement:
            _disagreement_flag(request, at=at, by=by)
        else:
            _deliverable_follows(request, outcome)
    audit_record(
        actor=by,
        action="approval.decision",
        obj=request,
        client_id=request.client_id,
        changes=changes,
        reason=f"{channel}: {comment[:500]}" if comment else channel,
        at=at,
    )
    return decision


def _disagreement_flag(request: ApprovalRequest, *, at: datetime, by: User | None) -> None:
    """Approvers disagree: the account manager proposes one option and records the client's choice."""
    client = request.client
    calendar = client_calendar(client)
    engine = calendar_engine(calendar)
    commitments_save(
        [
            commitment_build(
                kind=DISAGREEMENT,
                subject=request,
                client=client,
                owner=responsible_for(client=client, at=at),
                calendar=calendar,
                start_at=at,
                minutes=business_day_minutes(engine, at),
                reason_params=_params(request),
                at=at,
            )
        ],
        at=at,
        by=by,
    )


@transaction.atomic
def approval_resolve(
    *,
    request: ApprovalRequest,
    contact: Contact,
    verdict: str,
    by: User,
    at: datetime,
    channel: str,
    comment: str = "",
    message: Message | None = None,
) -> Decision:
    """The option the client chose when its approvers disagreed, recorded by the account manager."""
    _require_editor(request.client, by)
    if channel == DecisionChannel.LINK:
        raise ValidationError({"channel": _("Say how the client told you: a message or a call.")})
    if verdict not in Verdict.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if message is not None and message.client_id != request.client_id:
        raise ValidationError({"message": _("The message must be one of this client's.")})
    comment = _comment(verdict, comment)
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=request.pk)
    )
    if not request.disagreement:
        raise DecisionRefused(_("The approvers of this round do not disagree: nothing to resolve."))
    if contact.client_id != request.client_id:
        raise ValidationError({"contact": _("An approver must be a contact of this client.")})
    round_ = ApprovalRound.objects.get(request=request, number=request.round)
    decision = Decision(
        request=request,
        round=round_,
        contact=contact,
        contact_name=contact.name[:200],
        verdict=verdict,
        comment=comment,
        channel=channel,
        message=message,
        resolution=True,
        recorded_by=by,
        at=at,
    )
    full_clean_loaded(decision)
    decision.save()
    previous = round_.outcome
    round_.outcome = verdict
    round_.save(update_fields=["outcome"])
    request.state, request.disagreement, request.updated_at = verdict, False, at
    request.save(update_fields=["state", "disagreement", "updated_at"])
    _close(request, DISAGREEMENT, at=at, by=by, met=True)
    _deliverable_follows(request, verdict)
    audit_record(
        actor=by,
        action="approval.resolve",
        obj=request,
        client_id=request.client_id,
        changes={"outcome": [previous, verdict], "contact": contact.pk},
        reason=comment,
        at=at,
    )
    return decision


def launch_refusal(deliverable: Deliverable) -> str:
    """Why the spend gate keeps the deliverable from launching, or an empty string."""
    if not deliverable.type.launch_needs_approval:
        return ""
    latest = (
        ApprovalRequest.objects.filter(deliverable=deliverable)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None or latest.state not in APPROVING:
        return _(
            "“%(title)s” cannot be launched without the client's approval of its current version."
        ) % {"title": deliverable.title}
    if deliverable.amount is not None and (
        latest.amount is None or deliverable.amount > latest.amount
    ):
        return _(
            "The amount grew from %(approved)s to %(amount)s since the client approved it: "
            "send it for approval again."
        ) % {
            "approved": latest.amount if latest.amount is not None else "—",
            "amount": deliverable.amount,
        }
    return ""


@transaction.atomic
def deliverable_launch(*, deliverable: Deliverable, by: User, at: datetime) -> Deliverable:
    """Mark launched (the spend starts); refused (:class:`LaunchRefused`) by the spend gate."""
    _require_editor(deliverable.client, by)
    if deliverable.launched_at is not None:
        raise ValidationError({"launched_at": _("It is already launched.")})
    refusal = launch_refusal(deliverable)
    if refusal:
        raise LaunchRefused(refusal)
    updated = Deliverable.objects.filter(pk=deliverable.pk, launched_at__isnull=True).update(
        launched_at=at, updated_at=at
    )
    if not updated:
        raise ValidationError({"launched_at": _("It is already launched.")})
    deliverable.launched_at = at
    audit_record(
        actor=by,
        action="deliverable.launch",
        obj=deliverable,
        client_id=deliverable.client_id,
        changes={"launched_at": at.isoformat(), "amount": str(deliverable.amount)},
        at=at,
    )
    return deliverable


@transaction.atomic
def decision_taste_tag(
    *, decision: Decision, taste_driven: bool, by: User, at: datetime
) -> Decision:
    """Tag (or untag) the changes a decision asks for as taste-driven, a red flag of C13."""
    _require_editor(decision.request.client, by)
    if taste_driven and decision.verdict == Verdict.APPROVED:
        raise ValidationError(
            {"taste_driven": _("An approval without changes has no edits to tag.")}
        )
    previous = decision.taste_driven
    Decision.objects.filter(pk=decision.pk).update(taste_driven=taste_driven)
    decision.taste_driven = taste_driven
    audit_record(
        actor=by,
        action="approval.taste",
        obj=decision.request,
        client_id=decision.request.client_id,
        changes={"decision": decision.pk, "taste_driven": [previous, taste_driven]},
        at=at,
    )
    return decision
