"""Demo meetings with minutes in every state, played through the services like real weeks of work.

Per client (the first three loaded): minutes accepted by silence, minutes with a
disputed point, minutes waiting for the client's answer, a meeting whose
minutes are still to write (its reminder in Today), and a meeting every two
weeks ahead.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import F

from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.access import can_view_client
from agencydesk.core.signed_links import LinkProblem
from agencydesk.meetings import confirmations, services
from agencydesk.meetings.models import Meeting
from agencydesk.messaging.models import OutboundMessage
from agencydesk.outbox.states import OutboxState
from agencydesk.work.models import DeliverableType

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.clients.models import Client

TEXTS = {
    "ru": (
        "Статус проекта",
        "Запуск переносится на следующую неделю",
        "Подготовить пресс-релиз о запуске",
        "Собрать список СМИ",
        "Бюджет на посевы — в рамках договора",
    ),
    "uk": (
        "Статус проєкту",
        "Запуск переноситься на наступний тиждень",
        "Підготувати пресреліз про запуск",
        "Зібрати список ЗМІ",
        "Бюджет на посіви — у межах договору",
    ),
    "bg": (
        "Статус на проекта",
        "Стартът се мести за следващата седмица",
        "Подготовка на прессъобщение за старта",
        "Списък с медии",
        "Бюджетът остава в рамките на договора",
    ),
    "en": (
        "Project status",
        "The launch moves to next week",
        "Prepare the launch press release",
        "Collect the media list",
        "The seeding budget stays within the contract",
    ),
}
DISPUTE = {
    "ru": "Бюджет мы ещё не согласовали",
    "uk": "Бюджет ми ще не погодили",
    "bg": "Бюджетът още не е съгласуван",
    "en": "We have not agreed the budget yet",
}
BASE_URL = "http://127.0.0.1:8000/"


def _at_eleven(engine: WorkCalendar, day: datetime) -> datetime:
    """11:00 client time on the first working day from ``day``."""
    local = datetime.combine(day.astimezone(engine.tz).date(), time(11, 0), tzinfo=engine.tz)
    opened = engine.next_open(local)
    return datetime.combine(opened.astimezone(engine.tz).date(), time(11, 0), tzinfo=engine.tz)


def demo_meetings(*, clients: list[Client], users: dict[str, User], now: datetime) -> int:
    """Meetings for ``clients`` (once: a client with meetings already is skipped)."""
    press_release = DeliverableType.objects.filter(code="press_release").first()
    made = 0
    for client in clients[:3]:
        am = client.account_manager
        contacts = list(client.contacts.order_by("pk")[:2])
        if am is None or not contacts or press_release is None:
            continue
        if Meeting.objects.filter(client=client).exists():
            continue
        made += _client_meetings(client, am, contacts, users, press_release, now)
    OutboundMessage.objects.filter(
        state__in=[OutboxState.QUEUED, OutboxState.HELD], send_after__lte=now, client__in=clients
    ).update(state=OutboxState.SENT, sent_at=F("send_after"), enqueued_at=None)
    confirmations.minutes_accept_tick(now=now)
    return made


def _client_meetings(
    client: Client,
    am: User,
    contacts: list,
    users: dict[str, User],
    press_release: DeliverableType,
    now: datetime,
) -> int:
    engine = client_engine(client)
    texts = TEXTS.get(client.language, TEXTS["en"])
    people = [p for p in (users.get("anna"),) if p is not None and can_view_client(p, client)]
    owner = people[0] if people else am
    due = engine.add(now, 900)
    made = 0
    # days ago → what becomes of its minutes
    for days, state in ((9, "accepted"), (5, "disputed"), (1, "waiting"), (0, "to_write")):
        held = _at_eleven(engine, now - timedelta(days=days))
        if held + timedelta(hours=2) > now:
            held = _at_eleven(engine, now - timedelta(days=days + 1))
        meeting = services.meeting_create(
            client=client,
            title=texts[0],
            starts_at=held,
            duration_minutes=60,
            agenda=texts[1],
            contacts=contacts,
            people=people,
            by=am,
            at=held - timedelta(days=7),
        ).meeting
        made += 1
        if state == "to_write":
            continue
        written = held + timedelta(hours=2)
        minutes = services.minutes_save(
            meeting=meeting,
            by=am,
            at=written,
            decisions=[texts[1], texts[4]],
            actions=[
                services.ActionIn(
                    text=texts[2],
                    owner=owner,
                    due_at=due,
                    outcome="deliverable" if owner.pk != am.pk else "task",
                    deliverable_type=press_release,
                ),
                services.ActionIn(text=texts[3], owner=am, due_at=due, outcome="task"),
            ],
        )
        links = confirmations.minutes_send(minutes=minutes, by=am, at=written, base_url=BASE_URL)
        if state == "disputed":
            answered = written + timedelta(hours=1)
            token = links[0].url.rstrip("/").rsplit("/", 1)[1]
            opened = confirmations.minutes_open(token=token, now=answered)
            if not isinstance(opened, LinkProblem):
                budget = minutes.points.get(text=texts[4])
                confirmations.minutes_answer(
                    opened=opened,
                    answers={budget.pk: ("dispute", DISPUTE.get(client.language, DISPUTE["en"]))},
                    at=answered,
                )
    services.meeting_create(
        client=client,
        title=texts[0],
        starts_at=_at_eleven(engine, now + timedelta(days=3)),
        duration_minutes=60,
        rrule="FREQ=WEEKLY;INTERVAL=2",
        agenda=texts[1],
        contacts=contacts,
        people=people,
        by=am,
        at=now,
    )
    return made + 1
