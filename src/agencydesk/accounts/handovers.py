"""What other apps do with a person's work when the person is switched off, registered from ``ready``.

Accounts sits below the apps that hold work (commitments): it cannot move a
person's open items itself, so an app that holds some registers a hand-over
here, and ``user_deactivate`` runs them in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


@dataclass(frozen=True)
class Handover:
    """How many open things a person holds (``count``) and how to pass them on (``apply``)."""

    count: Callable[[User], int]
    apply: Callable[[User, User, datetime], int]  # (person, by, at) -> how many moved


HANDOVERS: list[Handover] = []


def register_handover(handover: Handover) -> None:
    if handover not in HANDOVERS:
        HANDOVERS.append(handover)
