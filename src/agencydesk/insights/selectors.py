"""Reads across the ledger: Today, the director overview, response statistics."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.choices import Role
from agencydesk.accounts.models import User
from agencydesk.accounts.selectors import away_on
from agencydesk.clients.access import visible_client_ids
from agencydesk.clients.models import Client
from agencydesk.commitments.choices import ACTIVE_STATES, Severity, State
from agencydesk.commitments.kinds import KINDS, Item
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.commitments.reasons import day_month_names, local_moment, reason_sentence

if TYPE_CHECKING:
    from agencydesk.clients.models import Client

SOON = timedelta(hours=1)


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
    extras: tuple[tuple[str, str], ...] = ()  # the kind's own actions: (code, label)
    owner_id: int | None = None
    managers: tuple[int | None, int | None] = (None, None)  # the client's AM and backup
    escalated: bool = False  # handed up after someone missed it


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
    ).order_by("-urgent", "due_at", "id")


# What a Today item reads, in this order: a narrow row instead of three models.
TODAY_COLUMNS = (
    "id",
    "kind",
    "state",
    "client_id",
    "client__name",
    "calendar__timezone",
    "subject_id",
    "start_at",
    "business_minutes",
    "due_at",
    "escalation",
    "reason_params",
    "owner_id",
    "client__account_manager_id",
    "client__backup_manager_id",
)


def attention_items(*, user: User, now: datetime, limit: int = 200) -> list[AttentionItem]:
    """Today's items of ``user``, each explained and linked as its kind declares (see ``KINDS``)."""
    rows = attention_queryset(user=user, now=now).values_list(*TODAY_COLUMNS)[:limit]
    return _items_from_rows(rows, now=now)


def _items_from_rows(rows: Iterable[tuple[Any, ...]], *, now: datetime) -> list[AttentionItem]:
    """Today's lines from rows of ``TODAY_COLUMNS``."""
    items = []
    soon = now + SOON
    # Looked up once per call, not once per item: gettext and reverse() dominate otherwise.
    labels = {code: (str(spec.label), str(spec.action)) for code, spec in KINDS.items()}
    extras = {
        code: tuple((extra.code, str(extra.label)) for extra in spec.extras)
        for code, spec in KINDS.items()
    }
    reversed_urls: dict[tuple[str, tuple[Any, ...]], str] = {}

    def memo_reverse(name: str, *args: Any) -> str:
        key = (name, args)
        if key not in reversed_urls:
            reversed_urls[key] = reverse(name, args=args or None)
        return reversed_urls[key]

    names = day_month_names()
    for (
        pk,
        kind,
        state,
        client_id,
        client_name,
        zone,
        subject_id,
        start_at,
        minutes,
        due_at,
        escalation,
        reason_params,
        owner_id,
        am_id,
        backup_id,
    ) in rows:
        spec = KINDS.get(kind)
        overdue = due_at <= now
        severity = (
            Severity.OVERDUE if overdue else Severity.SOON if due_at <= soon else Severity.LATER
        )
        client_url = memo_reverse("clients:detail", client_id)
        params = reason_params or {}
        url = (
            spec.url(Item(pk, client_id, subject_id, params), memo_reverse) if spec else client_url
        )
        label, action = labels.get(kind, (kind, str(_("Open"))))
        items.append(
            AttentionItem(
                id=pk,
                kind=kind,
                kind_label=label,
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
                    kind=kind,
                    params=params,
                    start_at=start_at,
                    due_at=due_at,
                    minutes=minutes,
                    escalation=escalation,
                    zone=zone,
                    names=names,
                ),
                url=url,
                action=action,
                extras=extras.get(kind, ()),
                owner_id=owner_id,
                managers=(am_id, backup_id),
                escalated=escalation > 0,
            )
        )
    return items


@dataclass
class PersonOverdue:
    """One person's overdue work, as the director's Today shows it."""

    user: User
    count: int
    items: list[AttentionItem]


