"""The daily digest of Today by e-mail, to each account manager at the start of their working day.

The same text as the Telegram digest (in the person's language and time zone),
one :class:`~.models.EmailNotice` per person and day, through the one outbox.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.integrations.email.models import EmailNotice, Mailbox
from agencydesk.integrations.telegram.alerts import DIGEST_HOUR, _zone, digest_text
from agencydesk.outbox.services import outbox_hand_over_on_commit, outbox_hold_or_queue


def digests_queue(*, now: datetime) -> dict[str, int]:
    """Queue today's digest for everyone with an e-mail address whose morning has come."""
    if not Mailbox.objects.filter(is_active=True).exists():
        return {"email_digests": 0}
    queued = 0
    due = []
    for user in User.objects.filter(is_active=True).exclude(email="").order_by("pk"):
        local = now.astimezone(_zone(user.timezone))
        if local.hour >= DIGEST_HOUR:
            due.append((user, local, f"digest:{user.pk}:{local.date().isoformat()}"))
    # One query for who already has today's digest, whatever the number of people.
    done = set(
        EmailNotice.objects.filter(key__in=[key for _u, _l, key in due]).values_list(
            "key", flat=True
        )
    )
    for user, local, key in due:
        if key in done:
            continue
        with translation.override(user.language or "en"):
            subject = _("Today at %(date)s") % {"date": local.date().isoformat()}
        row = EmailNotice(
            key=key,
            user=user,
            to=user.email,
            subject=subject,
            text=digest_text(user=user, now=now),
            created_at=now,
        )
        outbox_hold_or_queue(row=row, at=now)
        try:
            with transaction.atomic():
                row.save()
                outbox_hand_over_on_commit(row=row)
        except IntegrityError:
            continue  # another worker queued it meanwhile
        queued += 1
    return {"email_digests": queued}
