"""Reads of conversations and messages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from agencydesk.messaging.models import Conversation, Message

if TYPE_CHECKING:
    from agencydesk.clients.models import Client


def client_messages(*, client: Client) -> QuerySet[Message]:
    """Every message of a client, newest first, with what the timeline shows of each."""
    return (
        Message.objects.filter(client=client)
        .select_related("author_contact", "author_user", "conversation", "outbox")
        .order_by("-sent_at", "-id")
    )


def message_search(*, client: Client, query: str) -> QuerySet[Message]:
    """Full-text search in one client's messages (PostgreSQL text search; substring on SQLite)."""
    qs = client_messages(client=client)
    query = query.strip()
    if not query:
        return qs
    words = re.findall(r"\w+", query)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Every word as a prefix ("пятниц" finds "пятницу"): no stemming needed
        # across Russian, Ukrainian, Bulgarian and English.
        prefixes = " & ".join(f"{word}:*" for word in words)
        return qs.annotate(search=SearchVector("text", config="simple")).filter(
            search=SearchQuery(prefixes, config="simple", search_type="raw")
        )
    # SQLite's LIKE folds case for ASCII only; its REGEXP is Python's, which folds Cyrillic too.
    for word in words:
        qs = qs.filter(text__iregex=re.escape(word))
    return qs


def client_conversations(*, client: Client) -> QuerySet[Conversation]:
    return Conversation.objects.filter(client=client).order_by("-last_message_at", "id")
