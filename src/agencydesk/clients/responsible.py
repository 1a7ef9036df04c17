"""Who answers for a client at a moment: the one rule every new item's owner comes from.

The account manager, unless they are away that day (their own calendar day)
or switched off: then the client's backup, if the backup is there. Items
already open keep their owner; only new ones follow this rule, so when the
account manager is back the next new item is theirs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from agencydesk.accounts.selectors import away_on

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client


@dataclass(frozen=True)
class Responsible:
    """Who answers (``user``) and, when it is not the account manager, for whom (``covering``)."""

    user: User | None
    covering: User | None = None


def _present(user: User | None, at: datetime) -> bool:
    return user is not None and user.is_active and away_on(user=user, at=at) is None


def responsible(*, client: Client, at: datetime) -> Responsible:
    manager = client.account_manager
    if manager is None:
        return Responsible(client.backup_manager)
    if _present(manager, at):
        return Responsible(manager)
    # Only now the backup is read: most of the time the account manager is there.
    backup = client.backup_manager
    if backup is not None and backup.pk != manager.pk and _present(backup, at):
        return Responsible(backup, covering=manager)
    # Nobody else is there: the account manager still holds it (and a director sees it overdue).
    return Responsible(manager if manager.is_active else None)


def responsible_for(*, client: Client, at: datetime) -> User | None:
    """The owner of a new item of ``client`` opened at ``at``."""
    return responsible(client=client, at=at).user
