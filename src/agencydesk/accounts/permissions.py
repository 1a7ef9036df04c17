"""Who may do what. Views and API endpoints ask these, never the role names directly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agencydesk.accounts.choices import Role

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client

CLIENT_CREATORS = {Role.ADMIN, Role.DIRECTOR, Role.ACCOUNT_MANAGER}


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_create_client(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.role in CLIENT_CREATORS)


def can_edit_client(user: User, client: Client) -> bool:
    """Directors edit any client; an account manager edits the clients they run or back up."""
    if not _active(user):
        return False
    if user.is_director:
        return True
    return user.role == Role.ACCOUNT_MANAGER and user.pk in (
        client.account_manager_id,
        client.backup_manager_id,
    )


def can_delete_client(user: User) -> bool:
    return _active(user) and user.is_director
