"""Reads of the audit log, and the lookup of one row by a unique key."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from agencydesk.core.models import AuditLog

M = TypeVar("M", bound=models.Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None.

    ``first()`` (and a model's default ordering) would add an ORDER BY, compiled
    on every call; the hot lookups of each request (the token, the client, the
    default calendar) find one row or none, so order means nothing there.
    """
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None


def audit_for_object(*, obj: models.Model) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    ).select_related("actor")
