"""Reads of deliverables; every one takes the viewer and hides what they may not see (as missing)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from agencydesk.accounts.models import User
from agencydesk.clients.access import visible_client_ids
from agencydesk.work.models import Deliverable, DeliverableType, DueChange, Review

LIST_RELATED = ("client", "client__calendar", "type", "owner", "reviewer")


def deliverable_list(
    *, user: User, client_id: int | None = None, status: str = ""
) -> QuerySet[Deliverable]:
    """The deliverables of the clients ``user`` may see, by due moment."""
    qs = Deliverable.objects.filter(client__in=visible_client_ids(user)).select_related(
        *LIST_RELATED
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def deliverable_detail(*, user: User, pk: int) -> Deliverable:
    """One deliverable with its slip log and reviews; ``Deliverable.DoesNotExist`` when hidden."""
    return (
        Deliverable.objects.filter(pk=pk, client__in=visible_client_ids(user))
        .select_related(*LIST_RELATED, "client__account_manager", "client__backup_manager")
        .prefetch_related(
            Prefetch("due_history", queryset=DueChange.objects.select_related("by")),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
        )
        .get()
    )


def deliverable_types() -> QuerySet[DeliverableType]:
    return DeliverableType.objects.order_by("name")
