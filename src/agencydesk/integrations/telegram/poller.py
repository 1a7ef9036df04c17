"""``agencydesk telegram poll``: long polling for agencies without a public address.

Each round stores the updates first (committed), then asks for the next ones
with ``offset`` one past the last stored id, which is what confirms them to
Telegram. Killed at any moment, the poller loses nothing: an update is
confirmed only once it is in the database, and the offset is read back from
there on start.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db.models import Max
from django.utils import timezone

from agencydesk.integrations.telegram.alerts import telegram_tick
from agencydesk.integrations.telegram.client import (
    MaybeSent,
    NotSent,
    Refused,
    RetryLater,
    TelegramClient,
)
from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store
from agencydesk.integrations.telegram.models import TelegramUpdate
from agencydesk.integrations.telegram.payloads import update_id_of

logger = logging.getLogger(__name__)


def next_offset() -> int | None:
    last = TelegramUpdate.objects.aggregate(last=Max("update_id"))["last"]
    return None if last is None else last + 1


def poll(
    *,
    client: TelegramClient | None = None,
    timeout: int = 25,
    exit_when_idle: bool = False,
    on_round: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Poll until stopped (or, with ``exit_when_idle``, until Telegram has nothing more)."""
    api = client or TelegramClient()
    offset = next_offset()
    pause = 1.0
    updates_process_all(at=timezone.now())  # what a killed poller stored but did not process
    while not should_stop():
        try:
            updates = api.get_updates(offset=offset, limit=100, timeout=timeout)
        except RetryLater as exc:
            time.sleep(exc.retry_after)
            continue
        except (NotSent, MaybeSent) as exc:
            logger.warning("getUpdates: %s; again in %.0f s", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, 60.0)
            continue
        except Refused as exc:
            logger.error("getUpdates refused: %s", exc)
            raise
        pause = 1.0
        if not isinstance(updates, list):
            updates = [updates]  # not what Telegram promises: kept (failed), not a crash
        now = timezone.now()
        stored = updates_store(payloads=updates, at=now)
        numbered = [n for n in map(update_id_of, updates) if n is not None]
        if numbered:
            # Telegram numbers every update; one without a usable number is stored
            # (failed) and confirmed with the others.
            offset = max(numbered) + 1
        processed = updates_process_all(at=now)
        telegram_tick(now=now)
        if on_round is not None:
            on_round(stored, processed)
        if exit_when_idle and not updates:
            break
    return 0
