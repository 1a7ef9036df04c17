"""Delivering the outbox: one task per message, safe to run twice, safe to crash."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from agencydesk.core.queues import URGENT
from agencydesk.messaging.channels import PermanentFailure, TemporaryFailure, adapter_for
from agencydesk.messaging.choices import OutboxState
from agencydesk.messaging.models import OutboundMessage

logger = logging.getLogger(__name__)


@task(queue_name=URGENT)
def outbox_send(outbox_id: int) -> str:
    """Send one outbox row if it is due; returns its state afterwards."""
    from agencydesk.messaging.services import OUTBOX_MAX_ATTEMPTS, outbox_backoff

    now = timezone.now()
    with transaction.atomic():
        # Claim: only one worker moves a row from queued to sending.
        claimed = OutboundMessage.objects.filter(
            pk=outbox_id, state=OutboxState.QUEUED, send_after__lte=now
        ).update(state=OutboxState.SENDING, claimed_at=now)
    outbox = OutboundMessage.objects.select_related("message").filter(pk=outbox_id).first()
    if outbox is None:
        return "missing"
    if not claimed:
        return outbox.state
    OutboundMessage.objects.filter(pk=outbox_id).update(attempts=outbox.attempts + 1)
    outbox.attempts += 1
    adapter = adapter_for(outbox.channel)
    try:
        external_id = adapter.send(outbox)
    except TemporaryFailure as exc:
        state = OutboxState.FAILED if outbox.attempts >= OUTBOX_MAX_ATTEMPTS else OutboxState.QUEUED
        OutboundMessage.objects.filter(pk=outbox_id, state=OutboxState.SENDING).update(
            state=state,
            send_after=timezone.now() + outbox_backoff(outbox.attempts, exc.retry_after),
            last_error=str(exc)[:2000],
            claimed_at=None,
        )
        logger.warning("outbox %s: temporary failure %s", outbox_id, exc)
        return state
    except PermanentFailure as exc:
        OutboundMessage.objects.filter(pk=outbox_id).update(
            state=OutboxState.FAILED, last_error=str(exc)[:2000], claimed_at=None
        )
        logger.error("outbox %s: refused by the channel: %s", outbox_id, exc)
        return OutboxState.FAILED
    OutboundMessage.objects.filter(pk=outbox_id).update(
        state=OutboxState.SENT, sent_at=timezone.now(), external_id=external_id, claimed_at=None
    )
    return OutboxState.SENT


def outbox_enqueue(outbox_id: int) -> None:
    """Hand a queued row to a worker (after the commit that queued it), if it is still queued.

    The row's state is the truth: one recorded as already sent meanwhile (the
    demo's history) or cancelled needs no task, and gets none.
    """
    if OutboundMessage.objects.filter(pk=outbox_id, state=OutboxState.QUEUED).exists():
        outbox_send.enqueue(outbox_id)