def team_overdue(*, user: User, now: datetime, per_person: int = 3) -> list[PersonOverdue]:
    """The overdue work of everyone but ``user``, grouped by person, most overdue first.

    Over the clients ``user`` may see. Three queries whatever the size of the team: the
    counts per person, their first ``per_person`` items (oldest due first), the people.
    """
    overdue = _visible(
        Commitment.objects.filter(
            state__in=ACTIVE_STATES, visible_from__lte=now, due_at__lte=now, owner__isnull=False
        ).exclude(owner=user),
        user,
    )
    counts = dict(
        overdue.order_by().values("owner").annotate(n=Count("id")).values_list("owner", "n")
    )
    if not counts:
        return []
    ranked = (
        overdue.annotate(
            rank=Window(RowNumber(), partition_by=[F("owner")], order_by=[F("due_at"), F("id")])
        )
        .filter(rank__lte=per_person)
        .order_by("owner", "due_at", "id")
        .values_list(*TODAY_COLUMNS)
    )
    firsts = list(ranked)
    by_owner: dict[int, list[AttentionItem]] = {}
    for item in _items_from_rows(firsts, now=now):
        by_owner.setdefault(item.owner_id or 0, []).append(item)
    people = User.objects.filter(pk__in=counts).order_by("first_name", "username")
    result = [PersonOverdue(p, counts[p.pk], by_owner.get(p.pk, [])) for p in people]
    result.sort(key=lambda person: (-person.count, str(person.user)))
    return result


def reassign_choices(*, items: list[AttentionItem]) -> dict[int, list[tuple[str, str]]]:
    """Per Today item, the colleagues it may go to: the client's managers and the directors.

    The same rule as :func:`agencydesk.accounts.permissions.can_edit_client`, read
    from the columns Today already has, in one query for the whole list.
    """
    if not items:
        return {}
    ids = {pk for item in items for pk in item.managers if pk}
    people = list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.DIRECTOR, Role.ADMIN])
            | Q(is_superuser=True)
            | Q(pk__in=ids, role=Role.ACCOUNT_MANAGER)
        )
        .order_by("first_name", "username")
    )
    choices = {}
    for item in items:
        choices[item.id] = [
            (person.username, str(person))
            for person in people
            if person.pk != item.owner_id and (person.is_director or person.pk in item.managers)
        ]
    return choices


def _visible(qs: QuerySet[Any], user: User) -> QuerySet[Any]:
    """``qs`` over the clients ``user`` may see (the one rule of ``clients/access.py``).

    An active director sees every client: their figures skip the join, which
    the team view over millions of rows notices.
    """
    if user.is_active and user.is_director:
        return qs
    return qs.filter(client__in=visible_client_ids(user))


@dataclass
class ManagerLoad:
    user: User
    active: int
    overdue: int
    due_today: int
    breaches_week: int
    away: tuple[date, date] | None = None  # the first and last day of the absence they are in


