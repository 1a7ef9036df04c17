"""Writes of the e-mail connector's set-up: mailboxes and their passwords."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.secrets import password_encrypt

if TYPE_CHECKING:
    from agencydesk.accounts.models import User

MAX_PASSWORD = 500


@transaction.atomic
def mailbox_save(
    *,
    mailbox: Mailbox | None,
    values: dict[str, object],
    password: str | None,
    at: datetime,
    by: User | None = None,
) -> Mailbox:
    """Create or change a mailbox; ``password`` None keeps the stored one (it is never shown again)."""
    row = mailbox or Mailbox(created_at=at)
    for name, value in values.items():
        setattr(row, name, value)
    if password is not None:
        if not password or len(password) > MAX_PASSWORD:
            raise ValidationError(
                {
                    "password": _("Give the password (at most %(limit)d characters).")
                    % {"limit": MAX_PASSWORD}
                }
            )
        row.password_encrypted = password_encrypt(password)
    if not row.password_encrypted:
        raise ValidationError({"password": _("Give the mailbox's password.")})
    row.full_clean()
    row.save()
    return row
