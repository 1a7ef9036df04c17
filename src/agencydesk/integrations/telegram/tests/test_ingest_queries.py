"""Ingest's budget: recording an inbound Telegram message costs at most 10 statements.

A lone update, processed in a batch of its own: the claim of the batch, the
chat, the sender's account, the conversation, the message, the conversation's
last moment, the calendar, the open commitments, the new ones and their audit
rows. Keeping the update as it came, before that, costs two more (is it known
already, and the insert).
"""

from __future__ import annotations

from django.utils import timezone

from agencydesk.commitments.models import Commitment
from agencydesk.core.tests.queries import at_most
from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store
from agencydesk.integrations.telegram.models import TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.integrations.telegram.tests.test_inbound import GROUP, _link


def test_an_inbound_telegram_message(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=5, chat_id=GROUP, message_id=2, text="Добрый день", username="gromov"
        )
    )
    Commitment.objects.filter(kind="first_response").update(state="met")  # answered
    later = group_message(
        update_id=6,
        chat_id=GROUP,
        message_id=3,
        text="Когда будет отчёт?",
        username="gromov",
        date=1_767_600_060,
    )
    with at_most(2):
        assert updates_store(payloads=[later, later], at=timezone.now()) == 1
    with at_most(2):
        assert updates_store(payloads=[later], at=timezone.now()) == 0
    with at_most(10):
        assert updates_process_all(at=timezone.now()) == 1
    assert TelegramUpdate.objects.get(update_id=6).state == "done"
    assert set(Commitment.objects.filter(state="open").values_list("kind", flat=True)) == {
        "first_response",
        "question",
    }
