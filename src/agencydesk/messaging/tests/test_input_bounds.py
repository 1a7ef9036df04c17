"""Bounded, well-formed messages: attachment lists and links, text lengths, Telegram's 4,096."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.core.validators import ATTACHMENTS_MAX, LINK_MAX_LENGTH
from agencydesk.messaging.models import Conversation, Message, OutboundMessage
from agencydesk.messaging.services import message_record, message_send

from .conftest import msk

pytestmark = pytest.mark.django_db

NOON = msk(2026, 3, 10, 12, 0)


def _payload(client, **extra):
    return {
        "client": client.pk,
        "channel": "email",
        "direction": "in",
        "sent_at": "2026-03-10T10:00:00+03:00",
        "text": "Посмотрите вложения",
        **extra,
    }


def _post(http, body):
    return http.post("/api/v1/messages", json.dumps(body), content_type="application/json")


def _detail(response):
    return response.json()["detail"]


def test_the_200000_attachments_of_the_issue_are_refused_and_nothing_is_stored(api, acme, team):
    links = ["https://a"] * 200_000
    body = json.dumps(_payload(acme, attachments=links), separators=(",", ":"))
    assert 2_400_000 <= len(body) < 2_500_000  # the 2.4 MB request of the issue
    response = api(team["am"]).post("/api/v1/messages", body, content_type="application/json")
    assert response.status_code == 422, response.content[:500]
    (error,) = _detail(response)
    assert error["loc"] == ["body", "attachments"]
    assert str(ATTACHMENTS_MAX) in error["msg"]
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_a_body_over_the_upload_limit_answers_413_in_the_api_shape(api, acme, team, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _post(api(team["am"]), _payload(acme, text="я" * 10_000))
    assert response.status_code == 413
    assert _detail(response) == [
        {"loc": ["body"], "msg": "the request body may be at most 10000 bytes", "type": "too_large"}
    ]
    assert not Message.objects.exists()


def test_the_attachment_limit_itself_is_accepted(api, acme, team):
    links = [f"https://files.example/{i}" for i in range(ATTACHMENTS_MAX)]
    response = _post(api(team["am"]), _payload(acme, attachments=links))
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == links
    one_more = _post(
        api(team["am"]), _payload(acme, attachments=[*links, "https://files.example/x"])
    )
    assert one_more.status_code == 422


def test_an_overlong_attachment_link_names_its_place_and_the_limit(api, acme, team):
    long_link = "https://files.example/" + "a" * LINK_MAX_LENGTH
    response = _post(
        api(team["am"]), _payload(acme, attachments=["https://files.example/ok", long_link])
    )
    assert response.status_code == 422
    (error,) = _detail(response)
    assert error["loc"] == ["body", "attachments", 1]
    assert str(LINK_MAX_LENGTH) in error["msg"]
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "/telegram/files/1/",
        "https://",
        "mailto:not an address",
    ],
)
def test_the_api_refuses_attachment_links_that_are_not_web_or_mail(api, acme, team, link):
    response = _post(api(team["am"]), _payload(acme, attachments=[link]))
    assert response.status_code == 422, response.content
    (error,) = _detail(response)
    assert error["loc"] == ["body", "attachments", 0]
    assert not Message.objects.exists()


def test_the_api_accepts_http_https_and_mailto_attachments(api, acme, team):
    links = ["http://example.com/a", "https://drive.example/d/1?x=y#z", "mailto:pr@acme.example"]
    response = _post(api(team["am"]), _payload(acme, attachments=links))
    assert response.status_code == 201, response.content
    assert Message.objects.get().attachments == links


def test_every_caller_of_message_record_gets_the_same_attachment_rule(acme):
    with pytest.raises(ValidationError) as exc:
        message_record(
            client=acme,
            channel="other",
            direction="in",
            sent_at=NOON,
            text="Смотрите",
            at=NOON,
            attachments=["javascript:alert(1)"],
        )
    assert "attachments" in exc.value.message_dict
    with pytest.raises(ValidationError):
        message_record(
            client=acme,
            channel="other",
            direction="in",
            sent_at=NOON,
            text="Смотрите",
            at=NOON,
            attachments=[f"https://files.example/{i}" for i in range(ATTACHMENTS_MAX + 1)],
        )
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("text", "я" * 100_001, "100000"),
        ("external_id", "x" * 201, "200"),
        ("topic", "x" * 61, "60"),
        ("conversation", "x" * 201, "200"),
    ],
)
def test_overlong_message_fields_answer_422_naming_field_and_limit(
    api, acme, team, field, value, limit
):
    response = _post(api(team["am"]), _payload(acme, **{field: value}))
    assert response.status_code == 422
    (error,) = _detail(response)
    assert error["loc"] == ["body", field]
    assert limit in error["msg"]
    assert not Message.objects.exists()


def test_a_stored_javascript_attachment_is_shown_as_text_not_as_a_link(client, acme, team):
    recorded = message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=NOON,
        text="Файлы",
        at=NOON,
        attachments=["https://drive.example/report"],
    )
    # A row written before the validator existed.
    Message.objects.filter(pk=recorded.message.pk).update(
        attachments=[
            "javascript:alert(document.cookie)",
            "data:text/html,<script>alert(1)</script>",
            "https://drive.example/report",
            "/telegram/files/7/",
        ]
    )
    client.force_login(team["am"])
    page = client.get(reverse("messaging:timeline", args=[acme.pk])).content.decode()
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert "javascript:alert(document.cookie)" in page  # still readable, as text
    assert "data:text/html,&lt;script&gt;" in page
    assert 'href="https://drive.example/report"' in page
    assert 'href="/telegram/files/7/"' in page


def test_the_composer_refuses_a_telegram_message_over_4096_and_queues_nothing(
    client, acme, team, django_capture_on_commit_callbacks
):
    client.force_login(team["am"])
    with (
        time_machine.travel(NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(reverse("messaging:send", args=[acme.pk]), {"text": "а" * 4097})
    assert response.status_code == 200
    errors = response.context["composer"].errors["text"]
    assert any("4096" in e and "4097" in e for e in errors)
    assert not OutboundMessage.objects.exists() and not Message.objects.exists()
    assert callbacks == []


def test_the_composer_sends_exactly_4096_characters_to_telegram(client, acme, team):
    client.force_login(team["am"])
    with time_machine.travel(NOON, tick=False):
        response = client.post(reverse("messaging:send", args=[acme.pk]), {"text": "а" * 4096})
    assert response.status_code == 302
    assert OutboundMessage.objects.get().message.text == "а" * 4096


def test_telegram_counts_an_emoji_as_two_characters(acme, team):
    with pytest.raises(ValidationError) as exc:
        message_send(client=acme, text="👍" * 2049, by=team["am"], at=NOON, channel="telegram")
    assert "4098" in exc.value.message_dict["text"][0]
    message_send(client=acme, text="👍" * 2048, by=team["am"], at=NOON, channel="telegram")
    assert OutboundMessage.objects.count() == 1


def test_the_service_holds_the_telegram_limit_for_every_caller_but_not_for_email(acme, team):
    with pytest.raises(ValidationError) as exc:
        message_send(client=acme, text="a" * 5000, by=team["am"], at=NOON, channel="telegram")
    assert "text" in exc.value.message_dict
    assert not OutboundMessage.objects.exists() and not Conversation.objects.exists()
    outbox = message_send(client=acme, text="a" * 5000, by=team["am"], at=NOON, channel="email")
    assert outbox.channel == "email"


def test_an_email_conversation_chosen_in_the_composer_takes_a_long_text(client, acme, team):
    email = Conversation.objects.create(
        client=acme, channel="email", external_key="main", created_at=NOON
    )
    client.force_login(team["am"])
    with time_machine.travel(NOON, tick=False):
        response = client.post(
            reverse("messaging:send", args=[acme.pk]),
            {"text": "a" * 5000, "conversation": email.pk},
        )
    assert response.status_code == 302
    assert OutboundMessage.objects.get().channel == "email"


def test_the_timeline_tells_the_telegram_limit(client, acme, team):
    client.force_login(team["am"])
    page = client.get(reverse("messaging:timeline", args=[acme.pk])).content.decode()
    assert 'maxlength="4096"' in page
    assert "at most 4096 characters" in page

    mixed = ClientFactory(name="Mixed", preferred_channel="email", account_manager=team["am"])
    Conversation.objects.create(
        client=mixed, channel="telegram", external_key="chat-1", created_at=NOON
    )
    page = client.get(reverse("messaging:timeline", args=[mixed.pk])).content.decode()
    # Only the Telegram conversation is bound by it: a hint, not a hard browser limit.
    assert 'maxlength="4096"' not in page and 'maxlength="20000"' in page
    assert "at most 4096 characters" in page

    email_only = ClientFactory(name="Mail", preferred_channel="email", account_manager=team["am"])
    page = client.get(reverse("messaging:timeline", args=[email_only.pk])).content.decode()
    assert "4096" not in page
