"""Delivering client messages: a thin task over the one outbox's state machine."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from agencydesk.core.queues import URGENT
from agencydesk.messaging.models import OutboundMessage
from agencydesk.outbox.services import outbox_deliver


@task(queue_name=URGENT)
def outbox_send(outbox_id: int) -> str:
    """Send one client message if it is due; returns its state afterwards."""
    return outbox_deliver(model=OutboundMessage, pk=outbox_id, now=timezone.now())
