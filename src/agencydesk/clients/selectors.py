"""Reads of the client register."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from agencydesk.calendars.selectors import client_calendar
from agencydesk.clients.access import can_view_client, clients_visible_to
from agencydesk.clients.models import Client, Contract, ContractService
from agencydesk.core.history import HistoryLine, history_lines
from agencydesk.core.models import AuditLog
from agencydesk.core.services import model_snapshot

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


# Columns of the clients list that apps above this one compute (overdue items from the
# commitments, the last real touch from messaging): name → the annotation at a moment.
# Filled in their ``AppConfig.ready``; this app imports none of them.
ClientColumn = Callable[[datetime], Any]
CLIENT_COLUMNS: dict[str, ClientColumn] = {}

# The orders the list offers: query value → the ordering (a column of CLIENT_COLUMNS or a field).
CLIENT_ORDERS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "-overdue": ("-overdue_count", "name"),
    "touch": ("last_touch_at", "name"),  # the longest silence first
    "manager": ("account_manager__first_name", "account_manager__last_name", "name"),
}
SILENT_DAYS_MAX = 365


def client_column_register(name: str, column: ClientColumn) -> None:
    """Declare a column of the clients list; declaring it again replaces it."""
    CLIENT_COLUMNS[name] = column


def client_list(
    *,
    user: User,
    search: str = "",
    account_manager_id: int | None = None,
    status: str = "",
    now: datetime | None = None,
    order: str = "name",
    overdue_only: bool = False,
    silent_days: int | None = None,
) -> QuerySet[Client]:
    """The clients ``user`` may see, filtered and in one of :data:`CLIENT_ORDERS`.

    With ``now``, each client carries the columns apps declared (``overdue_count``,
    ``last_touch_at``); ``overdue_only`` keeps those with an overdue item and
    ``silent_days`` those without a real touch for more than that many days.
    """
    qs = clients_visible_to(user).select_related("account_manager", "calendar")
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(industry__icontains=search)
            | Q(contacts__name__icontains=search)
            | Q(contacts__email__icontains=search)
        ).distinct()
    if account_manager_id:
        qs = qs.filter(account_manager_id=account_manager_id)
    if status:
        qs = qs.filter(status=status)
    qs = qs.annotate(contact_count=Count("contacts", distinct=True))
    if now is not None:
        qs = qs.annotate(**{name: column(now) for name, column in CLIENT_COLUMNS.items()})
        if overdue_only and "overdue_count" in CLIENT_COLUMNS:
            qs = qs.filter(Q(overdue_count__gt=0))
        if silent_days is not None and "last_touch_at" in CLIENT_COLUMNS:
            days = min(max(silent_days, 1), SILENT_DAYS_MAX)
            qs = qs.filter(
                Q(last_touch_at__isnull=True) | Q(last_touch_at__lt=now - timedelta(days=days))
            )
    ordering = CLIENT_ORDERS.get(order, CLIENT_ORDERS["name"])
    if now is None or any(
        o.lstrip("-") in ("overdue_count", "last_touch_at") and o.lstrip("-") not in CLIENT_COLUMNS
        for o in ordering
    ):
        ordering = CLIENT_ORDERS["name"]
    if ordering[0] == "last_touch_at":
        return qs.order_by(F("last_touch_at").asc(nulls_first=True), *ordering[1:])
    return qs.order_by(*ordering)


DUPLICATES_SHOWN = 5


def client_name_duplicates(
    *, user: User, name: str, exclude_pk: int | None = None
) -> tuple[list[Client], bool]:
    """The clients ``user`` may see named ``name`` (any case), and whether others exist that
    they may not see (those are never named)."""
    same = Client.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    visible = list(
        clients_visible_to(user)
        .filter(pk__in=same.values("pk"))
        .order_by("name", "pk")[:DUPLICATES_SHOWN]
    )
    hidden = same.exclude(pk__in=clients_visible_to(user).values("pk")).exists()
    return visible, hidden


def client_detail(*, user: User, pk: int) -> Client:
    """One client with everything its page shows, in a fixed number of queries."""
    return (
        clients_visible_to(user)
        .select_related("account_manager", "backup_manager", "calendar")
        .prefetch_related(
            "team",
            "contacts",
            "key_events",
            "monitoring_topics",
            "working_file",
            Prefetch(
                "contracts",
                queryset=Contract.objects.prefetch_related(
                    Prefetch("services", queryset=ContractService.objects.select_related("service"))
                ),
            ),
        )
        .get(pk=pk)
    )


def client_current_contract(client: Client) -> Contract | None:
    """The latest contract by start date (prefetched on the detail page)."""
    contracts = list(client.contracts.all())
    return contracts[0] if contracts else None


def client_audit(*, user: User, client: Client, limit: int = 50) -> QuerySet[AuditLog]:
    """The latest changes of one client, newest first; none when ``user`` may not see it."""
    return AuditLog.objects.filter(
        client_id=client.pk, client_id__in=clients_visible_to(user).values("pk")
    ).select_related("actor", "content_type")[:limit]


# Rows read for one page of history: the changes of one promise merge into one line.
HISTORY_ROWS_PER_LINE = 4


def client_history(
    *, user: User, client: Client, now: datetime, limit: int = 15
) -> list[HistoryLine]:
    """The latest changes of one client as sentences in the active language and time zone."""
    rows = client_audit(user=user, client=client, limit=limit * HISTORY_ROWS_PER_LINE)
    return history_lines(rows, now=now, limit=limit)


def client_export(*, user: User, client: Client) -> dict:
    """Everything recorded about one client, JSON-safe: the data-portability export.

    Raises ``Client.DoesNotExist`` when ``user`` may not see the client, as a
    lookup through the visible clients would.
    """
    if not can_view_client(user, client):
        raise Client.DoesNotExist
    return client_record_dump(client=client)


def client_record_dump(*, client: Client) -> dict:
    """The export without a viewer: only for the console, whose operator holds the database."""
    calendar = client_calendar(client)
    data = model_snapshot(client)
    data["account_manager"] = client.account_manager.username if client.account_manager else None
    data["backup_manager"] = client.backup_manager.username if client.backup_manager else None
    data["team"] = sorted(client.team.values_list("username", flat=True))
    data["calendar"] = {
        **model_snapshot(calendar, ["name", "timezone", "hours", "country", "subdivision"]),
        "own": client.calendar_id is not None,
        "exceptions": [
            model_snapshot(exc, ["date", "kind", "hours", "note"])
            for exc in calendar.exceptions.all()
        ],
    }
    data["contacts"] = [model_snapshot(c) for c in client.contacts.all()]
    data["key_events"] = [model_snapshot(e) for e in client.key_events.all()]
    data["monitoring_topics"] = [model_snapshot(t) for t in client.monitoring_topics.all()]
    data["working_file"] = [model_snapshot(link) for link in client.working_file.all()]
    data["contracts"] = [
        {
            **model_snapshot(contract),
            "services": [
                {
                    "service": line.service.code,
                    "monthly_volume": model_snapshot(line)["monthly_volume"],
                    "unit": line.unit,
                }
                for line in contract.services.select_related("service")
            ],
        }
        for contract in client.contracts.all()
    ]
    data["audit_log"] = [
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor.username if entry.actor else None,
            "action": entry.action,
            "object": entry.object_repr,
            "changes": entry.changes,
        }
        for entry in AuditLog.objects.filter(client_id=client.pk).select_related("actor")
    ]
    return {"format": "agencydesk.client/1", "client": data}
