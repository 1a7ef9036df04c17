"""Upgrading keeps every bot notice: a queued one still goes out, a stuck one is reconciled, not lost."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .conftest import AM_CHAT

BEFORE = [("telegram", "0004_lost_chat_is_the_subject")]
AFTER = [("telegram", "0005_notices_in_the_one_outbox")]
T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_notices_queued_before_the_upgrade_still_go_out_once(fake_api):
    old = _migrate(BEFORE)
    Notice = old.get_model("telegram", "TelegramNotice")
    common = {"kind": "digest", "text": "Good morning!", "created_at": T0, "send_after": T0}
    # Two chats: one chat takes one message a second, and the clock is frozen here.
    Notice.objects.create(key="queued", chat_id=AM_CHAT, state="queued", **common)
    Notice.objects.create(key="stuck", chat_id=AM_CHAT + 1, state="sending", attempts=1, **common)
    Notice.objects.create(key="sent", chat_id=AM_CHAT, state="sent", sent_at=T0, **common)
    _migrate(AFTER)

    from agencydesk.integrations.telegram.models import TelegramNotice
    from agencydesk.outbox.services import outbox_tick

    rows = {n.key: n for n in TelegramNotice.objects.all()}
    assert len({n.idempotency_key for n in rows.values()}) == 3
    assert rows["stuck"].claimed_at == T0 and rows["queued"].enqueued_at is None
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        # The queued one is handed over; the stuck one made no call (no slot): sent now.
        assert outbox_tick(now=later) == {"released": 1, "reconciled": 1}
        assert outbox_tick(now=later) == {"released": 0, "reconciled": 0}
    states = dict(TelegramNotice.objects.values_list("key", "state"))
    assert states == {"queued": "sent", "stuck": "sent", "sent": "sent"}
    assert sorted(s.chat_id for s in fake_api.sent) == [AM_CHAT, AM_CHAT + 1]
