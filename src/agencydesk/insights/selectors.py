"""Reads across the ledger: Today, the director overview, response statistics."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.models import User
from agencydesk.clients.selectors import clients_visible_to
from agencydesk.commitments.choices import ACTIVE_STATES, Kind, Severity, State
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.commitments.reasons import day_month_names, local_moment, reason_sentence

if TYPE_CHECKING:
    from agencydesk.clients.models import Client

SOON = timedelta(hours=1)
ACTIONS = {
    Kind.FIRST_RESPONSE: _("Reply"),
    Kind.QUESTION: _("Answer"),
    Kind.KEEP_IN_TOUCH: _("Write to the client"),
    Kind.FOLLOW_UP: _("Follow up"),
    Kind.CALL: _("Call"),
    Kind.TELEGRAM_LOST: _("See the Telegram page"),
}
# Kinds whose action is on a page of their own rather than the client's timeline.
PAGES = {Kind.TELEGRAM_LOST: "telegram:chats"}


@dataclass
class AttentionItem:
    """One line of Today, built from a row of the ledger (no model objects: Today must be fast)."""

    id: int
    kind: str
    kind_label: str
    client_id: int
    client_name: str
    client_url: str
    zone: str  # the client's calendar's time zone
    due_at: datetime
    due_local: str  # the due moment in the client's time, as "D j M H:i"
    state: str
    overdue: bool
    severity: str
    reason: str
    url: str
    action: str


def attention_target(*, me: User, username: str | None) -> User:
    """Whose Today to show: your own, or (for directors only) another active person's."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.utils.translation import gettext as _g

    if not username or username == me.username:
        return me
    if not me.is_director:
        raise PermissionDenied(_g("Only directors see another person's queue."))
    target = User.objects.filter(username=username, is_active=True).first()
    if target is None:
        raise Http404(_g("No such person."))
    return target


def attention_queryset(*, user: User, now: datetime) -> QuerySet[Commitment]:
    """Today for one person: one indexed query over their active commitments."""
    return Commitment.objects.filter(
        owner=user, state__in=ACTIVE_STATES, visible_from__lte=now
    ).order_by("due_at", "id")


# What a Today item reads, in this order: a narrow row instead of three models.
TODAY_COLUMNS = (
    "id",
    "kind",
    "state",
    "client_id",
    "client__name",
    "calendar__timezone",
    "conversation_id",
    "start_at",
    "business_minutes",
    "due_at",
    "escalation",
    "reason_code",
    "reason_params",
)

TEMPLATES = {Kind.KEEP_IN_TOUCH: "keep_in_touch", Kind.FOLLOW_UP: "follow_up"}


def _url(timeline: str, kind: Kind, conversation_id: int | None) -> str:
    """The one action of an item: the composer (with the right template) or the call log."""
    page = PAGES.get(kind)
    if page:
        return f"{reverse(page)}#disconnected"
    params = []
    if conversation_id:
        params.append(f"conversation={conversation_id}")
    template = TEMPLATES.get(kind)
    if template:
        params.append(f"template={template}")
    anchor = "#log" if kind == Kind.CALL else "#composer"
    return f"{timeline}?{'&'.join(params)}{anchor}" if params else f"{timeline}{anchor}"


def attention_items(*, user: User, now: datetime, limit: int = 200) -> list[AttentionItem]:
    items = []
    soon = now + SOON
    # Looked up once per call, not once per item: gettext and reverse() dominate otherwise.
    labels = {kind: str(kind.label) for kind in Kind}
    actions = {kind: str(ACTIONS.get(kind, _("Open"))) for kind in Kind}
    urls: dict[int, tuple[str, str]] = {}
    names = day_month_names()
    rows = attention_queryset(user=user, now=now).values_list(*TODAY_COLUMNS)[:limit]
    for (
        pk,
        kind_code,
        state,
        client_id,
        client_name,
        zone,
        conversation_id,
        start_at,
        minutes,
        due_at,
        escalation,
        reason_code,
        reason_params,
    ) in rows:
        kind = Kind(kind_code)
        overdue = due_at <= now
        severity = (
            Severity.OVERDUE if overdue else Severity.SOON if due_at <= soon else Severity.LATER
        )
        if client_id not in urls:
            urls[client_id] = (
                reverse("clients:detail", args=[client_id]),
                reverse("messaging:timeline", args=[client_id]),
            )
        client_url, timeline = urls[client_id]
        items.append(
            AttentionItem(
                id=pk,
                kind=kind_code,
                kind_label=labels[kind],
                client_id=client_id,
                client_name=client_name,
                client_url=client_url,
                zone=zone,
                due_at=due_at,
                due_local=local_moment(due_at, zone, names),
                state=state,
                overdue=overdue,
                severity=severity,
                reason=reason_sentence(
                    code=reason_code,
                    params=reason_params or {},
                    start_at=start_at,
                    due_at=due_at,
                    minutes=minutes,
                    escalation=escalation,
                    zone=zone,
                    names=names,
                ),
                url=_url(timeline, kind, conversation_id),
                action=actions[kind],
            )
        )
    return items


