"""Writes of the commitment ledger. Every change of a due moment or a state leaves an audit row.

Opening, meeting and cancelling run inside the transaction of the event that
causes them, without a savepoint of their own: if one fails, the event fails.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from agencydesk.accounts.choices import Role
from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import business_day_minutes, calendar_engine
from agencydesk.commitments.choices import ACTIVE_STATES, State
from agencydesk.commitments.kinds import KINDS
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.commitments.recompute import commitments_recompute
from agencydesk.core.models import AuditLog
from agencydesk.core.services import audit_record, audit_rows, full_clean_loaded

if TYPE_CHECKING:
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.calendars.models import BusinessCalendar
    from agencydesk.clients.models import Client


def _audit(
    commitment: Commitment, *, action: str, by: User | None, at: datetime, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=by,
        action=action,
        obj=commitment,
        client_id=commitment.client_id,
        changes=changes,
        at=at,
    )


class CommitmentTerms(TypedDict):
    """What a commitment is opened with; the keys :func:`commitment_build` and
    :func:`commitment_open` take, declared once."""

    kind: str
    subject: models.Model
    client: Client
    owner: User | None
    calendar: BusinessCalendar
    start_at: datetime
    minutes: int
    at: datetime
    reason_params: NotRequired[dict[str, Any] | None]
    due_at: NotRequired[datetime | None]
    visible_from: NotRequired[datetime | None]
    action_at: NotRequired[datetime | None]
    step: NotRequired[int]


def commitment_build(**terms: Unpack[CommitmentTerms]) -> Commitment:
    """A validated, unsaved commitment of ``kind`` about ``subject``, due ``minutes`` business
    minutes after ``start_at`` in ``calendar``; :func:`commitments_save` opens it.

    Commitments counted in calendar days pass ``minutes=0`` and their own ``due_at``.
    """
    kind, subject, calendar = terms["kind"], terms["subject"], terms["calendar"]
    spec = KINDS.get(kind)
    if spec is None or spec.subject != subject._meta.label_lower:
        raise ValueError(f"a {kind!r} commitment cannot be about a {subject._meta.label_lower}")
    start_at, minutes = terms["start_at"], terms["minutes"]
    due_at = terms.get("due_at") or calendar_engine(calendar).add(start_at, minutes)
    commitment = Commitment(
        kind=kind,
        client=terms["client"],
        owner=terms["owner"],
        calendar=calendar,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        start_at=start_at,
        business_minutes=minutes,
        due_at=due_at,
        visible_from=terms.get("visible_from") or start_at,
        action_at=terms.get("action_at"),
        opened_at=terms["at"],
        step=terms.get("step", 0),
        reason_params=terms.get("reason_params") or {},
    )
    full_clean_loaded(commitment)
    return commitment


@transaction.atomic(savepoint=False)
def commitments_save(
    commitments: list[Commitment], *, at: datetime, by: User | None = None
) -> list[Commitment]:
    """Open built commitments: one insert for all of them, one for their audit rows.

    One event often opens several (a client's question opens a reply and an
    answer); ingest pays two queries for them, not two per commitment.
    """
    if not commitments:
        return commitments
    Commitment.objects.bulk_create(commitments)
    AuditLog.objects.bulk_create(
        audit_rows(
            [
                (
                    c,
                    c.client_id,
                    {
                        "kind": c.kind,
                        "due_at": c.due_at.isoformat(),
                        "owner": c.owner_id,
                    },
                )
                for c in commitments
            ],
            action="commitment.open",
            actor=by,
            at=at,
        )
    )
    return commitments


def commitment_open(*, by: User | None = None, **terms: Unpack[CommitmentTerms]) -> Commitment:
    """Open one commitment (see :func:`commitment_build`), audited."""
    return commitments_save([commitment_build(**terms)], at=terms["at"], by=by)[0]


def _business_minutes(commitment: Commitment, a: datetime, b: datetime) -> float:
    return calendar_engine(commitment.calendar).between(a, b).total_seconds() / 60


@transaction.atomic(savepoint=False)
def commitment_meet(
    *,
    commitment: Commitment,
    at: datetime,
    by: User | None = None,
    met_by: models.Model | None = None,
    why: str = "",
) -> bool:
    """Mark met (by ``met_by``, the event that met it, if any); returns False if someone else
    closed it first (the update is conditional)."""
    return bool(commitments_meet([commitment], at=at, by=by, met_by=met_by, why=why))


@transaction.atomic(savepoint=False)
def commitments_meet(
    commitments: list[Commitment],
    *,
    at: datetime,
    by: User | None = None,
    met_by: models.Model | None = None,
    why: str = "",
) -> list[Commitment]:
    """Mark several met by one event (a reply meets the reply timer, the question and the
    keep-in-touch): one conditional update and one insert of audit rows for all of them.

    Returns those this call closed; one closed meanwhile by someone else is left as it is.
    """
    if not commitments:
        return []
    if len(commitments) > 1 and met_by is None:
        # Without the event to tell our rows from another closer's, one at a time.
        return [c for c in commitments if commitments_meet([c], at=at, by=by, why=why)]
    response = {c.pk: max(_business_minutes(c, c.start_at, at), 0.0) for c in commitments}
    met_by_type = ContentType.objects.get_for_model(met_by) if met_by else None
    met_by_id = met_by.pk if met_by else None
    ids = list(response)
    updated = Commitment.objects.filter(pk__in=ids, state__in=ACTIVE_STATES).update(
        state=State.MET,
        met_at=at,
        met_by_type=met_by_type,
        met_by_id=met_by_id,
        response_minutes=(
            models.Value(response[ids[0]])
            if len(ids) == 1
            else models.Case(
                *(models.When(pk=pk, then=models.Value(value)) for pk, value in response.items()),
                output_field=models.FloatField(),
            )
        ),
        action_at=None,
    )
    if not updated:
        return []
    closed = commitments
    if updated < len(commitments):
        ours = set(
            Commitment.objects.filter(
                pk__in=ids, state=State.MET, met_by_type=met_by_type, met_by_id=met_by_id
            ).values_list("pk", flat=True)
        )
        closed = [c for c in commitments if c.pk in ours]
    previous = {c.pk: c.state for c in closed}
    for c in closed:
        c.state, c.met_at, c.response_minutes = State.MET, at, response[c.pk]
        if previous[c.pk] == State.BREACHED:
            late = max(_business_minutes(c, c.due_at, at), 0.0)
            Breach.objects.filter(commitment=c, late_minutes__isnull=True).update(late_minutes=late)
    AuditLog.objects.bulk_create(
        audit_rows(
            [
                (c, c.client_id, {"state": [previous[c.pk], State.MET], "met_by": met_by_id})
                for c in closed
            ],
            action="commitment.done" if why else "commitment.meet",
            actor=by if by is not None and by.pk else None,
            at=at,
            reason=why,
        )
    )
    return closed


@transaction.atomic(savepoint=False)
def commitment_cancel(*, commitment: Commitment, at: datetime, by: User | None, why: str) -> bool:
    updated = Commitment.objects.filter(pk=commitment.pk, state__in=ACTIVE_STATES).update(
        state=State.CANCELLED, action_at=None
    )
    if updated:
        previous, commitment.state = commitment.state, State.CANCELLED
        audit_record(
            actor=by,
            action="commitment.cancel",
            obj=commitment,
            client_id=commitment.client_id,
            changes={"state": [previous, State.CANCELLED]},
            reason=why,
            at=at,
        )
    return bool(updated)


@transaction.atomic
def commitment_breach(*, commitment: Commitment, at: datetime) -> bool:
    """Record that the due moment passed unmet; the commitment stays in Today until met."""
    updated = Commitment.objects.filter(pk=commitment.pk, state=State.OPEN).update(
        state=State.BREACHED, breached_at=at
    )
    if not updated:
        return False
    commitment.state, commitment.breached_at = State.BREACHED, at
    Breach.objects.create(
        commitment=commitment,
        client_id=commitment.client_id,
        owner_id=commitment.owner_id,
        kind=commitment.kind,
        due_at=commitment.due_at,
        at=at,
    )
    _audit(
        commitment,
        action="commitment.breach",
        by=None,
        at=at,
        changes={"state": ["open", "breached"]},
    )
    return True


@transaction.atomic
def commitment_escalate(
    *, commitment: Commitment, to: User | None, at: datetime, minutes: int
) -> None:
    """Hand a missed commitment to the next person up, with a fresh due moment."""
    previous_owner, previous_due = commitment.owner_id, commitment.due_at
    # The reason says who missed which moment, long after the owner has changed.
    missed_by = commitment.owner
    commitment.reason_params = {
        **(commitment.reason_params or {}),
        "missed_by": str(missed_by) if missed_by else "",
        "missed_due": previous_due.isoformat(),
    }
    engine = calendar_engine(commitment.calendar)
    commitment.owner = to
    commitment.escalation += 1
    commitment.start_at = at
    commitment.business_minutes = minutes
    commitment.due_at = engine.add(at, minutes)
    commitment.action_at = commitment.due_at if commitment.escalation < 2 else None
    commitment.save(
        update_fields=[
            "owner",
            "escalation",
            "start_at",
            "business_minutes",
            "due_at",
            "action_at",
            "reason_params",
        ]
    )
    _audit(
        commitment,
        action="commitment.escalate",
        by=None,
        at=at,
        changes={
            "owner": [previous_owner, to.pk if to else None],
            "due_at": [previous_due.isoformat(), commitment.due_at.isoformat()],
            "escalation": commitment.escalation,
        },
    )


@transaction.atomic
def commitment_escalate_next(*, commitment: Commitment, at: datetime) -> bool:
    """The escalation path of a missed commitment: first the backup account manager, then a director.

    Kinds that escalate declare this as what the desk does at their action
    moment. The claim is a conditional update, so two clocks never escalate twice.
    """
    claimed = Commitment.objects.filter(
        pk=commitment.pk, action_at=commitment.action_at, state__in=ACTIVE_STATES
    ).update(action_at=None)
    if not claimed:
        return False
    if commitment.state == State.OPEN:
        commitment_breach(commitment=commitment, at=at)
    client = commitment.client
    target: User | None
    if commitment.escalation == 0 and client.backup_manager_id:
        target = client.backup_manager
    else:
        target = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
        if commitment.escalation == 0:
            commitment.escalation = 1  # no backup: straight to the director
    if target is None or commitment.escalation >= 2:
        return False
    minutes = business_day_minutes(calendar_engine(commitment.calendar), at)
    commitment_escalate(commitment=commitment, to=target, at=at, minutes=minutes)
    return True


@transaction.atomic(savepoint=False)
def commitments_hand_over(
    *, client: Client, previous: dict[str, User | None], by: User | None, at: datetime
) -> int:
    """The client's people changed: its active commitments follow the role, not the person.

    What the previous account manager owned goes to the new one; what the
    previous backup owned (escalations) goes to the new backup, or to the
    account manager when there is none. Commitments already with a director stay.
    Without this, a manager who left a confidential client's team would still
    see it in Today. Each moved commitment leaves an audit row.
    """
    old_am, old_backup = previous.get("account_manager"), previous.get("backup_manager")
    new_am, new_backup = client.account_manager, client.backup_manager
    target: dict[int, User | None] = {}
    if old_backup is not None and old_backup != new_backup:
        target[old_backup.pk] = new_backup or new_am
    if old_am is not None and old_am != new_am:
        target[old_am.pk] = new_am or new_backup
    target = {pk: to for pk, to in target.items() if to is None or to.pk != pk}
    if not target:
        return 0
    rows = list(
        Commitment.objects.filter(
            client=client, state__in=ACTIVE_STATES, owner_id__in=list(target)
        ).only("id", "kind", "client_id", "owner_id", "due_at")
    )
    moves: list[tuple[models.Model, int | None, dict[str, Any]]] = []
    for row in rows:
        before = row.owner_id
        to = target[before]  # type: ignore[index]
        row.owner_id = to.pk if to else None
        moves.append((row, row.client_id, {"owner": [before, row.owner_id]}))
    Commitment.objects.bulk_update(rows, ["owner"], batch_size=1000)
    AuditLog.objects.bulk_create(
        audit_rows(
            moves,
            action="commitment.reassign",
            reason="the client's account manager or backup changed",
            actor=by,
            at=at,
        ),
        batch_size=1000,
    )
    return len(rows)


def commitments_open_of(person: User) -> int:
    """How many active commitments ``person`` owns (what switching them off hands over)."""
    return Commitment.objects.filter(owner=person, state__in=ACTIVE_STATES).count()


def _successor(client: Client, person: User, by: User) -> User:
    for candidate in (client.backup_manager, client.account_manager):
        if candidate is not None and candidate.pk != person.pk and candidate.is_active:
            return candidate
    return by  # nobody on the client's side: the director who switched the person off


@transaction.atomic(savepoint=False)
def commitments_hand_over_person(person: User, by: User, at: datetime) -> int:
    """A person is switched off: each of their active commitments goes to the client's backup.

    Or to its account manager when the person was the backup, or to the
    director who switched them off when the client has nobody else. Each move
    leaves an audit row.
    """
    rows = list(
        Commitment.objects.filter(owner=person, state__in=ACTIVE_STATES)
        .select_related("client__account_manager", "client__backup_manager")
        .only(
            "id",
            "kind",
            "client_id",
            "owner_id",
            "due_at",
            "client__account_manager",
            "client__backup_manager",
        )
    )
    moves: list[tuple[models.Model, int | None, dict[str, Any]]] = []
    for row in rows:
        to = _successor(row.client, person, by)
        moves.append((row, row.client_id, {"owner": [person.pk, to.pk]}))
        row.owner_id = to.pk
    Commitment.objects.bulk_update(rows, ["owner"], batch_size=1000)
    AuditLog.objects.bulk_create(
        audit_rows(
            moves,
            action="commitment.reassign",
            reason="the owner was switched off",
            actor=by,
            at=at,
        ),
        batch_size=1000,
    )
    return len(rows)


def commitments_recompute_for_calendar(calendar: BusinessCalendar, engine: WorkCalendar) -> int:
    """After a calendar change: every active business-time commitment on it, in one vectorised pass."""
    return commitments_recompute(
        Commitment.objects.filter(calendar=calendar),
        engine,
        reason=f"calendar {calendar.pk} changed",
    )


@transaction.atomic
def commitments_move_calendar(
    *, client: Client, source: BusinessCalendar, target: BusinessCalendar, at: datetime
) -> int:
    """The client now runs on ``target``: its open commitments on ``source`` move and are recomputed.

    Met and missed ones stay on the calendar they were counted in, which keeps
    that calendar alive for as long as they do.
    """
    active = Commitment.objects.filter(client=client, calendar=source, state__in=ACTIVE_STATES)
    ids = list(active.values_list("pk", flat=True))
    if not ids:
        return 0
    Commitment.objects.filter(pk__in=ids).update(calendar=target)
    return commitments_recompute(
        Commitment.objects.filter(pk__in=ids),
        calendar_engine(target),
        reason=f"client {client.pk} moved from calendar {source.pk} to {target.pk}",
    )
