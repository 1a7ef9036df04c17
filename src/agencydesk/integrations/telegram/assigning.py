"""A director gives a chat its client by hand; the messages kept for it are then processed.

Apart from :mod:`.services` because it enqueues the processing task, and
processing reads services: the two would import each other.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.integrations.telegram.models import TelegramChat
from agencydesk.integrations.telegram.services import chat_link
from agencydesk.integrations.telegram.tasks import updates_process_task

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client


@transaction.atomic
def chat_assign(
    *, chat: TelegramChat, client: Client | None, by: User, at: datetime
) -> TelegramChat:
    """An administrator assigns a chat to a client (or unlinks it); kept messages are processed."""
    if not by.is_director:
        raise PermissionDenied(_("Only a director or an administrator assigns chats."))
    chat_link(chat, client=client, by=by, at=at, how="assigned" if client else "")
    if client is None:
        return chat
    transaction.on_commit(lambda: updates_process_task.enqueue())
    return chat
