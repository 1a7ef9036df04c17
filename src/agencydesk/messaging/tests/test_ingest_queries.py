"""Ingest's budget: an inbound message through the API costs at most 10 statements (issue 10).

Counted are the statements that read or write rows (transaction control aside):
the caller's token, the client, the conversation found and its last moment moved
(one statement), the message, the calendar, the open commitments, the new ones
and their audit rows: 8.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from agencydesk.accounts.services import api_token_create
from agencydesk.commitments.models import Commitment
from agencydesk.core.tests.queries import at_most

pytestmark = pytest.mark.django_db


@pytest.fixture
def http(team):
    _token, raw = api_token_create(user=team["am"], at=timezone.now())
    return HttpClient(headers={"Authorization": f"Bearer {raw}"})


def _post(http, client, minute, text, external_id):
    return http.post(
        "/api/v1/messages",
        json.dumps(
            {
                "client": client.pk,
                "channel": "email",
                "direction": "in",
                "sent_at": f"2026-03-10T10:{minute:02d}:00+03:00",
                "text": text,
                "external_id": external_id,
                "conversation": "thread-1",
            }
        ),
        content_type="application/json",
    )


def test_an_inbound_api_message_that_opens_a_reply_and_a_question(http, acme):
    assert _post(http, acme, 0, "Добрый день", "m-0").status_code == 201
    Commitment.objects.filter(kind="first_response").update(state="met")  # answered
    with at_most(8):
        response = _post(http, acme, 1, "Когда будет отчёт?", "m-1")
    assert response.status_code == 201
    assert set(Commitment.objects.filter(state="open").values_list("kind", flat=True)) == {
        "first_response",
        "question",
    }


def test_a_repeat_costs_no_more_and_changes_nothing(http, acme):
    assert _post(http, acme, 0, "Добрый день", "m-0").status_code == 201
    before = Commitment.objects.count()
    with at_most(7):  # the insert fails on the id; the first record is read back
        again = _post(http, acme, 0, "Добрый день", "m-0")
    assert again.status_code == 200
    assert Commitment.objects.count() == before
