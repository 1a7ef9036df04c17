"""Inbound: updates stored raw, processed into the client's conversations, deduplicated, never dropped."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencydesk.integrations.telegram.assigning import chat_assign
from agencydesk.integrations.telegram.choices import UpdateState
from agencydesk.integrations.telegram.models import (
    MessageVersion,
    TelegramAttachment,
    TelegramChat,
    TelegramReply,
    TelegramTopic,
    TelegramUpdate,
)
from agencydesk.integrations.telegram.services import link_code_create
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

GROUP = -1001234


def _link(process, client, am, *, update_id=1, is_forum=True):
    code = link_code_create(client=client, by=am, at=timezone.now())
    process(
        group_message(
            update_id=update_id,
            chat_id=GROUP,
            message_id=1,
            is_forum=is_forum,
            text=f"/link {code.code.lower()}",
            title="Acme × Agency",
        )
    )
    return code


def test_link_code_ties_the_group_to_the_client_and_the_bot_confirms(
    fake_api, process, client_acme, am
):
    code = _link(process, client_acme, am)

    chat = TelegramChat.objects.get(chat_id=GROUP)
    assert chat.client == client_acme
    code.refresh_from_db()
    assert code.used_at is not None and code.used_in == chat
    assert Message.objects.count() == 0  # the command itself is not a client message
    [confirmation] = fake_api.sent
    assert confirmation.chat_id == GROUP
    assert "Acme" in confirmation.text


def test_a_used_or_unknown_code_links_nothing(fake_api, process, client_acme, am):
    code = _link(process, client_acme, am)
    process(group_message(update_id=2, chat_id=-1009, message_id=1, text=f"/link {code.code}"))
    process(group_message(update_id=3, chat_id=-1008, message_id=1, text="/link NOPE1234"))
    assert TelegramChat.objects.filter(client__isnull=False).count() == 1
    assert len(fake_api.sent_to(-1009)) == 1 and "unknown" in fake_api.sent_to(-1009)[0].text


def test_messages_land_in_the_topic_conversation_with_their_author(
    fake_api, process, client_acme, am
):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=2,
            chat_id=GROUP,
            message_id=10,
            thread_id=7,
            is_forum=True,
            text="",
            extra={"forum_topic_created": {"name": "Дизайн"}},
        ),
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=11,
            thread_id=7,
            is_forum=True,
            text="Нужен новый баннер",
            user_id=77,
            username="Gromov",
        ),
        group_message(
            update_id=4,
            chat_id=GROUP,
            message_id=12,
            is_forum=True,
            text="Общий вопрос?",
            user_id=77,
        ),
    )
    assert TelegramTopic.objects.get(thread_id=7).topic == "design"
    design = Message.objects.get(external_id=f"{GROUP}:11")
    assert design.conversation.external_key == f"{GROUP}:7"
    assert design.conversation.topic == "design"
    assert design.author_contact.name == "Алексей Громов"
    assert design.needs_response and design.direction == "in"
    general = Message.objects.get(external_id=f"{GROUP}:12")
    assert general.conversation.external_key == str(GROUP)
    assert general.conversation.topic == "general"
    # Known by user id now: a renamed account is still the same contact.
    assert general.author_contact == design.author_contact
    assert general.is_question


def test_the_same_update_twice_records_one_message(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    update = group_message(update_id=5, chat_id=GROUP, message_id=20, text="Привет")
    process(update)
    process(update)
    # Even a second update id for the same message (a resend) is one message.
    process({**update, "update_id": 6})
    assert TelegramUpdate.objects.filter(update_id=5).count() == 1
    assert Message.objects.filter(external_id=f"{GROUP}:20").count() == 1


def test_an_edit_is_kept_as_a_version_and_the_first_text_stays(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    process(group_message(update_id=2, chat_id=GROUP, message_id=30, text="Бюджет 100"))
    process(
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=30,
            text="Бюджет 50",
            edited=True,
            edit_date=1_767_600_100,
        )
    )
    message = Message.objects.get(external_id=f"{GROUP}:30")
    assert message.text == "Бюджет 100"
    assert list(MessageVersion.objects.filter(message=message).values_list("text", flat=True)) == [
        "Бюджет 50"
    ]


def test_captions_documents_photos_and_replies(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=2,
            chat_id=GROUP,
            message_id=40,
            extra={
                "caption": "Договор на подпись",
                "document": {
                    "file_id": "F1",
                    "file_unique_id": "U1",
                    "file_name": "contract.pdf",
                    "mime_type": "application/pdf",
                    "file_size": 1200,
                },
            },
        ),
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=41,
            extra={
                "photo": [
                    {"file_id": "small", "file_unique_id": "P1", "file_size": 10},
                    {"file_id": "big", "file_unique_id": "P2", "file_size": 900},
                ]
            },
        ),
        group_message(
            update_id=4,
            chat_id=GROUP,
            message_id=42,
            text="Подписали",
            extra={
                "reply_to_message": {
                    "message_id": 40,
                    "date": 1_767_600_000,
                    "chat": {"id": GROUP, "type": "supergroup"},
                    "caption": "Договор на подпись",
                }
            },
        ),
    )
    document = Message.objects.get(external_id=f"{GROUP}:40")
    assert document.text == "Договор на подпись"
    [record] = TelegramAttachment.objects.filter(message=document)
    assert (record.kind, record.file_name, record.size) == ("document", "contract.pdf", 1200)
    assert document.attachments == [f"/telegram/files/{record.pk}/"]
    photo = Message.objects.get(external_id=f"{GROUP}:41")
    assert photo.text == "(photo)"
    assert TelegramAttachment.objects.get(message=photo).file_id == "big"
    reply = TelegramReply.objects.get(message__external_id=f"{GROUP}:42")
    assert reply.reply_to == document and reply.excerpt == "Договор на подпись"


def test_an_unlinked_chat_is_kept_and_replayed_when_an_admin_assigns_it(
    fake_api, process, client_acme, director, django_capture_on_commit_callbacks
):
    process(
        group_message(
            update_id=1, chat_id=-555, message_id=1, text="Есть кто?", title="Новый клиент"
        )
    )
    chat = TelegramChat.objects.get(chat_id=-555)
    assert chat.client is None
    assert TelegramUpdate.objects.get(update_id=1).state == UpdateState.PARKED
    assert Message.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=chat, client=client_acme, by=director, at=timezone.now())

    assert TelegramUpdate.objects.get(update_id=1).state == UpdateState.DONE
    message = Message.objects.get()
    assert (message.client, message.text) == (client_acme, "Есть кто?")
    assert message.conversation.title == "Новый клиент"


def test_only_directors_assign_chats(fake_api, process, client_acme, am):
    from django.core.exceptions import PermissionDenied

    process(group_message(update_id=1, chat_id=-555, message_id=1, text="Есть кто?"))
    with pytest.raises(PermissionDenied):
        chat_assign(chat=TelegramChat.objects.get(), client=client_acme, by=am, at=timezone.now())


def test_a_private_chat_with_a_known_contact_belongs_to_the_contacts_client(
    fake_api, process, client_acme
):
    process(
        group_message(
            update_id=1,
            chat_id=77,
            chat_type="private",
            message_id=1,
            user_id=77,
            username="gromov",
            text="Можно созвониться?",
        )
    )
    chat = TelegramChat.objects.get(chat_id=77)
    assert chat.client == client_acme
    message = Message.objects.get()
    assert message.author_contact.name == "Алексей Громов"
    assert message.conversation.external_key == "77"


def test_an_agency_member_writing_in_the_group_answers_the_client(
    fake_api, process, client_acme, am
):
    from agencydesk.integrations.telegram.models import TelegramUser

    _link(process, client_acme, am)
    process(
        group_message(update_id=2, chat_id=GROUP, message_id=50, text="Когда макет?", user_id=77)
    )
    TelegramUser.objects.create(telegram_id=900, username="olga_am", user=am)
    process(
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=51,
            text="Сегодня к 18:00",
            user_id=900,
            username="olga_am",
        )
    )
    answer = Message.objects.get(external_id=f"{GROUP}:51")
    assert (answer.direction, answer.author_user) == ("out", am)
    first = Message.objects.get(external_id=f"{GROUP}:50").commitments.get(kind="first_response")
    assert first.state == "met"


def test_a_failing_update_is_marked_and_the_rest_go_on(
    fake_api, process, client_acme, am, monkeypatch
):
    from agencydesk.integrations.telegram import inbound

    _link(process, client_acme, am)
    real = inbound._record

    def flaky(chat, message, tg_user, **kwargs):
        if message["message_id"] == 61:
            raise RuntimeError("boom")
        return real(chat, message, tg_user, **kwargs)

    monkeypatch.setattr(inbound, "_record", flaky)
    process(
        group_message(update_id=2, chat_id=GROUP, message_id=61, text="a"),
        group_message(update_id=3, chat_id=GROUP, message_id=62, text="b"),
    )
    failed = TelegramUpdate.objects.get(update_id=2)
    assert failed.state == UpdateState.ERROR and "boom" in failed.error
    assert Message.objects.filter(external_id=f"{GROUP}:62").exists()


def test_topics_command_creates_the_standard_topics_in_the_clients_language(
    fake_api, process, client_acme, am
):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=2, chat_id=GROUP, message_id=2, is_forum=True, text="/topics@desk_bot"
        )
    )
    assert [name for chat, name, thread in fake_api.topics] == [
        "Дизайн",
        "Тексты",
        "Документы",
        "Общие вопросы",
        "Идеи и запросы",
    ]
    assert set(TelegramTopic.objects.values_list("topic", flat=True)) == {
        "design",
        "texts",
        "documents",
        "general",
        "ideas",
    }
    process(group_message(update_id=3, chat_id=GROUP, message_id=3, is_forum=True, text="/topics"))
    assert len(fake_api.topics) == 5  # nothing twice


def test_topics_command_without_the_right_says_what_to_do(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    fake_api.no_topic_rights.add(GROUP)
    process(group_message(update_id=2, chat_id=GROUP, message_id=2, is_forum=True, text="/topics"))
    assert fake_api.topics == []
    assert "administrator" in fake_api.sent_to(GROUP)[-1].text


def test_an_edit_back_to_an_earlier_text_is_a_version_too(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    process(
        group_message(update_id=2, chat_id=GROUP, message_id=30, text="A"),
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=30,
            text="B",
            edited=True,
            edit_date=1_767_600_100,
        ),
        group_message(
            update_id=4,
            chat_id=GROUP,
            message_id=30,
            text="A",
            edited=True,
            edit_date=1_767_600_200,
        ),
        group_message(
            update_id=5,
            chat_id=GROUP,
            message_id=30,
            text="A",
            edited=True,
            edit_date=1_767_600_300,
        ),  # only the reactions changed: no new version
    )
    message = Message.objects.get(external_id=f"{GROUP}:30")
    assert list(message.telegram_versions.values_list("text", flat=True)) == ["B", "A"]


def test_a_group_upgraded_to_a_supergroup_stays_with_its_client(fake_api, process, client_acme, am):
    _link(process, client_acme, am)
    process(
        group_message(
            update_id=2,
            chat_id=GROUP,
            message_id=5,
            chat_type="group",
            extra={"migrate_to_chat_id": -100777},
        ),
        group_message(update_id=3, chat_id=-100777, message_id=1, text="Мы теперь тут"),
    )
    assert TelegramChat.objects.get(chat_id=-100777).client == client_acme
    assert Message.objects.get().conversation.external_key == "-100777"


def test_a_bare_start_is_not_a_message_and_asks_nothing(fake_api, process, client_acme):
    process(
        group_message(
            update_id=1,
            chat_id=77,
            chat_type="private",
            message_id=1,
            user_id=77,
            username="gromov",
            text="/start",
        )
    )
    assert TelegramChat.objects.get(chat_id=77).client == client_acme
    assert Message.objects.count() == 0
    assert fake_api.sent == []
