"""Every responsiveness rule, with frozen time, holidays, quiet hours, crisis mode."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.messaging.models import Delivery, Message, OutboundMessage
from agencydesk.messaging.services import message_mark_question, message_record, message_send
from agencydesk.outbox.services import outbox_tick

from .conftest import msk

pytestmark = pytest.mark.django_db


def inbound(client, at, text="Пришлите, пожалуйста, макет.", **kw):
    return message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=at,
        text=text,
        at=at,
        author="gromov",
        **kw,
    )


def commitment(client, kind):
    return Commitment.objects.filter(client=client, kind=kind).order_by("-id").first()


def test_friday_evening_message_is_due_after_the_holiday_monday(acme):
    recorded = inbound(acme, msk(2026, 3, 6, 17, 55))
    first = recorded.first_response
    assert first.due_at == msk(2026, 3, 10, 9, 5)  # Mon 9 March 2026 is a public holiday
    assert first.owner.username == "olga"
    # the acknowledgement would be due 5 working minutes in: Tue 09:00
    assert first.action_at == msk(2026, 3, 10, 9, 0)  # not Fri 18:00, the closing moment


def test_human_reply_meets_the_first_response_in_business_minutes(acme, team, run_on_commit):
    inbound(acme, msk(2026, 3, 6, 17, 55))
    with run_on_commit(), time_machine.travel(msk(2026, 3, 10, 9, 3), tick=False):
        message_send(
            client=acme, text="Добрый день! Смотрим.", by=team["am"], at=msk(2026, 3, 10, 9, 3)
        )
    first = commitment(acme, "first_response")
    assert first.state == "met"
    assert first.response_minutes == pytest.approx(8.0)  # 5 on Friday + 3 on Tuesday


def test_duplicate_external_id_records_nothing_twice(acme):
    a = inbound(acme, msk(2026, 3, 10, 10, 0), external_id="tg-1")
    b = inbound(acme, msk(2026, 3, 10, 10, 0), external_id="tg-1", text="other text")
    assert a.message.pk == b.message.pk and b.created is False
    assert Message.objects.count() == 1
    assert Commitment.objects.filter(kind="first_response").count() == 1


def test_acknowledgement_goes_out_after_five_working_minutes_in_the_client_language(
    acme, run_on_commit
):
    inbound(acme, msk(2026, 3, 10, 10, 0), text="Когда будет готов отчёт?")
    with time_machine.travel(msk(2026, 3, 10, 10, 4), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 4))["acknowledged"] == 0
    with time_machine.travel(msk(2026, 3, 10, 10, 5), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 5))["acknowledged"] == 1
    ack = Message.objects.get(automatic=True)
    assert ack.text.startswith("Алексей Викторович, добрый день!")
    assert ack.outbox.state == "sent"
    assert Delivery.objects.get().text == ack.text
    first = commitment(acme, "first_response")
    assert first.state == "met" and first.met_by == ack
    # it meets the first response, not the question
    assert commitment(acme, "question").state == "open"
    # a second tick sends nothing more
    with time_machine.travel(msk(2026, 3, 10, 10, 6), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 6))["acknowledged"] == 0
    assert Message.objects.filter(automatic=True).count() == 1


def test_acknowledgement_in_ukrainian_informal(team, run_on_commit):
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

    client = ClientFactory(language="uk", address_form="informal", account_manager=team["am"])
    ContactFactory(client=client, name="Тарас", address_as="Тарасе", telegram_username="taras")
    message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 10, 0),
        text="Що з банером",
        at=msk(2026, 3, 10, 10, 0),
        author="@taras",
    )
    with time_machine.travel(msk(2026, 3, 10, 10, 6), tick=False), run_on_commit():
        clock_tick(now=msk(2026, 3, 10, 10, 6))
    assert Message.objects.get(automatic=True).text.startswith("Тарасе, привіт!")


def test_no_acknowledgement_when_a_human_answered_first(acme, team, run_on_commit):
    inbound(acme, msk(2026, 3, 10, 10, 0))
    with run_on_commit():
        message_send(client=acme, text="Уже делаем.", by=team["am"], at=msk(2026, 3, 10, 10, 2))
    with time_machine.travel(msk(2026, 3, 10, 10, 30), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 30))["acknowledged"] == 0
    assert not Message.objects.filter(automatic=True).exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Когда будет готов отчёт?", True),
        ("Подскажите, пожалуйста, сроки", True),
        ("Можно ли перенести встречу на среду", True),
        ("Коли буде готовий макет", True),
        ("Чи можна змінити колір", True),
        ("Кога ще е готов докладът", True),
        ("Може ли да променим заглавието", True),
        ("When will the report be ready", True),
        ("Could you send the file", True),
        ("Спасибо, всё получили.", False),
        ("Дякую, все чудово.", False),
        ("Благодаря, получихме го.", False),
        ("Thanks, looks great.", False),
    ],
)
def test_question_detection(acme, text, expected):
    recorded = inbound(acme, msk(2026, 3, 10, 10, 0), text=text)
    assert recorded.message.is_question is expected
    assert Commitment.objects.filter(kind="question").exists() is expected


def test_account_manager_marks_and_unmarks_a_question(acme, team):
    recorded = inbound(acme, msk(2026, 3, 10, 10, 0), text="Спасибо, всё получили.")
    message_mark_question(
        message=recorded.message, is_question=True, by=team["am"], at=msk(2026, 3, 10, 10, 1)
    )
    assert commitment(acme, "question").state == "open"
    message_mark_question(
        message=recorded.message, is_question=False, by=team["am"], at=msk(2026, 3, 10, 10, 2)
    )
    assert commitment(acme, "question").state == "cancelled"


def test_unanswered_question_escalates_to_backup_then_director(acme, team, run_on_commit):
    inbound(acme, msk(2026, 3, 10, 10, 0), text="Когда будет готов отчёт?")
    question = commitment(acme, "question")
    assert question.due_at == msk(2026, 3, 11, 10, 0)  # one business day of 9 hours
    with time_machine.travel(msk(2026, 3, 11, 10, 0), tick=False), run_on_commit():
        counts = clock_tick(now=msk(2026, 3, 11, 10, 0))
    question.refresh_from_db()
    assert counts["escalated"] == 1
    assert (question.state, question.owner.username, question.escalation) == ("breached", "ivan", 1)
    assert question.due_at == msk(2026, 3, 12, 10, 0)
    assert Breach.objects.filter(commitment=question).count() == 1
    assert question.reason_params["missed_by"] == str(team["am"])
    assert dt.datetime.fromisoformat(question.reason_params["missed_due"]) == msk(
        2026, 3, 11, 10, 0
    )
    with time_machine.travel(msk(2026, 3, 12, 10, 0), tick=False), run_on_commit():
        clock_tick(now=msk(2026, 3, 12, 10, 0))
    question.refresh_from_db()
    assert (question.owner.username, question.escalation) == ("boss", 2)
    # The director reads who missed which moment, not a vague "did not answer in time".
    from agencydesk.commitments.reasons import commitment_reason

    sentence = commitment_reason(question)
    assert f"Escalated to you: {team['backup']} did not answer by Thu 12 Mar 10:00." in sentence
    with time_machine.travel(msk(2026, 3, 16, 10, 0), tick=False), run_on_commit():
        clock_tick(now=msk(2026, 3, 16, 10, 0))
    question.refresh_from_db()
    assert question.escalation == 2  # the director is the last step


def test_a_missed_reply_leaves_a_breach_with_its_size(acme, team, run_on_commit):
    acme.ack_delay_minutes = 60  # no acknowledgement before the breach in this test
    acme.save()
    inbound(acme, msk(2026, 3, 10, 10, 0), text="Макет посмотрели, спасибо.")
    with time_machine.travel(msk(2026, 3, 10, 10, 11), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 11))["breached"] == 1
    first = commitment(acme, "first_response")
    assert first.state == "breached"
    with run_on_commit():
        message_send(client=acme, text="Принято!", by=team["am"], at=msk(2026, 3, 10, 10, 40))
    first.refresh_from_db()
    assert first.state == "met"
    assert Breach.objects.get(commitment=first).late_minutes == pytest.approx(30.0)


def test_keep_in_touch_shows_from_day_five_due_on_day_seven(acme, team, run_on_commit):
    from agencydesk.insights.selectors import attention_items

    with run_on_commit():
        message_send(client=acme, text="Делимся отчётом.", by=team["am"], at=msk(2026, 3, 2, 11, 0))
    touch = commitment(acme, "keep_in_touch")
    assert touch.due_at == msk(2026, 3, 9, 11, 0)
    assert touch.visible_from == msk(2026, 3, 7, 11, 0)
    kinds = lambda now: [i.kind for i in attention_items(user=team["am"], now=now)]  # noqa: E731
    assert "keep_in_touch" not in kinds(msk(2026, 3, 6, 11, 0))
    assert "keep_in_touch" in kinds(msk(2026, 3, 7, 11, 0))
    # the automatic acknowledgement is not a real touch; a human message is
    with run_on_commit():
        message_send(client=acme, text="Новая идея!", by=team["am"], at=msk(2026, 3, 5, 12, 0))
    touch.refresh_from_db()
    assert touch.state == "met"
    assert commitment(acme, "keep_in_touch").due_at == msk(2026, 3, 12, 12, 0)


def test_silent_client_gets_two_follow_ups_then_a_call(acme, team, run_on_commit):
    with run_on_commit():
        message_send(
            client=acme,
            text="Согласуете макет?",
            by=team["am"],
            at=msk(2026, 3, 10, 10, 0),
            awaiting_client=True,
        )
    follow = commitment(acme, "follow_up")
    assert follow.due_at == msk(2026, 3, 11, 17, 0)  # 16 working hours
    with run_on_commit():
        message_send(
            client=acme,
            text="Напоминаем про макет.",
            by=team["am"],
            at=msk(2026, 3, 11, 17, 0),
            awaiting_client=True,
        )
        message_send(
            client=acme,
            text="Ещё раз про макет.",
            by=team["am"],
            at=msk(2026, 3, 13, 17, 0),
            awaiting_client=True,
        )
    assert commitment(acme, "call").state == "open"
    assert Commitment.objects.filter(client=acme, kind="follow_up", state="met").count() == 2
    inbound(acme, msk(2026, 3, 16, 10, 0), text="Согласовано.")
    assert commitment(acme, "call").state == "met"


class TestQuietHours:
    def test_message_after_hours_is_held_until_the_next_opening(self, acme, team, run_on_commit):
        with run_on_commit():
            outbox = message_send(
                client=acme, text="Вечернее сообщение", by=team["am"], at=msk(2026, 3, 10, 20, 0)
            )
        assert (outbox.state, outbox.send_after, outbox.held_reason) == (
            "held",
            msk(2026, 3, 11, 9, 0),
            "outside_hours",
        )
        assert not Delivery.objects.exists()
        with time_machine.travel(msk(2026, 3, 11, 8, 59), tick=False), run_on_commit():
            assert outbox_tick(now=msk(2026, 3, 11, 8, 59))["released"] == 0
        with time_machine.travel(msk(2026, 3, 11, 9, 0), tick=False), run_on_commit():
            assert outbox_tick(now=msk(2026, 3, 11, 9, 0))["released"] == 1
        outbox.refresh_from_db()
        assert outbox.state == "sent" and Delivery.objects.count() == 1

    def test_holiday_holds_until_the_next_working_day(self, acme, team, run_on_commit):
        with run_on_commit():
            outbox = message_send(
                client=acme, text="Праздник", by=team["am"], at=msk(2026, 3, 9, 12, 0)
            )
        assert outbox.send_after == msk(2026, 3, 10, 9, 0)

    def test_crisis_mode_sends_at_once(self, acme, team, run_on_commit):
        acme.crisis_mode = True
        acme.save()
        with time_machine.travel(msk(2026, 3, 10, 23, 0), tick=False), run_on_commit():
            outbox = message_send(
                client=acme, text="Срочно: публикация", by=team["am"], at=msk(2026, 3, 10, 23, 0)
            )
        outbox.refresh_from_db()
        assert outbox.state == "sent"

    def test_weekend_hours_without_weekend_etiquette_hold_to_monday(self, team, run_on_commit):
        from agencydesk.clients.services import client_create

        client = client_create(
            by=team["director"],
            at=msk(2026, 3, 1, 9, 0),
            name="Shop",
            working_hours="mon-sun 10:00-20:00",
            holidays_country="",
            weekends_allowed=False,
            account_manager="olga",
        )
        with run_on_commit():
            outbox = message_send(
                client=client, text="Суббота", by=team["am"], at=msk(2026, 3, 14, 12, 0)
            )
        assert (outbox.send_after, outbox.held_reason) == (msk(2026, 3, 16, 10, 0), "weekend")


def test_dst_change_inside_the_reply_window(team):
    from agencydesk.clients.services import client_create

    london = ZoneInfo("Europe/London")
    client = client_create(
        by=team["director"],
        at=dt.datetime(2026, 3, 1, tzinfo=london),
        name="Thames",
        timezone="Europe/London",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="GB",
        account_manager="olga",
    )
    recorded = message_record(
        client=client,
        channel="email",
        direction="in",
        sent_at=dt.datetime(2026, 3, 27, 17, 55, tzinfo=london),
        text="Hello?",
        at=dt.datetime(2026, 3, 27, 17, 55, tzinfo=london),
    )
    # clocks go forward on Sunday 29 March: Monday 09:05 is BST
    assert recorded.first_response.due_at == dt.datetime(2026, 3, 30, 9, 5, tzinfo=london)
    assert recorded.first_response.due_at.astimezone(dt.UTC).hour == 8


def test_calendar_change_recomputes_open_commitments_with_audit(acme, team, run_on_commit):
    from agencydesk.calendars.selectors import calendar_default
    from agencydesk.calendars.services import calendar_save
    from agencydesk.core.models import AuditLog

    inbound(acme, msk(2026, 3, 6, 17, 55))
    first = commitment(acme, "first_response")
    with run_on_commit():
        calendar_save(
            calendar=calendar_default(),
            by=team["director"],
            at=msk(2026, 3, 7, 9, 0),
            hours="mon-fri 10:00-18:00",
        )
    first.refresh_from_db()
    assert first.due_at == msk(2026, 3, 10, 10, 5)
    assert first.action_at == msk(2026, 3, 10, 10, 0)
    assert AuditLog.objects.filter(action="commitment.recompute", object_id=str(first.pk)).exists()


def test_outbound_messages_are_listed_with_their_state(acme, team, run_on_commit):
    with run_on_commit():
        message_send(client=acme, text="Вечер", by=team["am"], at=msk(2026, 3, 10, 20, 0))
    assert OutboundMessage.objects.get().state == "held"


def test_question_is_due_at_the_same_working_moment_the_next_day(acme):
    inbound(acme, msk(2026, 3, 10, 15, 51), text="Когда будет готов отчёт?")
    assert commitment(acme, "question").due_at == msk(2026, 3, 11, 15, 51)


def test_question_on_a_short_friday_counts_that_day_not_an_average(acme, team):
    from agencydesk.calendars.models import BusinessCalendar
    from agencydesk.calendars.services import calendar_save

    calendar = calendar_save(
        calendar=BusinessCalendar(name="Acme"),
        by=None,
        at=msk(2026, 3, 1, 9, 0),
        timezone="Europe/Moscow",
        hours="mon-thu 09:00-18:00; fri 09:00-16:45",
        country="RU",
        subdivision="",
    )
    acme.calendar = calendar
    acme.save(update_fields=["calendar"])
    # Friday 13 March: 15:51 → 16:45 is 54 working minutes, the other 411 on Monday
    inbound(acme, msk(2026, 3, 13, 15, 51), text="Когда будет готов отчёт?")
    assert commitment(acme, "question").due_at == msk(2026, 3, 16, 15, 51)


def outbound(client, user, sent_at, text, *, channel="email", at=None, **kw):
    """An agency message recorded as it happened (logged by hand or ingested), at ``sent_at``."""
    return message_record(
        client=client,
        channel=channel,
        direction="out",
        sent_at=sent_at,
        text=text,
        at=at or sent_at,
        author_user=user,
        **kw,
    )


def test_a_back_dated_reply_answers_only_what_was_asked_before_it(acme, team):
    inbound(acme, msk(2026, 3, 10, 11, 0), text="Когда будет отчёт?")
    # The account manager logs a call that happened at 10:00, before the question.
    logged = msk(2026, 3, 10, 11, 30)
    outbound(acme, team["am"], msk(2026, 3, 10, 10, 0), "Созвонились", channel="phone", at=logged)
    assert commitment(acme, "question").state == "open"
    # The first response lives in its own conversation; the phone call is another one.
    assert commitment(acme, "first_response").state == "open"
    reply = outbound(
        acme, team["am"], msk(2026, 3, 10, 10, 30), "Отчёт в пятницу", channel="telegram", at=logged
    )
    assert reply.created
    assert commitment(acme, "question").state == "open"
    assert commitment(acme, "first_response").state == "open"


def test_a_back_dated_touch_does_not_move_the_keep_in_touch_clock_back(acme, team):
    logged = msk(2026, 3, 12, 12, 0)
    outbound(acme, team["am"], msk(2026, 3, 12, 10, 0), "Новости недели", at=logged)
    outbound(acme, team["am"], msk(2026, 3, 2, 10, 0), "Старое письмо, записанное позже", at=logged)
    open_ = Commitment.objects.filter(client=acme, kind="keep_in_touch", state="open")
    assert open_.count() == 1
    assert open_.get().start_at == msk(2026, 3, 12, 10, 0)


def test_a_client_message_from_before_the_follow_up_started_does_not_end_it(acme, team):
    outbound(
        acme,
        team["am"],
        msk(2026, 3, 10, 12, 0),
        "Ждём ваших правок",
        channel="telegram",
        awaiting_client=True,
    )
    inbound(acme, msk(2026, 3, 10, 11, 0), text="Утреннее сообщение, загружено позже")
    assert commitment(acme, "follow_up").state == "open"
    inbound(acme, msk(2026, 3, 10, 13, 0), text="Вот правки")
    assert commitment(acme, "follow_up").state == "met"


@pytest.mark.parametrize("channel", ["phone", "meeting"])
def test_a_logged_inbound_call_or_meeting_is_a_real_touch(acme, team, channel):
    outbound(acme, team["am"], msk(2026, 3, 2, 10, 0), "Новости недели")
    message_record(
        client=acme,
        channel=channel,
        direction="in",
        sent_at=msk(2026, 3, 5, 15, 0),
        text="Клиент позвонил обсудить запуск",
        at=msk(2026, 3, 5, 16, 0),
        needs_response=False,
    )
    [kit] = Commitment.objects.filter(client=acme, kind="keep_in_touch", state="open")
    assert kit.start_at == msk(2026, 3, 5, 15, 0)
    assert kit.due_at == msk(2026, 3, 12, 15, 0)
    assert Commitment.objects.get(client=acme, kind="keep_in_touch", state="met").met_at


def test_a_client_message_in_writing_is_no_touch_by_itself(acme, team):
    outbound(acme, team["am"], msk(2026, 3, 2, 10, 0), "Новости недели")
    inbound(acme, msk(2026, 3, 5, 15, 0), text="Спасибо за новости")
    [kit] = Commitment.objects.filter(client=acme, kind="keep_in_touch", state="open")
    assert kit.start_at == msk(2026, 3, 2, 10, 0)


@pytest.mark.parametrize("text", ["Спасибо, получили 👍", "👍", "Дякую!", "ok, thanks"])
def test_thanks_and_emoji_open_no_timer_and_get_no_acknowledgement(acme, run_on_commit, text):
    recorded = inbound(acme, msk(2026, 3, 10, 10, 0), text=text)
    assert recorded.message.needs_response is False
    assert commitment(acme, "first_response") is None
    with time_machine.travel(msk(2026, 3, 10, 10, 30), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 10, 10, 30))["acknowledged"] == 0
    assert not Message.objects.filter(automatic=True).exists()


def test_an_indirect_question_opens_the_timer_and_the_question(acme):
    recorded = inbound(acme, msk(2026, 3, 10, 10, 0), text="Интересно, успеем ли к выставке")
    assert recorded.message.needs_response and recorded.message.is_question
    assert commitment(acme, "first_response").state == "open"
    assert commitment(acme, "question").state == "open"


def test_labels_and_reasons_are_stored_on_the_inbound_message(acme):
    recorded = inbound(
        acme, msk(2026, 3, 10, 10, 0), text="Срочно! Медиаплан согласован, запускайте"
    )
    message = Message.objects.get(pk=recorded.message.pk)
    assert message.labels == {
        "question": False,
        "needs_response": True,
        "approval": True,
        "urgent": True,
    }
    assert message.label_reasons["urgent"] == "срочно"
    assert message.label_reasons["approval"] == "согласован"


def test_an_answered_question_loses_its_question_badge(acme, team, client):
    from django.urls import reverse

    asked = inbound(acme, msk(2026, 3, 10, 10, 0), text="Когда будет отчёт?")
    assert asked.message.is_question
    client.force_login(team["am"])
    url = reverse("messaging:timeline", args=[acme.pk])
    with time_machine.travel(msk(2026, 3, 10, 10, 5), tick=False):
        page = client.get(url).content.decode()
        assert 'data-testid="open-question"' in page
        message_send(
            client=acme, text="Отчёт будет в пятницу.", by=team["am"], at=msk(2026, 3, 10, 10, 5)
        )
        page = client.get(url).content.decode()
    assert 'data-testid="open-question"' not in page
    assert 'data-testid="answered-question"' in page
