"""The outbox's state machine: the one place that moves an outbound row from state to state.

::

    held ──(hold ends)──► queued ──(claim)──► sending ──► sent
                            ▲                    │
                            └─(temporary failure, │ backoff; or a dead
                               worker's send surely not delivered)
                                                 └──► failed (permanent, out of
                                                      attempts, or may have been
                                                      delivered)

Every change is a conditional ``filter(state=…).update()``, so several workers
(and several clocks) acting on one row at once never act twice. Tables register
themselves with :func:`outbox_register_table` (their model and the task that
delivers one row), channels with :func:`~agencydesk.outbox.adapters.register_adapter`;
this module imports neither.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from agencydesk.outbox.adapters import Failure, MaybeDelivered, adapter_for
from agencydesk.outbox.models import OutboxRow
from agencydesk.outbox.states import OutboxState

logger = logging.getLogger(__name__)

# One backoff for every table and channel: a retry waits what the channel asked
# (Telegram's retry_after), else the next step of this ladder.
BACKOFF = tuple(timedelta(seconds=s) for s in (10, 30, 120, 600, 1800))
MAX_ATTEMPTS = 8
# A row ``sending`` this long after its claim belongs to a worker that died mid-call.
STUCK_SENDING = timedelta(minutes=5)
# A row queued and handed to a worker this long ago, still queued: the hand-over was lost.
LOST_ENQUEUE = timedelta(minutes=2)
BATCH = 500


class Enqueuer(Protocol):
    """The task that delivers one row (``task.enqueue(pk)``)."""

    def enqueue(self, pk: int) -> object: ...


@dataclass(frozen=True)
class Table:
    model: type[OutboxRow]
    task: Enqueuer
    related: tuple[str, ...] = ()


_TABLES: dict[str, Table] = {}


def outbox_register_table(
    *, model: type[OutboxRow], task: Enqueuer, related: Sequence[str] = ()
) -> None:
    """Let the machine deliver and watch ``model``'s rows; ``related`` is what ``send`` reads."""
    _TABLES[model._meta.label] = Table(model=model, task=task, related=tuple(related))


def _table(model: type[OutboxRow]) -> Table:
    return _TABLES[model._meta.label]


def _rows(table: Table) -> QuerySet[OutboxRow]:
    """The table's rows with what its adapter reads to send one."""
    rows = table.model._default_manager.all()
    # select_related() with no names would follow every foreign key.
    return rows.select_related(*table.related) if table.related else rows


