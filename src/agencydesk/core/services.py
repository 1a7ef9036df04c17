"""Writes shared by every app: the audit helper and validation before a save."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from agencydesk.core.models import AuditLog

if TYPE_CHECKING:
    from agencydesk.accounts.models import User


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the audit trail."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def full_clean_loaded(instance: models.Model) -> None:
    """``full_clean()`` for a row a service builds from objects it has just read.

    Foreign keys given as loaded instances are not looked up again (the
    database's own constraint still guards them), and uniqueness is left to the
    database constraints, which the caller handles: on the hot write paths
    those re-reads were half of all queries.
    """
    loaded = [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation and field.is_cached(instance)  # type: ignore[attr-defined]
    ]
    instance.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj``, keyed by field name, JSON-safe."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
            # At the field's own scale: 150000 read back and 150000.00 typed are one value.
            value = value.quantize(decimal.Decimal(1).scaleb(-(field.decimal_places or 0)))
        result[field.name] = _plain(value)
    return result


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    client_id: int | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> AuditLog:
    """Write one audit row; call it inside the transaction of the change it records."""
    return AuditLog.objects.create(
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        client_id=client_id,
        changes=changes or {},
        reason=reason,
    )


def audit_rows(
    items: list[tuple[models.Model, int | None, dict[str, Any]]],
    *,
    action: str,
    reason: str = "",
    at: dt.datetime | None = None,
    actor: Any = None,
) -> list[AuditLog]:
    """Unsaved audit rows for a bulk change (one per object), for ``bulk_create``."""
    moment = at or timezone.now()
    result = []
    for obj, client_id, changes in items:
        result.append(
            AuditLog(
                at=moment,
                actor=actor,
                action=action,
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                client_id=client_id,
                changes=changes,
                reason=reason,
            )
        )
    return result


def audit_rows_insert(
    rows: list[tuple[str, str, int | None, str]],
    *,
    model: type[models.Model],
    action: str,
    at: dt.datetime,
    reason: str = "",
    actor_id: int | None = None,
) -> int:
    """Write many audit rows of one action about objects of ``model``, without a model instance each.

    ``rows`` are ``(object_id, object_repr, client_id, changes as JSON text)``.
    For bulk changes of tens of thousands of objects (a calendar recompute),
    where an ``AuditLog`` per row and ``bulk_create`` cost seconds: one
    ``INSERT … SELECT FROM unnest`` on PostgreSQL, ``… FROM json_each`` on
    SQLite, one ``executemany`` elsewhere. Call it inside the transaction of the change it records.
    """
    if not rows:
        return 0
    meta = AuditLog._meta
    quote = connection.ops.quote_name
    fields = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(
        quote(fields[name])
        for name in (
            "at",
            "actor",
            "action",
            "content_type",
            "object_id",
            "object_repr",
            "client_id",
            "changes",
            "reason",
        )
    )
    table = quote(meta.db_table)
    content_type_id = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    moment = connection.ops.adapt_datetimefield_value(at)
    fixed = [moment, actor_id, action, content_type_id]
    postgresql = connection.vendor == "postgresql"
    with server_binding_cursor() if postgresql else connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (our own table and columns)
                "SELECT %s, %s, %s, %s, v.oid, v.repr, v.cid, v.changes::jsonb, %s "
                "FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::text[]) "
                "AS v(oid, repr, cid, changes)",
                [
                    *fixed,
                    reason,
                    [r[0] for r in rows],
                    [r[1][:200] for r in rows],
                    [r[2] for r in rows],
                    [r[3] for r in rows],
                ],
            )
        elif connection.vendor == "sqlite":
            # One JSON parameter read by json_each in C, not 9 bound values per row.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (our own table and columns)
                "SELECT %s, %s, %s, %s, value ->> 0, value ->> 1, value ->> 2, value ->> 3, %s "
                "FROM json_each(%s)",
                [*fixed, reason, json.dumps([(o, t[:200], c, ch) for o, t, c, ch in rows])],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (our own table and columns)
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (*fixed, oid, text[:200], cid, changes, reason)
                    for oid, text, cid, changes in rows
                ],
            )
    return len(rows)


@contextlib.contextmanager
def server_binding_cursor() -> Iterator[Any]:
    """On PostgreSQL, a psycopg cursor that sends parameters apart from the statement.

    Django's cursor writes every value into the SQL text (client-side
    binding); for arrays of 100,000 moments that quoting alone takes seconds,
    where the server-side binding sends them as arrays.
    """
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        yield cursor
