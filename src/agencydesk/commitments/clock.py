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

from django.db import close_old_connections

from agencydesk.commitments.choices import ACTIVE_STATES, State
from agencydesk.commitments.kinds import KINDS, counters
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_breach

logger = logging.getLogger(__name__)

BATCH = 500


def clock_tick(*, now: datetime) -> dict[str, int]:
    """Breaches and what each kind does at its action moment, due by ``now``.

    The outbox's own clock (held messages, lost hand-overs, dead workers' sends)
    is registered in :data:`TICKS` by messaging.
    """
    counts = {"breached": _breach_due(now), **_actions_due(now)}
    return counts


def _breach_due(now: datetime) -> int:
    count = 0
    for commitment in Commitment.objects.filter(state=State.OPEN, due_at__lte=now).select_related(
        "calendar"
    )[:BATCH]:
        count += commitment_breach(commitment=commitment, at=now)
    return count


def _actions_due(now: datetime) -> dict[str, int]:
    """What the desk does at each commitment's action moment, as its kind declares it."""
    counts = dict.fromkeys(counters(), 0)
    due = Commitment.objects.filter(state__in=ACTIVE_STATES, action_at__lte=now).select_related(
        "client", "calendar", "owner"
    )
    for commitment in due[:BATCH]:
        spec = KINDS.get(commitment.kind)
        if spec is None or spec.on_action is None:
            # Nothing to do at this moment (or a kind no app declares any more): stop asking.
            Commitment.objects.filter(pk=commitment.pk).update(action_at=None)
            continue
        counts[spec.counter] += bool(spec.on_action(commitment=commitment, at=now))
    return counts


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
