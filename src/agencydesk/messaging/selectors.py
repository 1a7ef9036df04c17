"""Reads of conversations and messages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from agencydesk.clients.access import clients_visible_to, visible_client_ids
from agencydesk.clients.models import Contact
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment
from agencydesk.messaging.models import Conversation, Message

if TYPE_CHECKING:
    from datetime import datetime

    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client


def client_messages(*, user: User, client: Client) -> QuerySet[Message]:
    """Every message of a client ``user`` may see, newest first, with what the timeline shows."""
    return (
        Message.objects.filter(client=client, client_id__in=visible_client_ids(user))
        .select_related("author_contact", "author_user", "conversation", "outbox")
        .order_by("-sent_at", "-id")
    )


def message_search(*, user: User, client: Client, query: str) -> QuerySet[Message]:
    """Full-text search in one client's messages (PostgreSQL text search; substring on SQLite)."""
    qs = client_messages(user=user, client=client)
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


def client_conversations(*, user: User, client: Client) -> QuerySet[Conversation]:
    """A client's conversations ``user`` may see, the latest active first."""
    return Conversation.objects.filter(
        client=client, client_id__in=visible_client_ids(user)
    ).order_by("-last_message_at", "id")


def client_open_items(*, user: User, client: Client, now: datetime) -> list[Commitment]:
    """The client's open commitments showing at ``now``, soonest due first, for its timeline."""
    return list(
        Commitment.objects.filter(
            client=client,
            client_id__in=visible_client_ids(user),
            state__in=ACTIVE_STATES,
            visible_from__lte=now,
        )
        .select_related("calendar", "owner")
        .order_by("due_at")
    )


def corrected_labels_tsv() -> str:
    """Every client message whose labels someone corrected, with the labels as they stand now.

    The format of the desk's own test set (``messaging/tests/data/client_messages.tsv``):
    language, the four labels as 1/0 (question, needs_response, approval, urgent), the
    text with line breaks as ``\\n``; so the agency's corrections can join it. For the
    agency's own use: it holds clients' words, so the command line (the server's
    operator) exports it, not the API.
    """
    rows = ["# lang\tquestion needs_response approval urgent (1/0)\ttext"]
    messages = (
        Message.objects.filter(corrections__isnull=False)
        .distinct()
        .select_related("client")
        .order_by("pk")
    )
    for message in messages.iterator(chunk_size=500):
        bits = "".join("1" if on else "0" for on in message.label_values().values())
        text = message.text.replace("\t", " ").replace("\r", "")
        rows.append(f"{message.client.language}\t{bits}\t{text.replace(chr(10), chr(92) + 'n')}")
    return "\n".join(rows) + "\n"


def other_client_names(*, user: User, client: Client) -> list[str]:
    """The names the other-client guard looks for in a message to ``client``: the other clients
    ``user`` may see, and their contacts' full names (a first name alone is too common to hold
    a message for). Clients hidden from ``user`` are never named back to them."""
    others = clients_visible_to(user).exclude(pk=client.pk)
    names = set(others.values_list("name", flat=True))
    contacts = Contact.objects.filter(client__in=others.values("pk")).values_list("name", flat=True)
    names.update(name for name in contacts if len(name.split()) >= 2)
    return sorted(n for n in names if n.strip())
