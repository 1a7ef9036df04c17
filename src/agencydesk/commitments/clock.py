"""The desk's clock: what must happen because time passed.

``clock_tick`` is run every few seconds by every worker (and by ``agencydesk
serve`` with the embedded worker). Each step changes a row only with a
conditional update, so several workers ticking at once never act twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import close_old_connections, transaction

from agencydesk.calendars.selectors import business_day_minutes, calendar_engine
from agencydesk.commitments.choices import ACTIVE_STATES, Kind, State
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_breach, commitment_escalate

logger = logging.getLogger(__name__)

BATCH = 500


def clock_tick(*, now: datetime) -> dict[str, int]:
    """Breaches, automatic acknowledgements and escalations due by ``now``.

    The outbox's own clock (held messages, lost hand-overs, dead workers' sends)
    is registered in :data:`TICKS` by messaging.
    """
    counts = {"breached": _breach_due(now), "acknowledged": 0, "escalated": 0}
    counts["acknowledged"], counts["escalated"] = _actions_due(now)
    return counts


def _breach_due(now: datetime) -> int:
    count = 0
    for commitment in Commitment.objects.filter(state=State.OPEN, due_at__lte=now).select_related(
        "calendar"
    )[:BATCH]:
        count += commitment_breach(commitment=commitment, at=now)
    return count


def _actions_due(now: datetime) -> tuple[int, int]:
    from agencydesk.messaging.services import acknowledgement_send

    acknowledged = escalated = 0
    due = Commitment.objects.filter(state__in=ACTIVE_STATES, action_at__lte=now).select_related(
        "client", "calendar", "message__author_contact", "conversation", "owner"
    )
    for commitment in due[:BATCH]:
        if commitment.kind == Kind.FIRST_RESPONSE:
            acknowledged += acknowledgement_send(commitment=commitment, at=now) is not None
        elif commitment.kind == Kind.QUESTION:
            escalated += _escalate_question(commitment, now)
        else:
            Commitment.objects.filter(pk=commitment.pk).update(action_at=None)
    return acknowledged, escalated


@transaction.atomic
def _escalate_question(commitment: Commitment, now: datetime) -> int:
    """Unanswered a business day: first the backup account manager, then the director."""
    claimed = Commitment.objects.filter(
        pk=commitment.pk, action_at=commitment.action_at, state__in=ACTIVE_STATES
    ).update(action_at=None)
    if not claimed:
        return 0
    if commitment.state == State.OPEN:
        commitment_breach(commitment=commitment, at=now)
    client = commitment.client
    if commitment.escalation == 0 and client.backup_manager_id:
        target = client.backup_manager
    else:
        target = _director_for(commitment)
        if commitment.escalation == 0:
            commitment.escalation = 1  # no backup: straight to the director
    if target is None or commitment.escalation >= 2:
        return 0
    minutes = business_day_minutes(calendar_engine(commitment.calendar), now)
    commitment_escalate(commitment=commitment, to=target, at=now, minutes=minutes)
    return 1


def _director_for(commitment: Commitment):
    from agencydesk.accounts.choices import Role
    from agencydesk.accounts.models import User

    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()


# What other apps do because time passed, registered from their AppConfig.ready
# (the Telegram alerts, say): each takes the moment and returns its counts.
TICKS: list[Callable[..., dict[str, int]]] = []


def clock_round(*, now: datetime) -> None:
    """One round of the clock: :func:`clock_tick`, then every function in :data:`TICKS`, each on its own."""
    for tick in [clock_tick, *TICKS]:
        try:
            counts = tick(now=now)
            if any(counts.values()):
                logger.info("clock: %s %s", tick.__qualname__, counts)
        except Exception:  # the clock must outlive one bad tick
            logger.exception("clock: %s failed", tick.__qualname__)


class Clock:
    """A background thread that runs :func:`clock_round` every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 15.0) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="desk-clock", daemon=True)

    def start(self) -> Clock:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from django.utils import timezone

        while not self._stop.is_set():
            close_old_connections()
            clock_round(now=timezone.now())
            close_old_connections()
            self._stop.wait(self.interval)
