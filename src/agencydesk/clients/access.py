"""Who may see a client: the one rule every read of client data builds on.

A confidential client is seen by directors (and administrators) and by its
account team: the account manager, the backup and the members of its team.
Every other client is seen by every active person of the agency. Nobody
signed out or deactivated sees any client.

The rule is written once, as data (``_TEAM_KEYS`` and ``_TEAM_MEMBERS``): the
queryset and the per-object check are both built from it, so a list and the
page it links to cannot disagree about a client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from agencydesk.clients.models import Client

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencydesk.accounts.models import User

# The people of the account team, as foreign keys of the client and as its many-to-many.
_TEAM_KEYS = ("account_manager", "backup_manager")
_TEAM_MEMBERS = "team"


def _sees_all(user: User | AnonymousUser | None) -> bool | None:
    """True: every client; False: none; None: the ordinary ones and their own confidential ones."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_director:
        return True
    return None


def clients_visible_to(user: User | AnonymousUser | None) -> QuerySet[Client]:
    """The clients ``user`` may see, as a queryset to build lists and lookups on."""
    sees = _sees_all(user)
    if sees is False:
        return Client.objects.none()
    if sees is True:
        return Client.objects.all()
    assert user is not None
    on_team = Q(**{_TEAM_MEMBERS: user})
    for key in _TEAM_KEYS:
        on_team |= Q(**{key: user})
    # The join through the team repeats a client once per member: distinct.
    return Client.objects.filter(Q(confidential=False) | on_team).distinct()


def can_view_client(user: User | AnonymousUser | None, client: Client) -> bool:
    """Whether ``user`` may see ``client``: the same answer as ``clients_visible_to``.

    Answered without a query except for a confidential client the user does not
    run or back up, where only the team list can tell.
    """
    sees = _sees_all(user)
    if sees is not None:
        return sees
    assert user is not None
    if not client.confidential:
        return True
    if user.pk in (getattr(client, f"{key}_id") for key in _TEAM_KEYS):
        return True
    return getattr(client, _TEAM_MEMBERS).filter(pk=user.pk).exists()


def visible_client_ids(user: User | AnonymousUser | None) -> QuerySet[Client, int]:
    """The primary keys of the clients ``user`` may see, for ``client__in=`` in other apps' reads."""
    return clients_visible_to(user).values_list("pk", flat=True)
