"""Tasks of the e-mail connector: poll one mailbox; the clock's step that hands mailboxes over."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from agencydesk.core.queues import DEFAULT, URGENT
from agencydesk.integrations.email.models import EmailNotice, Mailbox
from agencydesk.integrations.email.poller import POLL_EVERY, mailbox_poll
from agencydesk.outbox.services import outbox_deliver


@task(queue_name=DEFAULT)
def mailbox_poll_task(mailbox_pk: int) -> int:
    mailbox = Mailbox.objects.filter(pk=mailbox_pk, is_active=True).first()
    if mailbox is None:
        return 0
    return mailbox_poll(mailbox=mailbox) or 0


def email_tick(*, now: datetime) -> dict[str, int]:
    """The desk's clock: hand each mailbox due for a poll to a worker (at most one poll at a time)."""
    due = Mailbox.objects.filter(is_active=True).filter(
        Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - POLL_EVERY)
    )
    due = due.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    handed = 0
    for pk in list(due.values_list("pk", flat=True)[:50]):
        # Marking it polled now keeps the next tick (of any worker) from handing it over again.
        if Mailbox.objects.filter(
            Q(pk=pk) & (Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - POLL_EVERY))
        ).update(last_polled_at=now):
            mailbox_poll_task.enqueue(pk)
            handed += 1
    return {"mailboxes_polled": handed}


@task(queue_name=URGENT)
def notice_send(notice_id: int) -> str:
    """Send one of the desk's own e-mails (a digest) if it is due; returns its state afterwards."""
    return outbox_deliver(model=EmailNotice, pk=notice_id, now=timezone.now())
