"""Messages written by a chat rather than a person are recorded with the chat as their author."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencydesk.commitments.models import Commitment
from agencydesk.integrations.telegram.models import MessageVersion, TelegramChat, TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

from .conftest import GROUP

ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL = -1002222


def _anonymous(update_id, *, message_id, text, sender_chat, signature=None):
    extra = {"sender_chat": sender_chat}
    if signature:
        extra["author_signature"] = signature
    update = group_message(
        update_id=update_id,
        chat_id=GROUP,
        message_id=message_id,
        text=text,
        is_forum=True,
        extra=extra,
    )
    update["message"]["from"] = ANONYMOUS_BOT
    return update


def test_an_anonymous_administrator_of_the_clients_group_is_the_clients_side(
    fake_api, process, linked_group
):
    process(
        _anonymous(
            1,
            message_id=10,
            text="Когда будет отчёт?",
            sender_chat={"id": GROUP, "type": "supergroup", "title": "Acme × Agency"},
            signature="Маркетинг",
        )
    )
    message = Message.objects.get()
    assert (message.direction, message.author_label) == ("in", "Acme × Agency · Маркетинг")
    assert message.author_contact is None and message.author_user is None
    # Unanswered, it is a client's question like any other.
    assert set(Commitment.objects.values_list("kind", flat=True)) == {"first_response", "question"}
    assert TelegramUpdate.objects.get().state == "done"


def test_a_channel_writing_in_the_group_is_its_author(fake_api, process, linked_group):
    process(
        _anonymous(
            1,
            message_id=11,
            text="Новый пост",
            sender_chat={"id": CHANNEL, "type": "channel", "title": "Acme News"},
        )
    )
    assert Message.objects.get().author_label == "Acme News"


def _channel_post(update_id, *, message_id, text, edited=False, edit_date=None):
    message = {
        "message_id": message_id,
        "date": 1_767_600_000,
        "chat": {"id": CHANNEL, "type": "channel", "title": "Acme News"},
        "sender_chat": {"id": CHANNEL, "type": "channel", "title": "Acme News"},
        "text": text,
    }
    if edited:
        message["edit_date"] = edit_date
    return {"update_id": update_id, "edited_channel_post" if edited else "channel_post": message}


def test_a_channel_post_is_kept_for_an_administrator_then_recorded_without_a_timer(
    fake_api, process, client_acme, director, django_capture_on_commit_callbacks
):
    from agencydesk.integrations.telegram.assigning import chat_assign

    process(_channel_post(1, message_id=1, text="Запускаем акцию"))
    assert TelegramUpdate.objects.get().state == "parked"  # not done without a record
    chat = TelegramChat.objects.get(chat_id=CHANNEL)
    assert chat.type == "channel"
    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=chat, client=client_acme, by=director, at=timezone.now())
    post = Message.objects.get()
    assert (post.text, post.author_label, post.direction) == ("Запускаем акцию", "Acme News", "in")
    assert not post.needs_response  # a broadcast: nobody waits for an answer
    assert Commitment.objects.filter(kind="first_response").count() == 0
    process(
        _channel_post(
            2, message_id=1, text="Запускаем акцию!", edited=True, edit_date=1_767_600_500
        )
    )
    assert list(MessageVersion.objects.values_list("text", flat=True)) == ["Запускаем акцию!"]
    assert set(TelegramUpdate.objects.values_list("state", flat=True)) == {"done"}


def _business(update_id, *, message_id, sender, text, edited=False):
    message = {
        "business_connection_id": "conn-1",
        "message_id": message_id,
        "date": 1_767_600_000,
        "chat": {"id": 77, "type": "private", "first_name": "Алексей", "username": "gromov"},
        "from": sender,
        "text": text,
    }
    if edited:
        message["edit_date"] = 1_767_600_100
    return {
        "update_id": update_id,
        "edited_business_message" if edited else "business_message": message,
    }


CUSTOMER = {"id": 77, "is_bot": False, "first_name": "Алексей", "username": "gromov"}
OWNER = {"id": 900, "is_bot": False, "first_name": "Olga", "username": "olga_business"}


def test_business_messages_are_recorded_with_their_side(fake_api, process, client_acme):
    process(
        _business(1, message_id=5, sender=CUSTOMER, text="Добрый день, есть вопрос?"),
        _business(2, message_id=6, sender=OWNER, text="Да, слушаю"),
        _business(3, message_id=5, sender=CUSTOMER, text="Добрый день, есть вопрос!", edited=True),
    )
    question, answer = Message.objects.order_by("pk")
    assert (question.direction, question.author_contact.name) == ("in", "Алексей Громов")
    assert question.external_id == "b:77:5"
    assert (answer.direction, answer.author_label) == ("out", "@olga_business")
    assert question.conversation == answer.conversation
    # The owner of the business account answered: the first response is met.
    assert question.commitments.get(kind="first_response").state == "met"
    assert MessageVersion.objects.get(message=question).text == "Добрый день, есть вопрос!"
    assert set(TelegramUpdate.objects.values_list("state", flat=True)) == {"done"}


def test_a_command_in_a_business_chat_is_not_for_the_bot(fake_api, process, client_acme):
    process(_business(1, message_id=5, sender=CUSTOMER, text="/start"))
    assert Message.objects.get().text == "/start"


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "message_reaction": {"chat": {"id": GROUP}}},
        {"update_id": 1, "poll_answer": {"poll_id": "p"}},
    ],
)
def test_an_update_nobody_records_says_so(fake_api, process, db, update):
    process(update)
    row = TelegramUpdate.objects.get()
    assert row.state == "skipped" and "not recorded" in row.error


def test_another_bots_message_is_skipped_with_a_reason(fake_api, process, linked_group):
    update = group_message(update_id=1, chat_id=GROUP, message_id=1, text="ping")
    update["message"]["from"]["is_bot"] = True
    process(update)
    row = TelegramUpdate.objects.get()
    assert row.state == "skipped" and "bot" in row.error
    assert Message.objects.count() == 0
