"""Tasks of the connector: process stored updates, create topics, send the bot's own notices."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from agencydesk.core.queues import URGENT
from agencydesk.core.workers import rerun_when_abandoned
from agencydesk.integrations.telegram.alerts import telegram_tick
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.inbound import updates_process_all
from agencydesk.integrations.telegram.models import (
    TelegramNotice,
    TelegramUpdate,
)
from agencydesk.outbox.services import outbox_deliver

logger = logging.getLogger(__name__)
# An update stored this long ago and still new lost its task (the process died
# between the commit and the enqueue, or the worker with it): the clock takes it.
UPDATE_GRACE = timedelta(seconds=30)


@rerun_when_abandoned
@task(queue_name=URGENT)
def updates_process_task() -> int:
    """Process what the webhook stored; then send what is due."""
    processed = updates_process_all(at=timezone.now())
    telegram_tick(now=timezone.now())
    return processed


def updates_stale_process(*, now) -> dict[str, int]:
    """Process the updates no task took in time, without waiting for the next one to arrive."""
    stale = TelegramUpdate.objects.filter(
        state=UpdateState.NEW, received_at__lte=now - UPDATE_GRACE
    ).exists()
    # Through the same processing turn as the task: two clocks never process at once.
    return {"stale_updates": updates_process_all(at=now) if stale else 0}


@task(queue_name=URGENT)
def notice_send(notice_id: int) -> str:
    """Send one bot notice when it is due: a thin task over the one outbox's state machine."""
    return outbox_deliver(model=TelegramNotice, pk=notice_id, now=timezone.now())
