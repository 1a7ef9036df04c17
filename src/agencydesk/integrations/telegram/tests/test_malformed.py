"""Every update that comes with the right secret is kept, and Telegram gets its 200: none is redelivered forever."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from agencydesk.integrations.telegram.models import TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

from .conftest import GROUP

URL = "/api/v1/telegram/webhook"
HEADER = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "s3cret-webhook"}


def _post(body):
    data = body if isinstance(body, str) else json.dumps(body)
    return HttpClient(enforce_csrf_checks=True).post(
        URL, data, content_type="application/json", **HEADER
    )


def _with(update_id=1, **message_fields):
    update = group_message(update_id=update_id, chat_id=GROUP, message_id=1, text="Привет")
    update["message"].update(message_fields)
    return update


UNNUMBERED = [
    ("update_id of 2**63", {"update_id": 2**63, "message": {}}, "update_id"),
    ("update_id far too big", {"update_id": 10**30}, "update_id"),
    ("negative update_id", {"update_id": -1}, "update_id"),
    ("update_id as text", {"update_id": "abc"}, "update_id"),
    ("update_id true", {"update_id": True}, "update_id"),
    ("no update_id", {"message": {"text": "hi"}}, "no update_id"),
    ("a list", [1, 2, 3], "JSON list"),
    ("a number", 42, "JSON int"),
    ("null", None, "JSON NoneType"),
    ("not JSON", "{not json", "not JSON"),
]


@pytest.mark.parametrize(
    ("body", "reason"), [c[1:] for c in UNNUMBERED], ids=[c[0] for c in UNNUMBERED]
)
def test_an_update_without_a_usable_number_is_kept_failed_and_answered_200(
    fake_api, db, django_capture_on_commit_callbacks, body, reason
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(body)
    assert (response.status_code, response.json()) == (200, {"ok": True, "stored": 1})
    row = TelegramUpdate.objects.get()
    assert (row.update_id, row.state) == (None, "error")
    assert reason in row.error and row.processed_at is not None
    assert row.fingerprint
    # Telegram retrying the very same body stores nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(body).json() == {"ok": True, "stored": 0}
    assert TelegramUpdate.objects.count() == 1


MALFORMED = [
    ("chat id as text", _with(chat={"id": "abc", "type": "supergroup"}), "message.chat.id"),
    ("chat id of 2**70", _with(chat={"id": 2**70, "type": "supergroup"}), "message.chat.id"),
    ("no chat", _with(chat=None), "message.chat is not an object"),
    ("message is text", {"update_id": 1, "message": "hello"}, "message is not an object"),
    ("text is a number", _with(text=5), "message.text is not a string"),
    ("from is text", _with(**{"from": "me"}), "message.from is not an object"),
    ("message id as text", _with(message_id="7"), "message.message_id"),
    ("date as text", _with(date="today"), "message.date"),
    ("title is a list", _with(chat={"id": GROUP, "type": "supergroup", "title": ["x"]}), "title"),
    (
        "bot status missing",
        {"update_id": 1, "my_chat_member": {"chat": {"id": GROUP}, "new_chat_member": {}}},
        "status",
    ),
    (
        "edited channel post chat id as text",
        {"update_id": 1, "edited_channel_post": {"message_id": 1, "chat": {"id": "-100"}}},
        "edited_channel_post.chat.id",
    ),
]


@pytest.mark.parametrize(
    ("body", "reason"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_a_malformed_update_is_kept_with_its_reason_and_the_next_one_goes_through(
    fake_api, linked_group, django_capture_on_commit_callbacks, body, reason
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(body).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _post(group_message(update_id=2, chat_id=GROUP, message_id=9, text="Ок")).status_code
            == 200
        )
    bad = TelegramUpdate.objects.get(update_id=1)
    assert bad.state == "error" and reason in bad.error
    assert bad.payload == body  # kept as it came
    assert TelegramUpdate.objects.get(update_id=2).state == "done"
    assert list(Message.objects.values_list("text", flat=True)) == ["Ок"]


@pytest.mark.django_db(transaction=True)
def test_the_poller_keeps_malformed_updates_and_moves_on(fake_api, client_acme):
    from django.utils import timezone

    from agencydesk.integrations.telegram.models import TelegramChat
    from agencydesk.integrations.telegram.poller import poll

    TelegramChat.objects.create(
        chat_id=GROUP,
        type="supergroup",
        title="Acme",
        client=client_acme,
        first_seen_at=timezone.now(),
    )
    fake_api.push(
        {"update_id": 2**63, "message": {"text": "x"}},
        [1, 2],
        _with(update_id=5, chat={"id": "abc", "type": "supergroup"}),
        group_message(update_id=6, chat_id=GROUP, message_id=9, text="Ок"),
    )
    poll(timeout=0, exit_when_idle=True)
    rows = {(r.update_id, r.state) for r in TelegramUpdate.objects.all()}
    assert (
        rows == {(None, "error"), (5, "error"), (6, "done")} and TelegramUpdate.objects.count() == 4
    )
    assert Message.objects.get().text == "Ок"
    offsets = [p.get("offset") for m, p in fake_api.calls if m == "getUpdates"]
    assert offsets[-1] == 7  # confirmed to Telegram: nothing is fetched again
