"""The timeline page: composer, quiet-hours notice, logging calls, marking questions, permissions."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from agencydesk.commitments.models import Commitment
from agencydesk.messaging.models import Message, OutboundMessage
from agencydesk.messaging.services import message_record

from .conftest import msk

pytestmark = pytest.mark.django_db


def test_timeline_shows_messages_and_the_delivery_notice(client, acme, team):
    message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 10, 0),
        text="Когда отчёт?",
        at=msk(2026, 3, 10, 10, 0),
        author="gromov",
    )
    client.force_login(team["am"])
    with time_machine.travel(msk(2026, 3, 10, 20, 0), tick=False):
        page = client.get(reverse("messaging:timeline", args=[acme.pk])).content.decode()
    assert "Когда отчёт?" in page
    assert "Алексей Громов" in page
    assert (
        "Outside the client&#x27;s working hours" in page
        or "Outside the client's working hours" in page
    )
    assert "it will go out Wed 11 March 09:00 (client time)" in page


def test_sending_from_the_composer_holds_after_hours(
    client, acme, team, django_capture_on_commit_callbacks
):
    client.force_login(team["am"])
    with (
        time_machine.travel(msk(2026, 3, 10, 20, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("messaging:send", args=[acme.pk]),
            {"text": "Вечером", "answers_questions": "on"},
            follow=True,
        )
    assert "Held for the client" in response.content.decode()
    assert OutboundMessage.objects.get().state == "held"


def test_empty_message_is_refused_and_nothing_is_recorded(client, acme, team):
    client.force_login(team["am"])
    response = client.post(reverse("messaging:send", args=[acme.pk]), {"text": "   "})
    assert response.status_code == 200
    assert not Message.objects.exists()


def test_a_specialist_reads_but_cannot_write(client, acme, specialist):
    client.force_login(specialist)
    assert client.get(reverse("messaging:timeline", args=[acme.pk])).status_code == 200
    assert client.post(reverse("messaging:send", args=[acme.pk]), {"text": "x"}).status_code == 403
    assert not Message.objects.exists()


def test_logging_a_call_that_expects_an_answer_opens_a_first_response(client, acme, team):
    client.force_login(team["am"])
    response = client.post(
        reverse("messaging:log", args=[acme.pk]),
        {
            "log-channel": "phone",
            "log-direction": "in",
            "log-sent_at": "2026-03-10T10:00",
            "log-text": "Звонил по поводу отчёта",
            "log-needs_response": "on",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.channel, message.direction) == ("phone", "in")
    assert Commitment.objects.about(message).filter(kind="first_response").exists()


def test_marking_a_question_from_the_timeline(client, acme, team):
    recorded = message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 10, 0),
        text="Спасибо.",
        at=msk(2026, 3, 10, 10, 0),
    )
    client.force_login(team["am"])
    client.post(
        reverse("messaging:labels_set", args=[acme.pk, recorded.message.pk]),
        {"label": "question", "value": "1"},
    )
    assert Commitment.objects.get(kind="question").state == "open"


def test_follow_up_action_prefills_the_template(client, acme, team):
    client.force_login(team["am"])
    page = client.get(
        reverse("messaging:timeline", args=[acme.pk]) + "?template=follow_up"
    ).content.decode()
    assert "Напоминаем о нашем вопросе" in page
