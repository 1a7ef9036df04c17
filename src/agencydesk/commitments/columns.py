"""The clients list's "overdue" column: the active commitments of each client past their due moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.models import Commitment


def overdue_count_column(now: datetime) -> Any:
    """One correlated count per client (on the client/kind/state index), not a join that
    would multiply the list's rows."""
    overdue = (
        Commitment.objects.filter(client=OuterRef("pk"), state__in=ACTIVE_STATES, due_at__lt=now)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0))