def outbox_backoff(*, attempts: int, retry_after: float | None = None) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` tries."""
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def outbox_hold_or_queue(
    *, row: OutboxRow, at: datetime, send_after: datetime | None = None, held_reason: str = ""
) -> None:
    """Give an unsaved row its first state: held until ``send_after`` (quiet hours), or queued."""
    row.send_after = send_after or at
    row.held_reason = held_reason
    if held_reason:
        row.state, row.enqueued_at = OutboxState.HELD, None
    else:
        row.state, row.enqueued_at = OutboxState.QUEUED, at


def outbox_hand_over_on_commit(*, row: OutboxRow) -> None:
    """Hand a queued row to a worker once the transaction that queued it commits."""
    model, pk = type(row), row.pk
    transaction.on_commit(lambda: outbox_hand_over(model=model, pk=pk))


def outbox_hand_over(*, model: type[OutboxRow], pk: int) -> bool:
    """Enqueue the row's task if it is still queued.

    The row's state is the truth: one recorded as already sent meanwhile (the
    demo's history) or failed needs no task, and gets none.
    """
    if not model._default_manager.filter(pk=pk, state=OutboxState.QUEUED).exists():
        return False
    _table(model).task.enqueue(pk)
    return True


def outbox_deliver(*, model: type[OutboxRow], pk: int, now: datetime) -> str:
    """Claim one due row, send it through its channel, record the outcome; returns its state."""
    # The claim counts the attempt in the same update, so a worker that dies
    # inside the call still leaves it counted.
    claimed = model._default_manager.filter(
        pk=pk, state=OutboxState.QUEUED, send_after__lte=now
    ).update(state=OutboxState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    row = _rows(_table(model)).filter(pk=pk).first()
    if row is None:
        return "missing"
    if not claimed:
        return str(row.state)
    try:
        adapter = adapter_for(row.outbox_channel)
    except LookupError as exc:
        return _failed(row, Failure.final(str(exc)), at=now)
    try:
        external_id = adapter.send(row)
    except Exception as exc:
        failure = adapter.classify(exc)
        if failure is None:
            raise  # not the channel's answer: the row stays sending and is reconciled
        # The call took its time: the next attempt is counted from its end.
        return _failed(row, failure, at=timezone.now())
    _sent(row, external_id, at=timezone.now())
    return OutboxState.SENT


def _sent(row: OutboxRow, external_id: str, *, at: datetime) -> bool:
    return bool(
        type(row)
        ._default_manager.filter(pk=row.pk, state=OutboxState.SENDING)
        .update(state=OutboxState.SENT, sent_at=at, external_id=external_id, claimed_at=None)
    )


def _failed(row: OutboxRow, failure: Failure, *, at: datetime) -> str:
    retry = not failure.permanent and row.attempts < MAX_ATTEMPTS
    state = OutboxState.QUEUED if retry else OutboxState.FAILED
    changes: dict[str, object] = {
        "state": state,
        "last_error": failure.reason[:2000],
        "claimed_at": None,
    }
    if retry:
        changes["send_after"] = at + outbox_backoff(
            attempts=row.attempts, retry_after=failure.retry_after
        )
    type(row)._default_manager.filter(pk=row.pk, state=OutboxState.SENDING).update(**changes)
    log = logger.warning if retry else logger.error
    log("outbox %s %s: %s", row._meta.label, row.pk, failure.reason)
    return state


def outbox_tick(*, now: datetime) -> dict[str, int]:
    """What the outbox does because time passed, for every registered table.

    ``released``: held rows whose hold ended and queued rows whose hand-over was
    lost (or whose retry is due), handed to a worker; ``reconciled``: rows a
    dead worker left ``sending``, settled from what the channel says.
    """
    released = reconciled = 0
    for table in list(_TABLES.values()):
        released += _release_held(table, now) + _hand_over_lost(table, now)
        reconciled += _reconcile_stuck(table, now)
    return {"released": released, "reconciled": reconciled}


def _release_held(table: Table, now: datetime) -> int:
    model = table.model
    released = 0
    due = model._default_manager.filter(state=OutboxState.HELD, send_after__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:BATCH]):
        if model._default_manager.filter(pk=pk, state=OutboxState.HELD).update(
            state=OutboxState.QUEUED, enqueued_at=now
        ):
            table.task.enqueue(pk)
            released += 1
    return released


def _hand_over_lost(table: Table, now: datetime) -> int:
    # Due, handed to a worker long ago and still queued: the enqueue was lost (a
    # crash between commit and enqueue) or a retry's time has come. Hand it over
    # again; delivering is idempotent.
    model = table.model
    stale = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - LOST_ENQUEUE)
    retry_due = Q(attempts__gt=0, enqueued_at__lt=F("send_after"))
    due = model._default_manager.filter(
        Q(state=OutboxState.QUEUED, send_after__lte=now) & (stale | retry_due)
    )
    handed = 0
    for pk in list(due.values_list("pk", flat=True)[:BATCH]):
        if model._default_manager.filter(pk=pk, state=OutboxState.QUEUED).update(enqueued_at=now):
            table.task.enqueue(pk)
            handed += 1
    return handed


def _reconcile_stuck(table: Table, now: datetime) -> int:
    # Timed from the claim, not from send_after: a row due long ago but claimed a
    # minute ago is a send in progress, not a dead one.
    model = table.model
    stuck = _rows(table).filter(state=OutboxState.SENDING, claimed_at__lte=now - STUCK_SENDING)
    reconciled = 0
    for row in list(stuck[:BATCH]):
        try:
            external_id = adapter_for(row.outbox_channel).reconcile(row)
        except MaybeDelivered as exc:
            _failed(row, Failure.final(str(exc)), at=now)
            reconciled += 1
            continue
        if external_id:
            _sent(row, external_id, at=now)
        elif model._default_manager.filter(pk=row.pk, state=OutboxState.SENDING).update(
            state=OutboxState.QUEUED, send_after=now, claimed_at=None, enqueued_at=now
        ):
            table.task.enqueue(row.pk)
        reconciled += 1
    return reconciled
