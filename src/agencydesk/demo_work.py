"""Demo deliverables in every state, played through the services like a real week of work.

Per client (the first ten loaded): one planned, one in work, one in review, one
ready, one delivered, one accepted, one with changes requested, one flagged at
risk by its owner, one whose delay notice went out, and one delivered late
without a notice (the worst breach).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F

from agencydesk.approvals import services as approval_services
from agencydesk.approvals.models import ApprovalRequest
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.access import can_view_client
from agencydesk.messaging.models import OutboundMessage
from agencydesk.outbox.states import OutboxState
from agencydesk.work import services
from agencydesk.work.models import Deliverable, DeliverableSchedule, DeliverableType
from agencydesk.work.schedules import schedule_create

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.clients.models import Client

TITLES = {
    "ru": [
        "Пресс-релиз о запуске",
        "Дайджест мониторинга",
        "Отчёт за месяц",
        "Медиаплан",
        "Пост о вебинаре",
    ],
    "uk": [
        "Прес-реліз про запуск",
        "Дайджест моніторингу",
        "Звіт за місяць",
        "Медіаплан",
        "Пост про вебінар",
    ],
    "bg": [
        "Прессъобщение за старта",
        "Дайджест от мониторинга",
        "Месечен отчет",
        "Медиен план",
        "Публикация за уебинара",
    ],
    "en": [
        "Launch press release",
        "Monitoring digest",
        "Monthly report",
        "Media plan",
        "Webinar post",
    ],
}
TYPES = ["press_release", "monitoring_digest", "report", "media_plan", "post"]
REASON = {
    "ru": "ждём финальные цифры от клиента",
    "uk": "чекаємо фінальні цифри від клієнта",
    "bg": "чакаме окончателните цифри от клиента",
    "en": "we are waiting for the final figures",
}
STATES = [
    "planned",
    "in_work",
    "in_review",
    "ready",
    "delivered",
    "accepted",
    "changes_requested",
    "at_risk",
    "noticed",
    "late",
]


def demo_work(*, clients: list[Client], users: dict[str, User], now: datetime) -> int:
    """Deliverables for ``clients`` (once: a client that has some already is skipped)."""
    kinds = {t.code: t for t in DeliverableType.objects.filter(code__in=TYPES)}
    if len(kinds) < len(TYPES):
        return 0
    made = 0
    for n, client in enumerate(clients[:10]):
        if Deliverable.objects.filter(client=client).exists() or client.account_manager is None:
            continue
        for i, state in enumerate(STATES):
            made += _one(client, state, i + n, kinds, users, now)
    for client in clients[:5]:
        made += _series(client, kinds, users, now)
    for n, client in enumerate(clients[:4]):
        _approval(client, APPROVAL_STORIES[n], now)
    OutboundMessage.objects.filter(
        state__in=[OutboxState.QUEUED, OutboxState.HELD], send_after__lte=now, client__in=clients
    ).update(state=OutboxState.SENT, sent_at=F("send_after"), enqueued_at=None)
    return made


def _one(
    client: Client,
    state: str,
    i: int,
    kinds: dict[str, DeliverableType],
    users: dict[str, User],
    now: datetime,
) -> int:
    engine = client_engine(client)
    lang = client.language if client.language in TITLES else "en"
    am = client.account_manager
    assert am is not None
    kind = kinds[TYPES[i % len(TYPES)]]
    owner, reviewer = users["anna"], users["pavel"]
    if not can_view_client(reviewer, client):  # a confidential client's small team
        reviewer = am
    late = state == "late"
    created_at = now - timedelta(days=6 if late else 2)
    # Due moments in the client's business time: a day or more of work ahead (or behind, when late).
    due = engine.add(created_at, 600 if late else 900 + 120 * (i % 7))
    if due <= now and not late:
        due = engine.add(now, 600)
    title = TITLES[lang][i % len(TITLES[lang])]
    created = services.deliverable_create(
        client=client,
        title=title,
        type=kind,
        owner=owner,
        reviewer=reviewer,
        due_at=due,
        priority="urgent" if i % 4 == 0 else "normal",
        priority_reason=REASON[lang] if i % 4 == 0 else "",
        by=am,
        at=created_at,
    )
    d = created.deliverable
    at = created_at + timedelta(hours=1)
    checklist = dict.fromkeys(kind.checklist_items(), True)
    if state == "planned":
        return 1
    if state == "in_work":
        services.deliverable_update(deliverable=d, by=am, at=at, status="in_work")
        return 1
    if state == "at_risk":
        services.deliverable_flag_at_risk(deliverable=d, by=owner, at=at, reason=REASON[lang])
        return 1
    if state == "noticed":
        services.deliverable_flag_at_risk(deliverable=d, by=owner, at=at, reason=REASON[lang])
        services.deliverable_delay_notice(
            deliverable=d,
            by=am,
            at=at,
            new_due_at=engine.add(due, 480),
            reason=REASON[lang],
        )
        return 1
    services.deliverable_submit(deliverable=d, by=owner, at=at)
    if state == "in_review":
        return 1
    services.deliverable_review(deliverable=d, by=reviewer, at=at, passed=True, checklist=checklist)
    if state == "ready":
        return 1
    delivered_at = now - timedelta(hours=2) if late else at
    services.deliverable_deliver(deliverable=d, by=owner, at=delivered_at)
    if state in ("accepted", "changes_requested"):
        services.deliverable_update(deliverable=d, by=am, at=delivered_at, status=state)
    return 1


def _series(
    client: Client, kinds: dict[str, DeliverableType], users: dict[str, User], now: datetime
) -> int:
    """Regular work without reminders: a weekly digest on Mondays, a report on the first working day."""
    if DeliverableSchedule.objects.filter(client=client).exists() or client.account_manager is None:
        return 0
    lang = client.language if client.language in TITLES else "en"
    reviewer = users["pavel"] if can_view_client(users["pavel"], client) else client.account_manager
    common = {
        "client": client,
        "owner": users["anna"],
        "reviewer": reviewer,
        "by": client.account_manager,
        "at": now,
    }
    schedule_create(
        title=TITLES[lang][1],
        type=kinds["monitoring_digest"],
        rrule="FREQ=WEEKLY;BYDAY=MO",
        time_of_day=time(10, 0),
        **common,
    )
    schedule_create(
        title=TITLES[lang][2],
        type=kinds["report"],
        working_day=1,
        time_of_day=time(11, 0),
        **common,
    )
    return Deliverable.objects.filter(client=client, schedule__isnull=False).count()


# One approval story per client of the first four: approved (the spend gate is open), waiting
# past its due moment (a chase in Today), a second round after changes, approvers disagreeing.
APPROVAL_STORIES = ["approved", "disagree", "second_round", "waiting"]
COMMENTS = {
    "ru": ("Уберите наружную рекламу, добавьте digital", "Наружку оставляем"),
    "uk": ("Приберіть зовнішню рекламу, додайте digital", "Зовнішню рекламу залишаємо"),
    "bg": ("Махнете външната реклама, добавете digital", "Външната реклама остава"),
    "en": ("Drop the outdoor ads, add digital", "Keep the outdoor ads"),
}
DEMO_URL = "http://127.0.0.1:8000/"


def _approval(client: Client, story: str, now: datetime) -> None:
    """Play one approval story through the services on the client's media plan."""
    plan = Deliverable.objects.filter(client=client, type__code="media_plan").first()
    am = client.account_manager
    if plan is None or am is None or ApprovalRequest.objects.filter(deliverable=plan).exists():
        return
    approvers = list(client.contacts.filter(decision_power__in=approval_services.DECIDING)[:2])
    if not approvers:
        return
    lang = client.language if client.language in COMMENTS else "en"
    services.deliverable_update(
        deliverable=plan, by=am, at=now - timedelta(days=5), amount=Decimal("250000.00")
    )
    plan.refresh_from_db()
    sent_at = now - timedelta(days=5 if story == "waiting" else 3)
    people = approvers if story == "disagree" else approvers[:1]
    sent = approval_services.approval_request_create(
        deliverable=plan,
        approvers=people,
        material_url="https://files.example/media-plan-v1.pdf",
        by=am,
        at=sent_at,
        base_url=DEMO_URL,
    )
    decided_at = sent_at + timedelta(hours=3)

    def decide(contact: object, verdict: str, comment: str = "") -> None:
        approval_services.approval_decide(
            request=sent.request,
            round_number=sent.request.round,
            contact=contact,  # type: ignore[arg-type]
            verdict=verdict,
            comment=comment,
            channel="link",
            at=decided_at,
        )

    if story == "approved":
        decide(people[0], "approved")
    elif story == "second_round":
        decide(people[0], "changes_requested", COMMENTS[lang][0])
        approval_services.approval_round_create(
            request=sent.request,
            material_url="https://files.example/media-plan-v2.pdf",
            by=am,
            at=decided_at + timedelta(hours=2),
            base_url=DEMO_URL,
        )
    elif story == "disagree":
        decide(people[0], "approved")
        if len(people) > 1:
            decide(people[1], "changes_requested", COMMENTS[lang][1])
