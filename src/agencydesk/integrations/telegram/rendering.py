"""What a Telegram message says, in words: its text, its files, what a sticker or a poll shows,
and the line a service message (someone joined, a message was pinned) leaves on the timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

# Telegram sends an animation as ``document`` too (same file): animation first, so it wins.
ATTACHMENT_KINDS = (
    "animation",
    "document",
    "photo",
    "video",
    "video_note",
    "audio",
    "voice",
    "sticker",
)
# Telegram gives no mime type for these; the file's format is fixed by the kind.
STICKER_TYPES = {"is_animated": "application/x-tgsticker", "is_video": "video/webm"}
FIXED_TYPES = {"video_note": "video/mp4", "sticker": "image/webp"}


def _text(value: Any, limit: int = 255) -> str:
    return value[:limit] if isinstance(value, str) else ""


def full_name(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    return " ".join(
        part for part in (_text(data.get("first_name")), _text(data.get("last_name"))) if part
    )


def person(data: Any) -> str:
    """How a Telegram account is named on the timeline: its name, else its @username."""
    if not isinstance(data, dict):
        return _("someone")
    name = full_name(data)
    if name:
        return name
    username = _text(data.get("username"))
    return f"@{username}" if username else _("someone")


def _mime(kind: str, item: dict[str, Any]) -> str:
    given = _text(item.get("mime_type"), 100)
    if given:
        return given
    if kind == "sticker":
        for flag, mime in STICKER_TYPES.items():
            if item.get(flag):
                return mime
    return FIXED_TYPES.get(kind, "")


def attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file the message offers, once each (by ``file_unique_id``)."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kind in ATTACHMENT_KINDS:
        item = message.get(kind)
        if kind == "photo" and isinstance(item, list):
            sizes = [size for size in item if isinstance(size, dict)]
            item = max(sizes, key=lambda size: size.get("file_size") or 0) if sizes else None
        if not isinstance(item, dict) or not isinstance(item.get("file_id"), str):
            continue
        unique = _text(item.get("file_unique_id"), 128) or item["file_id"][:128]
        if unique in seen:
            continue
        seen.add(unique)
        size = item.get("file_size")
        found.append(
            {
                "kind": kind,
                "file_id": item["file_id"][:255],
                "file_unique_id": unique,
                "file_name": _text(item.get("file_name")),
                "mime_type": _mime(kind, item),
                "size": size if isinstance(size, int) and 0 <= size < 2**63 else None,
            }
        )
    return found


def _labels() -> dict[str, str]:
    return {
        "document": _("(document)"),
        "photo": _("(photo)"),
        "video": _("(video)"),
        "video_note": _("(video message)"),
        "audio": _("(audio)"),
        "voice": _("(voice message)"),
        "animation": _("(GIF)"),
        "sticker": _("(sticker)"),
    }


def placeholder(files: list[dict[str, Any]]) -> str:
    labels = _labels()
    parts = [f"{labels[item['kind']]} {item['file_name']}".strip() for item in files]
    return " ".join(parts) or _("(a message without text)")


def _coordinates(location: Any) -> str:
    if not isinstance(location, dict):
        return ""
    lat, lon = location.get("latitude"), location.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return ""
    return f"{lat:.6f}, {lon:.6f}"


def _content(message: dict[str, Any]) -> str:
    """The words for a message that has no text of its own, or ""."""
    venue = message.get("venue")
    if isinstance(venue, dict):
        place = ", ".join(p for p in (_text(venue.get("title")), _text(venue.get("address"))) if p)
        return f"📍 {place or _coordinates(venue.get('location'))}".strip()
    location = message.get("location")
    if isinstance(location, dict):
        where = _coordinates(location)
        if location.get("live_period"):
            return _("📍 Live location: %(where)s") % {"where": where}
        return f"📍 {where}"
    contact = message.get("contact")
    if isinstance(contact, dict):
        name = full_name(contact) or _("a contact")
        phone = _text(contact.get("phone_number"), 40)
        return (
            _("👤 Contact: %(name)s, %(phone)s") % {"name": name, "phone": phone}
            if phone
            else (_("👤 Contact: %(name)s") % {"name": name})
        )
    poll = message.get("poll")
    if isinstance(poll, dict):
        options = [
            _text(option.get("text"), 100)
            for option in poll.get("options") or []
            if isinstance(option, dict)
        ]
        lines = [_("📊 Poll: %(question)s") % {"question": _text(poll.get("question"), 300)}]
        lines += [f"• {option}" for option in options if option]
        return "\n".join(lines)
    dice = message.get("dice")
    if isinstance(dice, dict):
        emoji = _text(dice.get("emoji"), 8) or "🎲"
        value = dice.get("value")
        return f"{emoji} {value}" if isinstance(value, int) else emoji
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        emoji = _text(sticker.get("emoji"), 16)
        return _("%(emoji)s (sticker)") % {"emoji": emoji} if emoji else _("(sticker)")
    story = message.get("story")
    if isinstance(story, dict):
        chat = story.get("chat")
        title = _text(chat.get("title")) if isinstance(chat, dict) else ""
        name = title or person(chat)
        return _("(a story of %(name)s)") % {"name": name}
    game = message.get("game")
    if isinstance(game, dict):
        return _("🎮 Game: %(title)s") % {"title": _text(game.get("title"))}
    return ""


def message_text(message: dict[str, Any], files: list[dict[str, Any]]) -> str:
    """What the timeline shows of a message: its text or caption, else what it shows in words."""
    text = message.get("text") or message.get("caption")
    if isinstance(text, str) and text:
        return text
    return _content(message) or placeholder(files)


def _moment(value: Any) -> str:
    if not isinstance(value, int) or not 0 < value < 2**40:
        return ""
    return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _members(message: dict[str, Any], actor: str, actor_id: Any) -> str:
    users = [u for u in message["new_chat_members"] if isinstance(u, dict)]
    names = ", ".join(person(u) for u in users)
    if len(users) == 1 and users[0].get("id") == actor_id:
        return _("%(name)s joined the group") % {"name": names}
    return _("%(actor)s added %(names)s to the group") % {"actor": actor, "names": names}


def _left(message: dict[str, Any], actor: str, actor_id: Any) -> str:
    gone = message["left_chat_member"]
    name = person(gone)
    if isinstance(gone, dict) and gone.get("id") == actor_id:
        return _("%(name)s left the group") % {"name": name}
    return _("%(actor)s removed %(name)s from the group") % {"actor": actor, "name": name}


def _pinned(message: dict[str, Any], actor: str) -> str:
    pinned = message["pinned_message"]
    said = ""
    if isinstance(pinned, dict):
        said = _text(pinned.get("text") or pinned.get("caption"), 200) or _content(pinned)
    if said:
        return _("%(actor)s pinned: “%(text)s”") % {"actor": actor, "text": said}
    return _("%(actor)s pinned a message") % {"actor": actor}


def _auto_delete(message: dict[str, Any], actor: str) -> str:
    data = message["message_auto_delete_timer_changed"]
    seconds = data.get("message_auto_delete_time") if isinstance(data, dict) else None
    if not seconds:
        return _("%(actor)s turned off auto-delete of messages") % {"actor": actor}
    return _("%(actor)s set messages to be deleted after %(hours)s h") % {
        "actor": actor,
        "hours": round(seconds / 3600, 1) if isinstance(seconds, int) else "?",
    }


def _topic(message: dict[str, Any], key: str, actor: str) -> str:
    data = message[key] if isinstance(message[key], dict) else {}
    name = _text(data.get("name"), 128)
    if key == "forum_topic_created":
        return _("%(actor)s created the topic “%(name)s”") % {"actor": actor, "name": name}
    if key == "forum_topic_edited":
        if name:
            return _("%(actor)s renamed the topic to “%(name)s”") % {"actor": actor, "name": name}
        return _("%(actor)s changed the topic's icon") % {"actor": actor}
    if key == "forum_topic_closed":
        return _("%(actor)s closed the topic") % {"actor": actor}
    return _("%(actor)s reopened the topic") % {"actor": actor}


def _video_chat(message: dict[str, Any], key: str, actor: str) -> str:
    data = message[key] if isinstance(message[key], dict) else {}
    if key == "video_chat_scheduled":
        return _("%(actor)s scheduled a video chat for %(when)s") % {
            "actor": actor,
            "when": _moment(data.get("start_date")) or "?",
        }
    if key == "video_chat_started":
        return _("%(actor)s started a video chat") % {"actor": actor}
    if key == "video_chat_ended":
        duration = data.get("duration")
        minutes = duration // 60 if isinstance(duration, int) else 0
        return _("The video chat ended after %(minutes)s min") % {"minutes": minutes}
    users = [u for u in data.get("users") or [] if isinstance(u, dict)]
    return _("%(actor)s invited %(names)s to the video chat") % {
        "actor": actor,
        "names": ", ".join(person(u) for u in users),
    }


TOPIC_KEYS = (
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
)
VIDEO_CHAT_KEYS = (
    "video_chat_scheduled",
    "video_chat_started",
    "video_chat_ended",
    "video_chat_participants_invited",
)
# Service messages with nothing more to say than that they happened.
PLAIN_KEYS = (
    "group_chat_created",
    "supergroup_chat_created",
    "channel_chat_created",
    "general_forum_topic_hidden",
    "general_forum_topic_unhidden",
    "migrate_from_chat_id",
    "write_access_allowed",
    "boost_added",
    "chat_background_set",
    "users_shared",
    "chat_shared",
    "proximity_alert_triggered",
    "giveaway_created",
    "giveaway_completed",
    "connected_website",
)
SERVICE_KEYS = (
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "pinned_message",
    "message_auto_delete_timer_changed",
    *TOPIC_KEYS,
    *VIDEO_CHAT_KEYS,
    *PLAIN_KEYS,
)


def service_key(message: dict[str, Any]) -> str:
    """The service field of a message (someone joined, a topic was created…), or ""."""
    return next((key for key in SERVICE_KEYS if key in message), "")


def _plain(key: str, actor: str) -> str:
    lines = {
        "group_chat_created": _("%(actor)s created the group"),
        "supergroup_chat_created": _("%(actor)s created the group"),
        "channel_chat_created": _("%(actor)s created the channel"),
        "general_forum_topic_hidden": _("%(actor)s hid the General topic"),
        "general_forum_topic_unhidden": _("%(actor)s showed the General topic again"),
        "migrate_from_chat_id": _("The group was upgraded to a supergroup"),
    }
    line = lines.get(key) or _("Telegram: %(what)s") % {"what": key.replace("_", " ")}
    return line % {"actor": actor} if "%(actor)s" in line else line


def service_line(message: dict[str, Any], key: str) -> str:
    """The timeline line of a service message, in the active language."""
    sender = message.get("sender_chat") or message.get("from")
    actor = (
        _text(sender.get("title"))
        if isinstance(sender, dict) and sender.get("title")
        else person(sender)
    )
    actor_id = sender.get("id") if isinstance(sender, dict) else None
    if key == "new_chat_members":
        return _members(message, actor, actor_id)
    if key == "left_chat_member":
        return _left(message, actor, actor_id)
    if key == "new_chat_title":
        return _("%(actor)s renamed the group to “%(title)s”") % {
            "actor": actor,
            "title": _text(message[key]),
        }
    if key == "new_chat_photo":
        return _("%(actor)s changed the group's photo") % {"actor": actor}
    if key == "delete_chat_photo":
        return _("%(actor)s removed the group's photo") % {"actor": actor}
    if key == "pinned_message":
        return _pinned(message, actor)
    if key == "message_auto_delete_timer_changed":
        return _auto_delete(message, actor)
    if key in TOPIC_KEYS:
        return _topic(message, key, actor)
    if key in VIDEO_CHAT_KEYS:
        return _video_chat(message, key, actor)
    return _plain(key, actor)
