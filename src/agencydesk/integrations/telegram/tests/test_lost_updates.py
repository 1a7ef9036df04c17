"""An update stored but never processed (its task was lost) is taken by the desk's clock."""

from __future__ import annotations

import datetime as dt

import time_machine

from agencydesk.commitments.clock import TICKS, clock_round
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.inbound import updates_store
from agencydesk.integrations.telegram.models import TelegramChat, TelegramUpdate
from agencydesk.integrations.telegram.tasks import UPDATE_GRACE, updates_stale_process
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

GROUP = -100_777
STORED = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _linked_group(client, at):
    return TelegramChat.objects.create(
        chat_id=GROUP, type="supergroup", title="Acme", client=client, first_seen_at=at
    )


def test_the_lost_update_sweep_is_registered_with_the_clock():
    assert updates_stale_process in TICKS


def test_a_stored_update_whose_task_was_lost_is_processed_by_the_clock(
    fake_api, client_acme, django_capture_on_commit_callbacks
):
    _linked_group(client_acme, STORED)
    with time_machine.travel(STORED, tick=False):
        # The webhook's commit happened; the process died before its task ran.
        updates_store(
            payloads=[group_message(update_id=41, chat_id=GROUP, message_id=7, text="Hello?")],
            at=STORED,
        )
    update = TelegramUpdate.objects.get(update_id=41)
    within_grace = STORED + UPDATE_GRACE - dt.timedelta(seconds=1)
    with (
        time_machine.travel(within_grace, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        clock_round(now=within_grace)
    update.refresh_from_db()
    assert update.state == UpdateState.NEW  # its own task may still be on the way
    assert not Message.objects.exists()

    later = STORED + UPDATE_GRACE
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        clock_round(now=later)
    update.refresh_from_db()
    assert update.state == UpdateState.DONE and update.processed_at == later
    message = Message.objects.get()
    assert (message.client, message.text, message.external_id) == (
        client_acme,
        "Hello?",
        f"{GROUP}:7",
    )


def test_the_clock_leaves_parked_and_failed_updates_and_does_nothing_without_stale_ones(
    fake_api, client_acme, django_assert_num_queries
):
    TelegramChat.objects.create(
        chat_id=GROUP - 1, type="supergroup", title="Nobody's", first_seen_at=STORED
    )
    updates_store(
        payloads=[
            group_message(update_id=51, chat_id=GROUP - 1, message_id=1, text="Anyone?"),
            group_message(update_id=52, chat_id=GROUP - 1, message_id=2, text="Broken"),
        ],
        at=STORED,
    )
    TelegramUpdate.objects.filter(update_id=51).update(state=UpdateState.PARKED)
    TelegramUpdate.objects.filter(update_id=52).update(state=UpdateState.ERROR, error="bad")
    later = STORED + dt.timedelta(hours=1)
    # One look for stale updates, nothing more, on every round of every clock.
    with django_assert_num_queries(1):
        assert updates_stale_process(now=later) == {"stale_updates": 0}
    assert dict(TelegramUpdate.objects.values_list("update_id", "state")) == {
        51: UpdateState.PARKED,
        52: UpdateState.ERROR,
    }
    assert not Message.objects.exists()
