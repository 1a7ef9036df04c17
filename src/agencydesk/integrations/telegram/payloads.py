"""Is an update well formed enough to process? Checked before it is stored, so a bad one is kept
with its reason instead of failing the webhook (and being redelivered by Telegram forever).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

# The ids Telegram uses fit a signed 64-bit integer; the database column is one.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1
MESSAGE_KEYS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
TEXT_FIELDS = ("text", "caption", "author_signature")


@dataclass(frozen=True)
class Unreadable:
    """A body that is not JSON at all, kept as text."""

    body: str


def is_id(value: Any, *, signed: bool = True) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return (ID_MIN if signed else 0) <= value <= ID_MAX


def update_id_of(payload: Any) -> int | None:
    value = payload.get("update_id") if isinstance(payload, dict) else None
    return value if is_id(value, signed=False) else None


def chat_id_of(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    for key in (*MESSAGE_KEYS, "my_chat_member"):
        item = payload.get(key)
        if isinstance(item, dict):
            chat = item.get("chat")
            value = chat.get("id") if isinstance(chat, dict) else None
            return value if is_id(value) else None
    return None


def fingerprint(payload: Any) -> str:
    raw = payload.body if isinstance(payload, Unreadable) else json.dumps(payload, sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def stored_form(payload: Any) -> Any:
    if isinstance(payload, Unreadable):
        return payload.body
    # The JSON column saves Python None as SQL NULL, which it refuses: keep the body's own word.
    return "null" if payload is None else payload


def _account(value: Any, field: str) -> str:
    if not isinstance(value, dict):
        return f"{field} is not an object"
    if not is_id(value.get("id")):
        return f"{field}.id is not a 64-bit integer: {str(value.get('id'))[:40]!r}"
    return ""


def _message(key: str, message: Any) -> str:
    if not isinstance(message, dict):
        return f"{key} is not an object"
    problem = _account(message.get("chat"), f"{key}.chat")
    if problem:
        return problem
    if not is_id(message.get("message_id")):
        return f"{key}.message_id is not a 64-bit integer"
    for field in ("from", "sender_chat"):
        if field in message and (problem := _account(message[field], f"{key}.{field}")):
            return problem
    for field in ("date", "edit_date", "message_thread_id", "migrate_to_chat_id"):
        if field in message and not is_id(message[field]):
            return f"{key}.{field} is not a 64-bit integer"
    for field in TEXT_FIELDS:
        if field in message and not isinstance(message[field], str):
            return f"{key}.{field} is not a string"
    chat = message["chat"]
    for field in ("title", "username", "first_name", "last_name", "type"):
        if field in chat and not isinstance(chat[field], str):
            return f"{key}.chat.{field} is not a string"
    return ""


def problem(payload: Any) -> str:
    """What makes ``payload`` impossible to process as an update, or "" if nothing does."""
    if isinstance(payload, Unreadable):
        return "the body is not JSON"
    if not isinstance(payload, dict):
        return f"the update is a JSON {type(payload).__name__}, not an object"
    if "update_id" not in payload:
        return "the update has no update_id"
    if update_id_of(payload) is None:
        return f"update_id is not a number Telegram uses: {str(payload['update_id'])[:40]!r}"
    for key in MESSAGE_KEYS:
        if key in payload:
            return _message(key, payload[key])
    if "my_chat_member" in payload:
        member = payload["my_chat_member"]
        if not isinstance(member, dict):
            return "my_chat_member is not an object"
        if problem := _account(member.get("chat"), "my_chat_member.chat"):
            return problem
        new = member.get("new_chat_member")
        if not isinstance(new, dict) or not isinstance(new.get("status"), str):
            return "my_chat_member.new_chat_member.status is missing"
    return ""
