"""Reads of approvals; every one for a person takes the viewer and hides what they may not see
(as missing). The client's link page reads through its signed claim instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from agencydesk.accounts.models import User
from agencydesk.approvals.choices import LINK_PURPOSE, RoundState
from agencydesk.approvals.models import ApprovalRequest, ApprovalRound, Decision
from agencydesk.calendars.selectors import business_day_minutes, client_engine
from agencydesk.clients.access import visible_client_ids
from agencydesk.clients.models import Client, Contact
from agencydesk.core.signed_links import LinkClaim, LinkProblem, link_claim

# The material's bytes are read only when the file itself is asked for.
ROUND_LIGHT = ("file_content",)


def _rounds() -> Prefetch:
    return Prefetch(
        "rounds",
        queryset=ApprovalRound.objects.defer(*ROUND_LIGHT).prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("recorded_by", "message").order_by(
                    "at", "id"
                ),
            )
        ),
    )


def _detailed(qs: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    return qs.select_related("deliverable", "client").prefetch_related(
        _rounds(),
        Prefetch("approvers", queryset=Contact.objects.order_by("pk")),
        Prefetch("decisions", queryset=Decision.objects.order_by("round__number", "at", "id")),
    )


def approval_detail(*, user: User, pk: int) -> ApprovalRequest:
    """One request with its rounds and decisions; ``ApprovalRequest.DoesNotExist`` when hidden."""
    return _detailed(
        ApprovalRequest.objects.filter(pk=pk, client__in=visible_client_ids(user))
    ).get()


def approvals_of_deliverable(*, user: User, deliverable_id: int) -> list[ApprovalRequest]:
    """The requests of one deliverable, newest first, with their rounds and decisions."""
    return list(
        _detailed(
            ApprovalRequest.objects.filter(
                deliverable_id=deliverable_id, client__in=visible_client_ids(user)
            )
        ).order_by("-created_at", "-pk")
    )


def approval_list(*, user: User, client_id: int | None = None) -> QuerySet[ApprovalRequest]:
    """The requests of the clients ``user`` may see, the newest first."""
    qs = ApprovalRequest.objects.filter(client__in=visible_client_ids(user)).select_related(
        "deliverable", "client"
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.order_by("-created_at", "-pk")


def round_file(*, user: User, pk: int) -> ApprovalRound | None:
    """A round's file, for someone who may see its client."""
    return (
        ApprovalRound.objects.filter(pk=pk, request__client__in=visible_client_ids(user))
        .exclude(file_name="")
        .first()
    )


@dataclass(frozen=True)
class LinkView:
    """What an approver's link opens: the request, the approver and which round the link was for."""

    request: ApprovalRequest
    contact: Contact
    claim: LinkClaim

    @property
    def superseded(self) -> bool:
        return self.claim.version != self.request.round

    @property
    def current(self) -> ApprovalRound:
        return next(r for r in self.request.rounds.all() if r.number == self.request.round)

    @property
    def own_decision(self) -> Decision | None:
        return next(
            (
                d
                for d in self.current.decisions.all()
                if d.contact_id == self.contact.pk and not d.resolution
            ),
            None,
        )

    @property
    def can_decide(self) -> bool:
        return (
            not self.superseded
            and self.current.state == RoundState.WAITING
            and self.own_decision is None
        )


def link_view(token: str, *, now: datetime) -> LinkView | LinkProblem:
    """Read an approver's link: the request it opens, or why it opens nothing.

    A request that no longer exists, or a contact who is no longer its approver, is a
    foreign link: the page says the same as for any link not made for this.
    """
    claim = link_claim(token, purpose=LINK_PURPOSE, now=now)
    if isinstance(claim, LinkProblem):
        return claim
    request = (
        _detailed(ApprovalRequest.objects.filter(pk=claim.object_id))
        .select_related("deliverable__client", "client__calendar")
        .first()
    )
    if request is None or claim.version > request.round:
        return LinkProblem.FOREIGN
    contact = next((c for c in request.approvers.all() if c.pk == claim.contact_id), None)
    if contact is None:
        return LinkProblem.FOREIGN
    return LinkView(request=request, contact=contact, claim=claim)


@dataclass(frozen=True)
class Turnaround:
    """How long a client made the agency wait beyond the agreed turnaround."""

    rounds: int
    late_rounds: int
    days_late: Decimal


def client_turnaround(*, user: User, client: Client, now: datetime) -> Turnaround:
    """Business days waited beyond the decision due moment, over the client's rounds (a round
    still open counts until ``now``), in the client's calendar."""
    if not visible_client_ids(user).filter(pk=client.pk).exists():
        return Turnaround(0, 0, Decimal(0))
    engine = client_engine(client)
    rows = ApprovalRound.objects.filter(request__client=client).values_list(
        "decision_due_at", "closed_at", "state"
    )
    rounds = late = 0
    days = 0.0
    for due, closed, state in rows:
        if state == RoundState.SUPERSEDED and closed is not None and closed <= due:
            continue
        rounds += 1
        end = closed or now
        if end <= due:
            continue
        waited = engine.between(due, end).total_seconds() / 60
        if waited <= 0:
            continue
        late += 1
        days += waited / business_day_minutes(engine, due)
    return Turnaround(rounds, late, Decimal(str(round(days, 1))))


def decision_detail(*, user: User, pk: int) -> Decision | None:
    """One decision of a client ``user`` may see (None when hidden or missing)."""
    return (
        Decision.objects.filter(pk=pk, request__client__in=visible_client_ids(user))
        .select_related("request__client")
        .first()
    )