@dataclass
class ManagerLoad:
    user: User
    active: int
    overdue: int
    due_today: int
    breaches_week: int


def director_overview(*, now: datetime) -> list[ManagerLoad]:
    """Load per person: active, overdue, due in the next 24 hours, breaches in 7 days."""
    rows: dict[int | None, dict[str, Any]] = {
        row["owner"]: dict(row)
        for row in Commitment.objects.filter(state__in=ACTIVE_STATES, visible_from__lte=now)
        .values("owner")
        .annotate(
            active=Count("id"),
            overdue=Count("id", filter=Q(due_at__lte=now)),
            due_today=Count("id", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=24))),
        )
    }
    # Each person's breaches of the week are counted beside their row, on the
    # (owner, at) index: a count per person, never a scan of everybody's breaches.
    week = (
        Breach.objects.filter(owner=OuterRef("pk"), at__gte=now - timedelta(days=7))
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=[k for k in rows if k]) | Q(role__in=["account_manager", "director"]))
        .annotate(breaches_week=Subquery(week, output_field=IntegerField()))
    )
    result = []
    for user in people.order_by("first_name", "username"):
        row = rows.get(user.pk, {})
        result.append(
            ManagerLoad(
                user=user,
                active=row.get("active", 0),
                overdue=row.get("overdue", 0),
                due_today=row.get("due_today", 0),
                breaches_week=user.breaches_week or 0,
            )
        )
    result.sort(key=lambda m: (-m.overdue, -m.active, str(m.user)))
    return result


@dataclass
class ResponseStats:
    label: str
    count: int
    median_minutes: float | None
    within_target: float | None  # share 0..1


def _stats(label: str, rows: list[tuple[float, int]]) -> ResponseStats:
    if not rows:
        return ResponseStats(label, 0, None, None)
    minutes = [m for m, _target in rows]
    within = sum(1 for m, target in rows if m <= target)
    return ResponseStats(label, len(rows), statistics.median(minutes), within / len(rows))


def response_stats(
    *, user: User, now: datetime, days: int = 90, client: Client | None = None
) -> dict[str, list[ResponseStats]]:
    """Median first response in business minutes and share within target, per client and per person.

    Only the clients ``user`` may see count, in both tables: a confidential
    client's replies are not in anybody else's figures.
    """
    qs = Commitment.objects.filter(
        kind=Kind.FIRST_RESPONSE, state=State.MET, met_at__gte=now - timedelta(days=days)
    ).exclude(response_minutes__isnull=True)
    if not user.is_director:
        qs = qs.filter(client__in=clients_visible_to(user).values("pk"))
    if client is not None:
        qs = qs.filter(client=client)
    by_client: dict[str, list[tuple[float, int]]] = {}
    by_owner: dict[str, list[tuple[float, int]]] = {}
    for client_name, owner_first, owner_last, owner_username, value, target in qs.values_list(
        "client__name",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
        "response_minutes",
        "business_minutes",
    ):
        minutes = float(value or 0.0)
        by_client.setdefault(client_name, []).append((minutes, target))
        owner = f"{owner_first} {owner_last}".strip() or owner_username or "—"
        by_owner.setdefault(owner, []).append((minutes, target))
    return {
        "clients": sorted((_stats(k, v) for k, v in by_client.items()), key=lambda s: s.label),
        "owners": sorted((_stats(k, v) for k, v in by_owner.items()), key=lambda s: s.label),
    }
