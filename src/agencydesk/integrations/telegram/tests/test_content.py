"""A message without text says what it shows, and every file Telegram offers is kept."""

from __future__ import annotations

import pytest

from agencydesk.integrations.telegram.models import TelegramAttachment
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

from .conftest import GROUP

CONTENT = [
    (
        "sticker",
        {
            "sticker": {
                "file_id": "S1",
                "file_unique_id": "US1",
                "type": "regular",
                "emoji": "👍",
                "is_animated": False,
                "is_video": False,
                "width": 512,
                "height": 512,
                "file_size": 2000,
            }
        },
        "👍 (sticker)",
        [("sticker", "S1", "image/webp")],
    ),
    (
        "location",
        {"location": {"latitude": 55.751244, "longitude": 37.618423}},
        "📍 55.751244, 37.618423",
        [],
    ),
    (
        "live location",
        {"location": {"latitude": 55.75, "longitude": 37.62, "live_period": 900}},
        "📍 Live location: 55.750000, 37.620000",
        [],
    ),
    (
        "venue",
        {
            "venue": {
                "location": {"latitude": 55.75, "longitude": 37.62},
                "title": "Офис Acme",
                "address": "Тверская, 1",
            },
            "location": {"latitude": 55.75, "longitude": 37.62},
        },
        "📍 Офис Acme, Тверская, 1",
        [],
    ),
    (
        "contact",
        {
            "contact": {
                "phone_number": "+79001234567",
                "first_name": "Ирина",
                "last_name": "Соколова",
            }
        },
        "👤 Contact: Ирина Соколова, +79001234567",
        [],
    ),
    (
        "poll",
        {
            "poll": {
                "id": "1",
                "question": "Какой баннер?",
                "options": [
                    {"text": "Синий", "voter_count": 0},
                    {"text": "Красный", "voter_count": 0},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            }
        },
        "📊 Poll: Какой баннер?\n• Синий\n• Красный",
        [],
    ),
    ("dice", {"dice": {"emoji": "🎲", "value": 4}}, "🎲 4", []),
    ("darts", {"dice": {"emoji": "🎯", "value": 6}}, "🎯 6", []),
    (
        "video note",
        {
            "video_note": {
                "file_id": "VN1",
                "file_unique_id": "UVN1",
                "length": 240,
                "duration": 12,
                "file_size": 90000,
            }
        },
        "(video message)",
        [("video_note", "VN1", "video/mp4")],
    ),
    (
        "animation",
        {
            # Telegram sends an animation as a document too: one file, kept once.
            "animation": {
                "file_id": "A1",
                "file_unique_id": "UA1",
                "width": 1,
                "height": 1,
                "duration": 2,
                "file_name": "hello.mp4",
                "mime_type": "video/mp4",
            },
            "document": {
                "file_id": "A1",
                "file_unique_id": "UA1",
                "file_name": "hello.mp4",
                "mime_type": "video/mp4",
            },
        },
        "(GIF) hello.mp4",
        [("animation", "A1", "video/mp4")],
    ),
    (
        "story",
        {"story": {"chat": {"id": 5, "type": "channel", "title": "Acme News"}, "id": 3}},
        "(a story of Acme News)",
        [],
    ),
]


@pytest.mark.parametrize(
    ("extra", "text", "files"), [case[1:] for case in CONTENT], ids=[case[0] for case in CONTENT]
)
def test_a_message_without_text_says_what_it_shows_and_keeps_its_files(
    fake_api, process, linked_group, extra, text, files
):
    process(group_message(update_id=1, chat_id=GROUP, message_id=7, extra=extra))
    message = Message.objects.get()
    assert message.text == text
    kept = list(
        TelegramAttachment.objects.filter(message=message).values_list(
            "kind", "file_id", "mime_type"
        )
    )
    assert kept == files
    assert len(message.attachments) == len(files)


def test_a_kept_video_note_can_be_downloaded(fake_api, process, linked_group, am, client):
    fake_api.files["VN1"] = b"\x00\x00\x00\x18ftypmp42"
    process(
        group_message(
            update_id=1,
            chat_id=GROUP,
            message_id=7,
            extra={
                "video_note": {
                    "file_id": "VN1",
                    "file_unique_id": "UVN1",
                    "length": 240,
                    "duration": 1,
                }
            },
        )
    )
    client.force_login(am)
    response = client.get(Message.objects.get().attachments[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response.content == b"\x00\x00\x00\x18ftypmp42"


def test_a_caption_still_wins_over_the_rendering(fake_api, process, linked_group):
    process(
        group_message(
            update_id=1,
            chat_id=GROUP,
            message_id=7,
            extra={"caption": "Смотрите", "video_note": {"file_id": "V", "file_unique_id": "U"}},
        )
    )
    assert Message.objects.get().text == "Смотрите"


def test_fields_of_the_wrong_type_inside_a_rendering_do_not_break_it(
    fake_api, process, linked_group
):
    process(
        group_message(
            update_id=1,
            chat_id=GROUP,
            message_id=7,
            extra={"poll": {"question": 5, "options": "nope"}, "photo": "big"},
        )
    )
    assert Message.objects.get().text == "📊 Poll: "
