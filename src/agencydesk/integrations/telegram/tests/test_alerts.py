"""An AM's personal Telegram: linked by a code, gets a warning before a first response is late
and the morning digest, each once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from agencydesk.integrations.telegram.alerts import telegram_tick
from agencydesk.integrations.telegram.models import TelegramChat, TelegramNotice
from agencydesk.integrations.telegram.services import link_code_create
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.services import message_record

MSK = ZoneInfo("Europe/Moscow")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=MSK)
AM_CHAT = 9001


def _link_am(process, am):
    with time_machine.travel(MONDAY_10 - dt.timedelta(hours=4), tick=False):
        code = link_code_create(for_user=am, by=am, at=timezone.now())
        process(
            group_message(
                update_id=1,
                chat_id=AM_CHAT,
                chat_type="private",
                message_id=1,
                user_id=AM_CHAT,
                username="olga_am",
                text=f"/start {code.code}",
            )
        )


def test_an_am_links_a_private_chat_for_alerts(fake_api, process, am):
    _link_am(process, am)
    chat = TelegramChat.objects.get(chat_id=AM_CHAT)
    assert chat.user == am and chat.client is None
    assert "Alerts for" in fake_api.sent_to(AM_CHAT)[0].text
    # What the AM writes there later is not a client's message, nor kept for an admin.
    process(
        group_message(
            update_id=2,
            chat_id=AM_CHAT,
            chat_type="private",
            message_id=2,
            user_id=AM_CHAT,
            text="спасибо",
        )
    )
    assert not TelegramChat.objects.filter(client__isnull=True, user__isnull=True).exists()


def test_a_code_for_alerts_does_nothing_in_a_group(fake_api, process, am):
    code = link_code_create(for_user=am, by=am, at=timezone.now())
    process(group_message(update_id=1, chat_id=-77, message_id=1, text=f"/link {code.code}"))
    assert TelegramChat.objects.get(chat_id=-77).user is None
    assert "private chat" in fake_api.sent_to(-77)[0].text


def test_warning_before_the_first_response_is_late_comes_once(
    fake_api, process, am, client_acme, django_capture_on_commit_callbacks
):
    _link_am(process, am)
    with time_machine.travel(MONDAY_10, tick=False):
        message_record(
            client=client_acme,
            channel="telegram",
            direction="in",
            sent_at=timezone.now(),
            text="Где макет",
            at=timezone.now(),
        )
    with (
        time_machine.travel(MONDAY_10 + dt.timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        telegram_tick(now=timezone.now())

    def warnings():
        return [s for s in fake_api.sent_to(AM_CHAT) if "first response is due" in s.text]

    assert warnings() == []  # not yet
    for minute in (6, 7):
        with (
            time_machine.travel(MONDAY_10 + dt.timedelta(minutes=minute), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            telegram_tick(now=timezone.now())
    [warning] = warnings()
    assert "Acme" in warning.text and "4 minutes" in warning.text


def test_the_morning_digest_lists_today_once_a_day(
    fake_api, process, am, client_acme, django_capture_on_commit_callbacks
):
    am.timezone = "Europe/Moscow"
    am.save(update_fields=["timezone"])
    _link_am(process, am)
    with time_machine.travel(MONDAY_10 - dt.timedelta(hours=3), tick=False):
        message_record(
            client=client_acme,
            channel="telegram",
            direction="in",
            sent_at=timezone.now(),
            text="Когда пришлёте отчёт?",
            at=timezone.now(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            telegram_tick(now=timezone.now())  # 07:00: too early
    assert not TelegramNotice.objects.filter(kind="digest").exists()
    for later in (0, 30):
        with (
            time_machine.travel(MONDAY_10 + dt.timedelta(minutes=later), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            telegram_tick(now=timezone.now())
    [digest] = [s for s in fake_api.sent_to(AM_CHAT) if "Today" in s.text]
    assert "Acme" in digest.text
    assert "Answer the question — Acme" in digest.text


def test_the_digest_speaks_the_ams_language(db, am, client_acme):
    from agencydesk.integrations.telegram.alerts import digest_text

    am.language = "ru"
    with time_machine.travel(MONDAY_10, tick=False):
        message_record(
            client=client_acme,
            channel="telegram",
            direction="in",
            sent_at=timezone.now(),
            text="Когда пришлёте отчёт?",
            at=timezone.now(),
        )
        text = digest_text(user=am, now=timezone.now())
    assert text.startswith("Доброе утро! Сегодня 2 задачи")
    assert "Ответить клиенту — Acme" in text
