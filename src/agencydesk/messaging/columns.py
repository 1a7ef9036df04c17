"""The clients list's "last real touch" column: where the latest keep-in-touch clock started."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, OuterRef, Subquery

from agencydesk.commitments.models import Commitment
from agencydesk.messaging.choices import KEEP_IN_TOUCH


def last_touch_column(now: datetime) -> Any:
    """Every real touch restarts the keep-in-touch clock from its moment, so the newest such
    commitment's start is the client's last real touch (None: none recorded yet)."""
    latest = (
        Commitment.objects.filter(client=OuterRef("pk"), kind=KEEP_IN_TOUCH, start_at__lte=now)
        .order_by("-start_at")
        .values("start_at")[:1]
    )
    return Subquery(latest, output_field=DateTimeField())
