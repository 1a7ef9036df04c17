"""Service messages and automatic forwards are timeline events: recorded, never a timer, never answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Commitment
from agencydesk.integrations.telegram.models import TelegramAttachment, TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message, OutboundMessage

from .conftest import GROUP

# Wednesday 4 March 2026, 12:00 in Moscow: a working moment, the acknowledgement would go out.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
DATE = int(NOW.timestamp())
ANNA = {"id": 801, "is_bot": False, "first_name": "Анна", "last_name": "Петрова"}
OLEG = {"id": 802, "is_bot": False, "first_name": "Oleg", "username": "oleg"}

SERVICE = [
    ("joined", {"new_chat_members": [ANNA]}, ANNA, "Анна Петрова joined the group"),
    ("added", {"new_chat_members": [ANNA]}, OLEG, "Oleg added Анна Петрова to the group"),
    ("left", {"left_chat_member": ANNA}, ANNA, "Анна Петрова left the group"),
    ("removed", {"left_chat_member": ANNA}, OLEG, "Oleg removed Анна Петрова from the group"),
    ("title", {"new_chat_title": "Acme 2026"}, OLEG, "Oleg renamed the group to “Acme 2026”"),
    (
        "photo",
        {"new_chat_photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        OLEG,
        "Oleg changed the group's photo",
    ),
    ("photo gone", {"delete_chat_photo": True}, OLEG, "Oleg removed the group's photo"),
    (
        "pinned",
        {"pinned_message": {"message_id": 3, "date": DATE, "chat": {"id": GROUP}, "text": "Бриф"}},
        OLEG,
        "Oleg pinned: “Бриф”",
    ),
    (
        "topic",
        {"forum_topic_created": {"name": "Design", "icon_color": 1}, "message_thread_id": 9},
        OLEG,
        "Oleg created the topic “Design”",
    ),
    (
        "topic renamed",
        {"forum_topic_edited": {"name": "Дизайн"}, "message_thread_id": 9},
        OLEG,
        "Oleg renamed the topic to “Дизайн”",
    ),
    (
        "topic closed",
        {"forum_topic_closed": {}, "message_thread_id": 9},
        OLEG,
        "Oleg closed the topic",
    ),
    (
        "topic reopened",
        {"forum_topic_reopened": {}, "message_thread_id": 9},
        OLEG,
        "Oleg reopened the topic",
    ),
    (
        "auto-delete",
        {"message_auto_delete_timer_changed": {"message_auto_delete_time": 86400}},
        OLEG,
        "Oleg set messages to be deleted after 24.0 h",
    ),
    (
        "video chat scheduled",
        {"video_chat_scheduled": {"start_date": DATE + 3600}},
        OLEG,
        "Oleg scheduled a video chat for 2026-03-04 10:00 UTC",
    ),
    ("video chat started", {"video_chat_started": {}}, OLEG, "Oleg started a video chat"),
    (
        "video chat ended",
        {"video_chat_ended": {"duration": 1800}},
        OLEG,
        "The video chat ended after 30 min",
    ),
    (
        "invited",
        {"video_chat_participants_invited": {"users": [ANNA]}},
        OLEG,
        "Oleg invited Анна Петрова to the video chat",
    ),
]


def _service(update_id: int, fields: dict, sender: dict) -> dict:
    update = group_message(
        update_id=update_id, chat_id=GROUP, message_id=100 + update_id, date=DATE, is_forum=True
    )
    message = update["message"]
    message["from"] = sender
    if "message_thread_id" in fields:
        message["is_topic_message"] = True
    message.update(fields)
    return update


@pytest.mark.parametrize(
    ("fields", "sender", "line"),
    [case[1:] for case in SERVICE],
    ids=[case[0] for case in SERVICE],
)
def test_a_service_message_is_a_timeline_event_and_never_a_timer(
    fake_api, process, linked_group, fields, sender, line
):
    with time_machine.travel(NOW, tick=False):
        process(_service(1, fields, sender))
    event = Message.objects.get()
    assert event.kind == "event" and event.text == line
    assert not event.needs_response and not event.is_question
    assert TelegramUpdate.objects.get().state == "done"
    # Ten minutes on, the desk's clock has nothing to acknowledge: nobody asked anything.
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        clock_tick(now=NOW + timedelta(minutes=10))
    assert Commitment.objects.count() == 0
    assert OutboundMessage.objects.count() == 0
    assert fake_api.sent == []


def test_an_event_answers_nothing_and_is_no_touch(fake_api, process, linked_group, am):
    from agencydesk.integrations.telegram.models import TelegramUser

    TelegramUser.objects.create(telegram_id=900, username="olga_am", user=am)
    with time_machine.travel(NOW, tick=False):
        process(
            group_message(
                update_id=1, chat_id=GROUP, message_id=1, date=DATE, text="Где макет?", user_id=77
            )
        )
        process(
            _service(
                2,
                {"pinned_message": {"message_id": 1, "date": DATE, "chat": {"id": GROUP}}},
                {"id": 900, "is_bot": False, "first_name": "Olga", "username": "olga_am"},
            )
        )
    # The AM pinning the question is not a reply: the client's timers stay open.
    assert set(Commitment.objects.values_list("kind", "state")) == {
        ("first_response", "open"),
        ("question", "open"),
    }
    assert not Commitment.objects.filter(kind="keep_in_touch").exists()


def test_an_automatic_forward_from_the_linked_channel_is_an_event_with_its_files(
    fake_api, process, linked_group
):
    update = group_message(
        update_id=1,
        chat_id=GROUP,
        message_id=5,
        date=DATE,
        user_id=777000,
        first_name="Telegram",
        extra={
            "is_automatic_forward": True,
            "sender_chat": {"id": -100999, "type": "channel", "title": "Acme News"},
            "caption": "Мы открылись!",
            "photo": [{"file_id": "ph", "file_unique_id": "ph1", "file_size": 5}],
        },
    )
    with time_machine.travel(NOW, tick=False):
        process(update)
        clock_tick(now=NOW + timedelta(minutes=10))
    event = Message.objects.get()
    assert event.kind == "event"
    assert event.text == "Posted in the linked channel: Мы открылись!"
    assert event.author_label == "Acme News"
    assert TelegramAttachment.objects.get(message=event).file_id == "ph"
    assert Commitment.objects.count() == 0 and OutboundMessage.objects.count() == 0


def test_events_are_written_in_the_account_managers_language(fake_api, process, linked_group, am):
    am.language = "ru"
    am.save(update_fields=["language"])
    with time_machine.travel(NOW, tick=False):
        process(_service(1, {"new_chat_members": [ANNA]}, ANNA))
    text = Message.objects.get().text
    assert "Анна Петрова" in text and text != "Анна Петрова joined the group"


def test_an_event_in_an_unlinked_group_waits_like_its_messages(fake_api, process, db):
    process(_service(1, {"new_chat_members": [ANNA]}, ANNA))
    assert TelegramUpdate.objects.get().state == "parked"
    assert Message.objects.count() == 0


def test_the_timeline_shows_events_as_lines_without_question_buttons(
    fake_api, process, linked_group, am, client
):
    with time_machine.travel(NOW, tick=False):
        process(_service(1, {"new_chat_members": [ANNA]}, ANNA))
    client.force_login(am)
    html = client.get(f"/clients/{linked_group.client_id}/messages/").content.decode()
    assert 'class="msg event"' in html and "Анна Петрова joined the group" in html
    assert "Mark as question" not in html


def test_an_event_cannot_be_marked_as_a_question(fake_api, process, linked_group, am, client):
    with time_machine.travel(NOW, tick=False):
        process(_service(1, {"new_chat_members": [ANNA]}, ANNA))
    event = Message.objects.get()
    client.force_login(am)
    client.post(
        f"/clients/{linked_group.client_id}/messages/{event.pk}/question/", {"is_question": "1"}
    )
    event.refresh_from_db()
    assert not event.is_question
    assert Commitment.objects.count() == 0
