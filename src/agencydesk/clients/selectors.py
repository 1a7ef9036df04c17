"""Reads of the client register."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from agencydesk.calendars.selectors import client_calendar
from agencydesk.clients.access import can_view_client, clients_visible_to
from agencydesk.clients.models import Client, Contract, ContractService
from agencydesk.core.history import HistoryLine, history_lines
from agencydesk.core.models import AuditLog
from agencydesk.core.services import model_snapshot

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


def client_list(
    *,
    user: User,
    search: str = "",
    account_manager_id: int | None = None,
    status: str = "",
) -> QuerySet[Client]:
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
    return qs.annotate(contact_count=Count("contacts", distinct=True)).order_by("name")


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
