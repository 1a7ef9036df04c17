"""The bot removed from a client's group: the chat is disconnected, the AM is told, Today shows it."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from agencydesk.commitments.models import Commitment
from agencydesk.integrations.telegram.models import TelegramChat, TelegramNotice, TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

from .conftest import GROUP

BOT = {"id": 123456, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}
DATE = 1_767_600_000


def _status(update_id, status, *, chat_id=GROUP, title="Acme × Agency", **extra):
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": {"id": chat_id, "type": "supergroup", "title": title, "is_forum": True},
            "from": {"id": 802, "is_bot": False, "first_name": "Oleg"},
            "date": DATE + update_id,
            "old_chat_member": {"user": BOT, "status": "administrator"},
            "new_chat_member": {"user": BOT, "status": status, **extra},
        },
    }


@pytest.fixture
def alerts_chat(am):
    return TelegramChat.objects.create(
        chat_id=555, type="private", title="Olga", user=am, first_seen_at=timezone.now()
    )


@pytest.mark.parametrize("status", ["kicked", "left"])
def test_removing_the_bot_disconnects_the_chat_alerts_the_am_and_puts_it_in_today(
    fake_api, process, linked_group, am, alerts_chat, status
):
    from agencydesk.insights.selectors import attention_items

    process(group_message(update_id=1, chat_id=GROUP, message_id=1, text="Привет"))
    process(_status(2, status))

    chat = TelegramChat.objects.get(chat_id=GROUP)
    assert chat.is_disconnected and chat.bot_status == status
    assert chat.client == linked_group.client  # its history stays with the client
    assert Message.objects.filter(client=chat.client).count() == 1
    assert TelegramUpdate.objects.get(update_id=2).state == "done"
    lost = Commitment.objects.get(kind="telegram_lost")
    assert (lost.owner, lost.state, chat.lost) == (am, "open", lost)
    [item] = [i for i in attention_items(user=am, now=timezone.now()) if i.kind == "telegram_lost"]
    assert item.url == "/telegram/#disconnected"
    assert item.action == "See the Telegram page"
    assert "no longer sees the Telegram chat “Acme × Agency” of Acme" in item.reason
    [alert] = fake_api.sent_to(555)
    assert "no longer sees the Telegram chat “Acme × Agency” of Acme" in alert.text
    assert TelegramNotice.objects.get(kind="chat_lost").state == "sent"


def test_adding_the_bot_back_reconnects_the_chat_and_meets_the_commitment(
    fake_api, process, linked_group, am, alerts_chat
):
    process(_status(1, "kicked"), _status(2, "left"))  # twice out: one commitment, one alert
    assert Commitment.objects.filter(kind="telegram_lost").count() == 1
    assert len(fake_api.sent_to(555)) == 1
    process(_status(3, "administrator"))
    chat = TelegramChat.objects.get(chat_id=GROUP)
    assert not chat.is_disconnected and chat.bot_status == "administrator"
    assert Commitment.objects.get(kind="telegram_lost").state == "met"
    process(_status(4, "kicked"))  # removed again later: a new item
    assert list(
        Commitment.objects.filter(kind="telegram_lost")
        .order_by("pk")
        .values_list("state", flat=True)
    ) == ["met", "open"]


def test_a_restricted_bot_that_is_no_member_is_out_too(fake_api, process, linked_group):
    process(_status(1, "restricted", is_member=False))
    assert TelegramChat.objects.get(chat_id=GROUP).is_disconnected
    process(_status(2, "restricted", is_member=True))
    assert not TelegramChat.objects.get(chat_id=GROUP).is_disconnected


def test_without_an_alert_chat_today_still_shows_it(fake_api, process, linked_group, am):
    process(_status(1, "kicked"))
    assert Commitment.objects.get(kind="telegram_lost").owner == am
    assert fake_api.sent == [] and TelegramNotice.objects.count() == 0


def test_removal_from_an_unassigned_chat_promises_nothing(fake_api, process, db):
    process(_status(1, "kicked", chat_id=-777, title="Кто-то"))
    assert TelegramChat.objects.get(chat_id=-777).is_disconnected
    assert Commitment.objects.count() == 0


def _as(user):
    http = HttpClient()
    http.force_login(user)
    return http


def test_the_telegram_page_lists_disconnected_chats_in_a_fixed_number_of_queries(
    fake_api, process, linked_group, am, specialist, django_assert_num_queries
):
    from agencydesk.clients.tests.factories import ClientFactory

    for n in range(3):
        other = ClientFactory(name=f"Client {n}", account_manager=am)
        TelegramChat.objects.create(
            chat_id=-600 - n,
            type="supergroup",
            title=f"Group {n}",
            client=other,
            first_seen_at=timezone.now(),
        )
        process(_status(10 + n, "kicked", chat_id=-600 - n, title=f"Group {n}"))
    secret = ClientFactory(name="Secret", confidential=True, account_manager=am)
    TelegramChat.objects.create(
        chat_id=-700,
        type="supergroup",
        title="Secret group",
        client=secret,
        first_seen_at=timezone.now(),
    )
    process(_status(20, "kicked", chat_id=-700, title="Secret group"))
    http = _as(am)
    with django_assert_num_queries(4):  # session, user, disconnected chats, alert chats
        html = http.get("/telegram/").content.decode()
    assert all(f"Group {n}" in html for n in range(3)) and "Secret group" in html
    assert html.count("Dismiss from Today") == 4
    assert html.count("removed from the chat") == 4 and "· kicked" not in html
    other_view = _as(specialist).get("/telegram/").content.decode()
    assert "Group 0" in other_view and "Secret group" not in other_view  # not on its team
    assert "Dismiss from Today" not in other_view  # sees, may not dismiss


def test_dismissing_meets_it_for_the_am_and_is_refused_to_others(
    fake_api, process, linked_group, am, specialist, director
):
    from agencydesk.accounts.tests.factories import UserFactory

    process(_status(1, "kicked"))
    chat = TelegramChat.objects.get(chat_id=GROUP)
    url = f"/telegram/chats/{chat.pk}/dismiss/"
    other_am = UserFactory(username="boris", role="account_manager")
    assert HttpClient().post(url).status_code == 302  # to the login page
    assert _as(specialist).post(url).status_code == 403
    assert _as(other_am).post(url).status_code == 403
    assert _as(am).get(url).status_code == 405
    assert Commitment.objects.get(kind="telegram_lost").state == "open"
    response = _as(am).post(url)
    assert response.status_code == 302 and response["Location"] == "/telegram/#disconnected"
    lost = Commitment.objects.get(kind="telegram_lost")
    assert (lost.state, lost.met_at is not None) == ("met", True)
    assert TelegramChat.objects.get(pk=chat.pk).is_disconnected  # still true: only Today is cleared
    from agencydesk.core.models import AuditLog

    assert AuditLog.objects.filter(action="commitment.meet", actor=am).exists()


def test_a_hidden_chat_answers_like_a_missing_one(fake_api, process, linked_group, specialist):
    client = linked_group.client
    client.confidential = True
    client.save(update_fields=["confidential"])
    process(_status(1, "kicked"))
    chat = TelegramChat.objects.get(chat_id=GROUP)
    hidden_url, missing_url = (
        f"/telegram/chats/{chat.pk}/dismiss/",
        "/telegram/chats/999999/dismiss/",
    )
    hidden = _as(specialist).post(hidden_url)
    missing = _as(specialist).post(missing_url)
    assert hidden.status_code == missing.status_code == 404

    # Only the address asked for (and the page's CSRF token) may differ.
    def main(response, url):
        html = response.content.decode().replace(url, "URL")
        return html[html.index("<main") : html.index("</main>")]

    assert main(hidden, hidden_url) == main(missing, missing_url)


def test_an_am_who_blocked_the_bot_gets_no_alerts_queued(fake_api, process, am, alerts_chat):
    from datetime import UTC, datetime

    from agencydesk.integrations.telegram.alerts import alerts_queue

    assert alerts_queue(now=datetime(2026, 3, 4, 12, 0, tzinfo=UTC)) == 1  # the digest, connected
    process(
        {
            "update_id": 1,
            "my_chat_member": {
                "chat": {"id": 555, "type": "private", "first_name": "Olga"},
                "from": {"id": 555, "is_bot": False, "first_name": "Olga"},
                "date": DATE,
                "old_chat_member": {"user": BOT, "status": "member"},
                "new_chat_member": {"user": BOT, "status": "kicked", "until_date": 0},
            },
        }
    )
    assert TelegramChat.objects.get(chat_id=555).is_disconnected
    assert Commitment.objects.count() == 0  # their own chat: nobody else's promise
    assert alerts_queue(now=datetime(2026, 3, 5, 12, 0, tzinfo=UTC)) == 0  # not even the digest
