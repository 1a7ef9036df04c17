"""Three weeks of conversations for the demo agency, played through the real rules.

Events are replayed in time order and the desk's clock ticks between them, so
acknowledgements, breaches and escalations happen as they would have; the
result is a Today queue with timers in every state on first start.

What the agency wrote in the past is history: it went out long ago. The
account managers' replies are recorded as outbound messages that happened, and
the desk's own acknowledgements as sent when they were due, so loading the demo
leaves no send for a worker to do (a worker would otherwise spend its first
minutes delivering three weeks of the past while live Telegram updates wait).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, Min

from agencydesk.calendars.selectors import client_engine
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Commitment
from agencydesk.messaging.choices import OutboxState
from agencydesk.messaging.models import OutboundMessage
from agencydesk.messaging.services import message_record

if TYPE_CHECKING:
    from agencydesk.clients.models import Client

PHRASES = {
    "ru": {
        "ask": [
            "Когда будет готов отчёт за месяц?",
            "Подскажите, пожалуйста, статус по пресс-релизу?",
            "Можно ли перенести созвон на четверг?",
            "Пришлите, пожалуйста, макеты баннеров.",
            "Что с публикацией в отраслевом СМИ?",
        ],
        "say": [
            "Спасибо, получили.",
            "Макет посмотрели, в целом нравится.",
            "Отлично, согласовано.",
            "Отправили вам комментарии юриста.",
        ],
        "reply": [
            "Добрый день! Отчёт будет в пятницу до 15:00.",
            "Пресс-релиз на финальной вычитке, пришлём сегодня.",
            "Да, четверг в 11:00 подходит.",
            "Макеты во вложении, ждём комментарии.",
            "Спасибо! Внесли правки.",
        ],
        "wait": [
            "Согласуете, пожалуйста, медиаплан на следующий месяц?",
            "Ждём от вас комментарии по тексту интервью.",
        ],
        "touch": [
            "Делимся свежим дайджестом упоминаний бренда.",
            "Есть идея спецпроекта к выставке — обсудим?",
        ],
    },
    "uk": {
        "ask": [
            "Коли буде готовий звіт за місяць?",
            "Підкажіть, будь ласка, статус прес-релізу?",
            "Чи можна перенести дзвінок на четвер?",
            "Надішліть, будь ласка, макети банерів.",
        ],
        "say": [
            "Дякуємо, отримали.",
            "Макет переглянули, загалом подобається.",
            "Чудово, погоджено.",
        ],
        "reply": [
            "Добрий день! Звіт буде в п'ятницю до 15:00.",
            "Прес-реліз на фінальній вичитці, надішлемо сьогодні.",
            "Так, четвер об 11:00 підходить.",
            "Макети у вкладенні, чекаємо коментарі.",
        ],
        "wait": ["Погодите, будь ласка, медіаплан на наступний місяць?"],
        "touch": [
            "Ділимося свіжим дайджестом згадок бренду.",
            "Є ідея спецпроєкту до виставки — обговоримо?",
        ],
    },
    "bg": {
        "ask": [
            "Кога ще е готов месечният отчет?",
            "Може ли да преместим срещата за четвъртък?",
            "Изпратете, моля, макетите на банерите.",
        ],
        "say": ["Благодарим, получихме.", "Прегледахме макета, харесва ни.", "Чудесно, одобрено."],
        "reply": [
            "Добър ден! Отчетът ще е готов в петък до 15:00.",
            "Да, четвъртък в 11:00 е удобно.",
            "Макетите са в прикачения файл, очакваме коментари.",
        ],
        "wait": ["Ще одобрите ли медийния план за следващия месец?"],
        "touch": [
            "Споделяме дайджест на споменаванията на марката.",
            "Имаме идея за специален проект — да я обсъдим?",
        ],
    },
    "en": {
        "ask": [
            "When will the monthly report be ready?",
            "Could you send the banner mock-ups?",
            "Can we move the call to Thursday?",
            "What is the status of the press release?",
        ],
        "say": ["Thanks, received.", "We looked at the draft, we like it.", "Great, approved."],
        "reply": [
            "Hello! The report will be ready on Friday by 3 pm.",
            "Yes, Thursday at 11:00 works.",
            "The mock-ups are attached; we look forward to your comments.",
        ],
        "wait": ["Could you approve next month's media plan?"],
        "touch": [
            "Here is this week's digest of brand mentions.",
            "We have an idea for a trade-show special: shall we discuss?",
        ],
    },
}
TOPICS = ["general", "design", "texts", "documents", "ideas"]  # the standard forum topics


def _lang(client: Client) -> str:
    return client.language if client.language in PHRASES else "ru"


def _working_moment(client: Client, at: datetime) -> datetime:
    return client_engine(client).next_open(at)


def demo_conversations(*, clients: list[Client], now: datetime, seed: int = 7) -> int:
    """Play three weeks of exchanges for ``clients`` up to ``now``; returns the messages made."""
    rng = random.Random(seed)
    events: list[tuple[datetime, int, str, Client, dict]] = []
    serial = 0
    for index, client in enumerate(clients):
        if client.account_manager is None or client.status in ("ended", "prospect"):
            continue
        phrases = PHRASES[_lang(client)]
        channel = (
            client.preferred_channel
            if client.preferred_channel in ("telegram", "email")
            else "telegram"
        )
        day = now - timedelta(days=21)
        while day < now - timedelta(days=2):
            start = _working_moment(client, day + timedelta(hours=rng.randint(0, 30)))
            if start >= now - timedelta(days=2):
                break
            topic = rng.choice(TOPICS) if channel == "telegram" else ""
            key = f"demo-{client.pk}-{topic or 'mail'}"
            text = rng.choice(phrases["ask"] + phrases["say"])
            serial += 1
            events.append(
                (
                    start,
                    serial,
                    "in",
                    client,
                    {"text": text, "key": key, "topic": topic, "channel": channel},
                )
            )
            delay = rng.choice([2, 3, 4, 8, 25, 70])
            reply_at = client_engine(client).add(start, delay)
            serial += 1
            events.append(
                (
                    reply_at,
                    serial,
                    "out",
                    client,
                    {
                        "text": rng.choice(phrases["reply"]),
                        "key": key,
                        "channel": channel,
                        "topic": topic,
                    },
                )
            )
            day += timedelta(days=rng.randint(2, 5))
        # The current state, different per client, so Today has every kind of timer.
        variant = index % 6
        key = f"demo-{client.pk}-general" if channel == "telegram" else f"demo-{client.pk}-mail"
        if variant == 0:  # an open question asked this morning
            at = _working_moment(client, now - timedelta(hours=3))
            if at < now:
                serial += 1
                events.append(
                    (
                        at,
                        serial,
                        "in",
                        client,
                        {
                            "text": rng.choice(phrases["ask"]),
                            "key": key,
                            "topic": "general",
                            "channel": channel,
                        },
                    )
                )
        elif variant == 1:  # a question nobody answered for days: escalated
            at = _working_moment(client, now - timedelta(days=3))
            serial += 1
            events.append(
                (
                    at,
                    serial,
                    "in",
                    client,
                    {
                        "text": rng.choice(phrases["ask"]),
                        "key": key,
                        "topic": "general",
                        "channel": channel,
                    },
                )
            )
        elif variant == 2:  # waiting for the client: follow-up due
            at = _working_moment(client, now - timedelta(days=3, hours=2))
            serial += 1
            events.append(
                (
                    at,
                    serial,
                    "wait",
                    client,
                    {"text": rng.choice(phrases["wait"]), "key": key, "channel": channel},
                )
            )
        elif variant == 3:  # last real touch six days ago: keep in touch
            at = _working_moment(client, now - timedelta(days=6, hours=1))
            serial += 1
            events.append(
                (
                    at,
                    serial,
                    "out",
                    client,
                    {
                        "text": rng.choice(phrases["touch"]),
                        "key": key,
                        "channel": channel,
                        "topic": "general",
                    },
                )
            )
        elif variant == 4:  # silent through two follow-ups: time to call
            for days_ago in (8, 6, 4):
                at = _working_moment(client, now - timedelta(days=days_ago))
                serial += 1
                events.append(
                    (
                        at,
                        serial,
                        "wait",
                        client,
                        {"text": rng.choice(phrases["wait"]), "key": key, "channel": channel},
                    )
                )
    events.sort(key=lambda e: (e[0], e[1]))
    made = 0
    for at, _serial, kind, client, data in events:
        _tick_through(clients, until=at)
        inbound = kind == "in"
        am = client.account_manager
        if inbound:
            author = client.contacts.first().telegram_username if client.contacts.exists() else ""
        else:
            author = am.get_username() if am else ""
        message_record(
            client=client,
            channel=data["channel"],
            direction="in" if inbound else "out",
            sent_at=at,
            text=data["text"],
            at=at,
            conversation_key=data["key"],
            topic=data.get("topic", ""),
            author=author,
            author_user=None if inbound else am,
            awaiting_client=kind == "wait",
        )
        made += 1
    _tick_through(clients, until=now)
    return made


def _tick_through(clients: list[Client], *, until: datetime) -> None:
    """The desk's clock at every action moment up to ``until``, each in its turn.

    An acknowledgement is sent at its own moment (five working minutes after the
    message), not at whatever event comes next (which, for the last messages,
    was the demo's start: acknowledgements of two-day-old messages sent "now").
    Whatever is due by ``until`` is done and recorded sent: nothing of the past
    is left for the server to send when it starts.
    """
    active = Commitment.objects.filter(client__in=clients, state__in=ACTIVE_STATES)
    previous = None
    while True:
        moment = active.filter(action_at__lte=until).aggregate(first=Min("action_at"))["first"]
        if moment is None or moment == previous:
            break  # done, or an action that keeps its moment: the tick at ``until`` settles it
        _delivered(clients, until=moment)
        clock_tick(now=moment)
        previous = moment
    _delivered(clients, until=until)
    clock_tick(now=until)
    _delivered(clients, until=until)


def _delivered(clients: list[Client], *, until: datetime) -> int:
    """The acknowledgements to ``clients`` due by ``until`` went out then: record them sent."""
    return OutboundMessage.objects.filter(
        client__in=clients,
        state__in=[OutboxState.QUEUED, OutboxState.HELD],
        send_after__lte=until,
    ).update(state=OutboxState.SENT, sent_at=F("send_after"), enqueued_at=None)
