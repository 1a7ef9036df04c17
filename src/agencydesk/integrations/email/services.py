"""Writes of the e-mail connector's set-up: mailboxes and their passwords."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.core.services import audit_record, diff_snapshots, model_snapshot
from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.secrets import password_encrypt

if TYPE_CHECKING:
    from agencydesk.accounts.models import User

MAX_PASSWORD = 500
# What the audit log keeps of a mailbox: its set-up, never the password nor the poller's state.
AUDITED_FIELDS = [
    "name",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_folder",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "username",
    "from_address",
    "from_name",
    "reply_to",
    "is_active",
]


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
    before = model_snapshot(row, AUDITED_FIELDS) if row.pk else {}
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
    created = row.pk is None
    row.save()
    changes: dict[str, object] = dict(diff_snapshots(before, model_snapshot(row, AUDITED_FIELDS)))
    if password is not None:
        changes["password"] = "set" if created else "changed"  # that it changed, never what to
    if created or changes:
        audit_record(
            actor=by,
            action="email.mailbox_create" if created else "email.mailbox_change",
            obj=row,
            changes=changes,
            at=at,
        )
    return row
