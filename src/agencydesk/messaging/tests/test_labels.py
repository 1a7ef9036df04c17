"""A person corrects what the desk read in a client's message: one click, the rules follow, kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.messaging.models import LabelCorrection, Message
from agencydesk.messaging.services import message_labels_set, message_record
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
AT = msk(2026, 3, 10, 10, 0)  # Tuesday 10:00 Moscow


def _inbound(acme, text: str):
    return message_record(
        client=acme, channel="telegram", direction="in", sent_at=AT, text=text, at=AT
    ).message


def _timers(message):
    return list(
        Commitment.objects.about(message)
        .filter(kind="first_response")
        .values_list("state", "action_at")
    )


def test_thanks_flipped_to_needs_an_answer_opens_the_timer_without_an_acknowledgement(acme, team):
    thanks = _inbound(acme, "Спасибо, получили 👍")
    assert not thanks.needs_response and _timers(thanks) == []
    later = msk(2026, 3, 10, 11, 0)
    message_labels_set(message=thanks, labels={"needs_response": True}, by=team["am"], at=later)
    thanks.refresh_from_db()
    assert thanks.needs_response and thanks.labels["needs_response"] is True
    assert thanks.label_reasons["needs_response"] == "corrected"
    # A person is on it: the timer runs, no automatic "we received your message".
    assert _timers(thanks) == [("open", None)]
    correction = LabelCorrection.objects.get()
    assert (correction.label, correction.value, correction.read_as) == (
        "needs_response",
        True,
        False,
    )
    audit = AuditLog.objects.get(action="message.labels")
    assert audit.actor == team["am"] and audit.changes == {"needs_response": [False, True]}


def test_a_request_flipped_to_no_answer_closes_its_timer_and_back_again(acme, team):
    request = _inbound(acme, "Пришлите, пожалуйста, отчёт за февраль")
    assert _timers(request)[0][0] == "open"
    message_labels_set(message=request, labels={"needs_response": False}, by=team["am"], at=AT)
    assert [state for state, _ in _timers(request)] == ["cancelled"]
    message_labels_set(message=request, labels={"needs_response": True}, by=team["am"], at=AT)
    assert sorted(state for state, _ in _timers(request)) == ["cancelled", "open"]
    # The same value again changes nothing and records nothing.
    message_labels_set(message=request, labels={"needs_response": True}, by=team["am"], at=AT)
    assert LabelCorrection.objects.count() == 2


def test_question_and_urgent_are_corrected_together_and_the_question_opens(acme, team):
    message = _inbound(acme, "Спасибо, получили")
    message_labels_set(
        message=message, labels={"question": True, "urgent": True}, by=team["am"], at=AT
    )
    message.refresh_from_db()
    assert message.is_question and message.label_values()["urgent"]
    assert Commitment.objects.about(message).filter(kind="question", state="open").exists()
    assert set(LabelCorrection.objects.values_list("label", flat=True)) == {"question", "urgent"}


def test_only_a_clients_message_has_labels_and_only_known_ones(acme, team):
    out = message_record(
        client=acme, channel="telegram", direction="out", sent_at=AT, text="Готово", at=AT
    ).message
    with pytest.raises(ValidationError):
        message_labels_set(message=out, labels={"question": True}, by=team["am"], at=AT)
    inbound = _inbound(acme, "Когда будет отчёт?")
    with pytest.raises(ValidationError) as error:
        message_labels_set(message=inbound, labels={"spam": True}, by=team["am"], at=AT)
    assert "labels" in error.value.message_dict
    assert not LabelCorrection.objects.exists()


def test_the_api_corrects_labels_with_the_rights_of_the_web(acme, team, api):
    message = _inbound(acme, "Пришлите, пожалуйста, отчёт за февраль")
    url = f"/api/v1/messages/{message.pk}"
    with time_machine.travel(AT, tick=False):
        answer = api(team["am"]).patch(
            url, json.dumps({"labels": {"needs_response": False}}), content_type="application/json"
        )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["labels"]["needs_response"] is False and body["first_response_due_at"] is None
    answer = api(team["am"]).patch(
        url, json.dumps({"labels": {"needs_response": True}}), content_type="application/json"
    )
    assert answer.json()["first_response_due_at"] is not None
    bad = api(team["am"]).patch(
        url, json.dumps({"labels": {"spam": True}}), content_type="application/json"
    )
    assert bad.status_code == 422
    # Someone who may not see the client gets what a missing message gets.
    acme.confidential = True
    acme.save()
    stranger = api(UserFactory(username="other", role="account_manager"))
    hidden = stranger.patch(url, json.dumps({"labels": {}}), content_type="application/json")
    missing = stranger.patch(
        "/api/v1/messages/999999", json.dumps({"labels": {}}), content_type="application/json"
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(message.pk), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")


def test_the_timeline_shows_each_label_with_why_and_flips_it_with_one_click(acme, team):
    message = _inbound(acme, "Срочно! Цены в баннере неверные, исправьте")
    web = HttpClient()
    web.force_login(team["am"])
    page = web.get(reverse("messaging:timeline", args=[acme.pk])).content.decode()
    assert 'data-label="urgent"' in page and 'aria-pressed="true" data-label="urgent"' in page
    assert message.label_reasons.get("urgent", "") in page
    web.post(
        reverse("messaging:labels_set", args=[acme.pk, message.pk]),
        {"label": "urgent", "value": "0"},
    )
    assert Message.objects.get(pk=message.pk).label_values()["urgent"] is False
    with time_machine.travel(AT, tick=False):
        page = web.get(
            reverse("messaging:timeline", args=[acme.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()
    assert 'aria-pressed="false" data-label="urgent"' in page


def test_corrections_export_as_labelled_data(acme, team, capsys):
    from agencydesk.cli import main

    message = _inbound(acme, "Спасибо,\nполучили")
    _inbound(acme, "Не исправляли")
    message_labels_set(message=message, labels={"needs_response": True}, by=team["am"], at=AT)
    assert main(["export", "labels"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# lang")
    assert lines[1:] == ["ru\t0100\tСпасибо,\\nполучили"]


def test_a_message_naming_another_client_is_held_until_the_writer_confirms(acme, team):
    """C10: the guard holds a person's message to one client that names another, in any form."""
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
    from agencydesk.messaging.models import OutboundMessage

    other = ClientFactory(name="Ромашка", account_manager=team["am"])
    ContactFactory(client=other, name="Инна Соколова")
    secret = ClientFactory(name="Василёк", confidential=True, account_manager=team["director"])
    web = HttpClient()
    web.force_login(team["am"])
    url = reverse("messaging:send", args=[acme.pk])
    text = "Сделаем как для Ромашки, Инна Соколова одобрила. Василёк тоже доволен."
    page = web.post(url, {"text": text})
    assert page.status_code == 200 and not OutboundMessage.objects.exists()
    html = page.content.decode()
    assert "<mark>Ромашки</mark>" in html and "<mark>Инна Соколова</mark>" in html
    # A confidential client the writer may not see is never named back to them.
    assert "<mark>Василёк</mark>" not in html and secret.name in html  # only as typed
    answer = web.post(url, {"text": text, "others_confirmed": "on"})
    assert answer.status_code == 302 and OutboundMessage.objects.count() == 1
    # The desk's own messages (acknowledgements, links) are not held.
    assert web.post(url, {"text": "Добрый день! Всё готово."}).status_code == 302


def test_an_urgent_message_gets_the_shorter_target_and_the_top_of_today(acme, team):
    from agencydesk.insights.selectors import attention_items

    acme.first_response_minutes, acme.urgent_response_minutes = 10, 5
    acme.save()
    calm = _inbound(acme, "Пришлите, пожалуйста, отчёт за февраль")
    other = message_record(
        client=acme, channel="email", direction="in", sent_at=AT + dt.timedelta(minutes=8),
        text="Срочно! Цены в баннере неверные, клиенты жалуются", at=AT, conversation_key="x",
    ).message  # fmt: skip
    assert other.labels["urgent"]
    timers = {
        c.subject_id: c for c in Commitment.objects.filter(kind="first_response", client=acme)
    }
    assert timers[calm.pk].business_minutes == 10 and not timers[calm.pk].urgent
    assert timers[other.pk].business_minutes == 5 and timers[other.pk].urgent
    # Due three minutes after the calm one, and still first.
    assert timers[other.pk].due_at > timers[calm.pk].due_at
    items = attention_items(user=team["am"], now=AT + dt.timedelta(minutes=9))
    assert items[0].id == timers[other.pk].id
    assert items[0].reason.startswith("Urgent:")
