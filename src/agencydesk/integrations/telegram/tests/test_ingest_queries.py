"""Ingest's budget: an inbound Telegram message costs at most 10 statements (issue 10).

Keeping the update as it came costs one (the insert, which skips an update
stored already). Processing it, in a batch of its own, nine: the claim of the
batch, the chat (with its client and calendar), the sender's account (with, for
a sender not yet tied to a contact, the client's contact of that username), the
conversation found and its last moment moved, the message, the calendar, the
open commitments, the new ones and their audit rows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencydesk.commitments.models import Commitment
from agencydesk.core.tests.queries import data_statements
from agencydesk.integrations.telegram.inbound import updates_process_all, updates_store
from agencydesk.integrations.telegram.models import TelegramUpdate, TelegramUser
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.integrations.telegram.tests.test_inbound import GROUP, _link


def _counted(work) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return len(data_statements(captured)), result


@pytest.mark.parametrize(
    ("username", "is_contact"),
    [("gromov", True), ("someone_new", False)],
    ids=["a-contact", "a-sender-the-desk-does-not-know"],
)
def test_an_inbound_telegram_message(fake_api, process, client_acme, am, username, is_contact):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=5, chat_id=GROUP, message_id=2, text="Добрый день", username=username
        )
    )
    Commitment.objects.filter(kind="first_response").update(state="met")  # answered
    later = group_message(
        update_id=6,
        chat_id=GROUP,
        message_id=3,
        text="Когда будет отчёт?",
        username=username,
        date=1_767_600_060,
    )
    stored, new = _counted(lambda: updates_store(payloads=[later, later], at=timezone.now()))
    assert (stored, new) == (1, 1)
    again, repeated = _counted(lambda: updates_store(payloads=[later], at=timezone.now()))
    assert (again, repeated) == (1, 0)
    processed, taken = _counted(lambda: updates_process_all(at=timezone.now()))
    assert taken == 1
    assert stored + processed <= 10, (stored, processed)
    assert TelegramUpdate.objects.get(update_id=6).state == "done"
    assert set(Commitment.objects.filter(state="open").values_list("kind", flat=True)) == {
        "first_response",
        "question",
    }
    account = TelegramUser.objects.get(username=username)
    assert (account.contact is not None) == is_contact