def director_overview(*, user: User, now: datetime) -> list[ManagerLoad]:
    """Load per person: active, overdue, due in the next 24 hours, breaches in 7 days.

    Counted over the clients ``user`` may see (a director sees them all).
    """
    rows: dict[int | None, dict[str, Any]] = {
        row["owner"]: dict(row)
        for row in _visible(
            Commitment.objects.filter(state__in=ACTIVE_STATES, visible_from__lte=now), user
        )
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
        _visible(Breach.objects.filter(owner=OuterRef("pk"), at__gte=now - timedelta(days=7)), user)
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
                away=away_on(user=user, at=now),
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
    client_id: int | None = None  # the client's row links to its page
    target_minutes: int | None = None  # the client's own first-response target
    missed: int = 0  # met after the due moment

    @property
    def below_goal(self) -> bool:
        """Missed more often than the agency's goal allows: the row is highlighted."""
        return self.within_target is not None and self.within_target < TARGET_SHARE


# The share of replies within target the agency aims for; rows below it are highlighted.
TARGET_SHARE = 0.9

# The orders of the responsiveness tables: query value → (key, descending).
RESPONSE_ORDERS: dict[str, tuple[Callable[[ResponseStats], Any], bool]] = {
    "name": (lambda s: s.label.casefold(), False),
    "within": (lambda s: -1.0 if s.within_target is None else s.within_target, False),
    "median": (lambda s: -1.0 if s.median_minutes is None else s.median_minutes, True),
    "count": (lambda s: s.count, True),
    "missed": (lambda s: s.missed, True),
}


def _stats(
    label: str,
    rows: list[tuple[float, bool]],
    *,
    client_id: int | None = None,
    target_minutes: int | None = None,
) -> ResponseStats:
    """``rows`` are (business minutes to meet, met by the due moment)."""
    if not rows:
        return ResponseStats(label, 0, None, None, client_id, target_minutes)
    minutes = [m for m, _on_time in rows]
    within = sum(1 for _m, on_time in rows if on_time)
    return ResponseStats(
        label,
        len(rows),
        statistics.median(minutes),
        within / len(rows),
        client_id,
        target_minutes,
        len(rows) - within,
    )


def response_stats(
    *,
    user: User,
    now: datetime,
    days: int = 90,
    client: Client | None = None,
    kind: str | None = None,
    order: str = "name",
    confidential: bool = True,
) -> dict[str, list[ResponseStats]]:
    """Median business minutes to meet one kind of promise, and the share met within target,
    per client and per person. ``kind`` defaults to the first kind declared (replies).

    Only the clients ``user`` may see count, in both tables: a confidential
    client's replies are not in anybody else's figures; with ``confidential=False``
    (an export, a file that travels) not even in its own team's.
    Rows come in one of :data:`RESPONSE_ORDERS`.
    """
    kind = kind or next(iter(KINDS), "")
    qs = _visible(
        Commitment.objects.filter(
            kind=kind, state=State.MET, met_at__gte=now - timedelta(days=days)
        ).exclude(response_minutes__isnull=True),
        user,
    )
    if client is not None:
        qs = qs.filter(client=client)
    if not confidential:
        qs = qs.exclude(client__confidential=True)
    by_client: dict[int, list[tuple[float, bool]]] = {}
    clients: dict[int, tuple[str, int]] = {}
    by_owner: dict[str, list[tuple[float, bool]]] = {}
    for (
        client_id,
        client_name,
        client_target,
        owner_first,
        owner_last,
        owner_username,
        value,
        met_at,
        due_at,
    ) in qs.values_list(
        "client_id",
        "client__name",
        "client__first_response_minutes",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
        "response_minutes",
        "met_at",
        "due_at",
    ):
        row = (float(value or 0.0), met_at <= due_at)
        by_client.setdefault(client_id, []).append(row)
        clients[client_id] = (client_name, client_target)
        owner = f"{owner_first} {owner_last}".strip() or owner_username or "—"
        by_owner.setdefault(owner, []).append(row)
    key, descending = RESPONSE_ORDERS.get(order, RESPONSE_ORDERS["name"])
    name_key = RESPONSE_ORDERS["name"][0]
    per_client = [
        _stats(clients[pk][0], rows, client_id=pk, target_minutes=clients[pk][1])
        for pk, rows in by_client.items()
    ]
    per_owner = [_stats(k, v) for k, v in by_owner.items()]
    return {
        "clients": sorted(sorted(per_client, key=name_key), key=key, reverse=descending),
        "owners": sorted(sorted(per_owner, key=name_key), key=key, reverse=descending),
    }


@dataclass
class KindStats:
    """One kind of promise over a window: how many were kept, how many missed, how fast."""

    kind: str
    label: str
    met: int
    missed: int
    median_minutes: float | None
    within_target: float | None


def kind_stats(*, user: User, now: datetime, days: int = 90) -> list[KindStats]:
    """Every declared kind of promise over the last ``days`` days, over the clients ``user`` sees.

    Met ones count with their business minutes to meet; missed ones are the
    breaches recorded in the window, met late or not at all. Two queries.
    """
    since = now - timedelta(days=days)
    met: dict[str, list[tuple[float, bool]]] = {}
    for kind, value, met_at, due_at in _visible(
        Commitment.objects.filter(state=State.MET, met_at__gte=since).exclude(
            response_minutes__isnull=True
        ),
        user,
    ).values_list("kind", "response_minutes", "met_at", "due_at"):
        met.setdefault(kind, []).append((float(value or 0.0), met_at <= due_at))
    missed = dict(
        _visible(Breach.objects.filter(at__gte=since), user)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    result = []
    for code, spec in KINDS.items():
        stats = _stats(str(spec.label), met.get(code, []))
        result.append(
            KindStats(
                kind=code,
                label=stats.label,
                met=stats.count,
                missed=missed.get(code, 0),
                median_minutes=stats.median_minutes,
                within_target=stats.within_target,
            )
        )
    return result


@dataclass(frozen=True)
class Cover:
    """Someone ``user`` answers for now: they are away until ``until`` (their last day away)."""

    person: User
    until: date
    clients: int


def covering_for(*, user: User, now: datetime) -> list[Cover]:
    """The account managers away now whose clients have ``user`` as backup, for Today."""
    counts: dict[int, int] = {}
    for manager_id in Client.objects.filter(backup_manager=user).values_list(
        "account_manager_id", flat=True
    ):
        if manager_id and manager_id != user.pk:
            counts[manager_id] = counts.get(manager_id, 0) + 1
    if not counts:
        return []
    covers = []
    for person in User.objects.filter(pk__in=list(counts)).order_by("first_name", "username"):
        away = away_on(user=person, at=now)
        if away is not None:
            covers.append(Cover(person=person, until=away[1], clients=counts[person.pk]))
    return covers
