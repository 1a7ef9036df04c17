"""Due and action moments of many commitments, recomputed in one pass after a calendar change.

A calendar with 100,000 open commitments is recomputed in about a second:

* the rows are read as plain values, each moment as integer microseconds
  computed by the database (no datetime, no model instance per row);
* every due moment comes from one ``add_many`` of the engine and every
  action moment from the kind's vectorised ``action_moments``
  (:func:`commitments_moments`, the engine's share, timed apart by the bench);
* only the rows whose moments changed are written, in one set-based UPDATE
  (PostgreSQL joins arrays, SQLite a temporary table), **conditional** on the
  row being still active and still holding the moments that were read: a
  commitment met, cancelled or rescheduled meanwhile is left as it is, never
  reopened nor given back an action moment;
* each written row leaves one ``commitment.recompute`` audit row (the
  commitment's own history says its due moment moved, from what to what, and
  why), inserted in bulk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import BigIntegerField, Func, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.kinds import KINDS, Batch, kind_label
from agencydesk.commitments.models import Commitment
from agencydesk.core.services import audit_rows_insert, server_binding_cursor

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from agencydesk.calendars.engine import WorkCalendar

Us = npt.NDArray[np.int64]
NAT = np.iinfo(np.int64).min  # NaT as int64: no action moment
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# Django stores a SQLite datetime as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
_SQLITE_US = (
    "(CAST(strftime('%%s', {0}) AS INTEGER) * 1000000 + CAST(substr({0}, 21, 6) AS INTEGER))"
)
_SQLITE_TEXT = (
    "CASE WHEN {0} IS NULL THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', {0} / 1000000, "
    "'unixepoch') || CASE WHEN {0} % 1000000 = 0 THEN '' ELSE printf('.%06d', {0} % 1000000) END END"
)
SQLITE_CACHE_KIB = -262144  # 256 MiB at most, only while a bulk recompute writes
_PG_MOMENT = "(TIMESTAMPTZ 'epoch' + {0} * INTERVAL '1 microsecond')"


class EpochUs(Func):
    """Microseconds since 1970 UTC of a datetime column, exact, computed by the database."""

    output_field = BigIntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
            **extra,
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return _SQLITE_US.format(sql), list(params)


@dataclass
class Rows:
    """The active business-time commitments being recomputed, column by column."""

    ids: Us
    client_ids: list[int | None]
    kinds: list[str]
    start: Us
    minutes: Us
    due: Us
    action: Us
    params: list[str | dict[str, Any] | None]

    def params_of(self, idx: Us) -> list[dict[str, Any]]:
        """The reason parameters of the rows ``idx``, parsed only for the kinds that read them."""
        chosen = [self.params[i] for i in idx.tolist()]
        if all(isinstance(p, str) for p in chosen):
            # one parse of one array: a json.loads per row costs more than the engine
            parsed: list[Any] = json.loads(f"[{','.join(chosen)}]")  # type: ignore[arg-type]
        else:
            parsed = [json.loads(p) if isinstance(p, str) else p for p in chosen]
        return [p or {} for p in parsed]


def _fast_vendor() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def _us(value: datetime | None) -> int:
    return NAT if value is None else (value - EPOCH) // MICROSECOND


def _moment(value: int) -> datetime | None:
    return None if value == NAT else EPOCH + timedelta(microseconds=value)


def commitments_rows(qs: QuerySet[Commitment]) -> Rows:
    """The active commitments of ``qs`` counted in business time, as plain columns."""
    active = qs.filter(state__in=ACTIVE_STATES, business_minutes__gt=0)
    fields = ["id", "client_id", "kind", "business_minutes", "reason_params"]
    if _fast_vendor():
        values = list(
            active.annotate(
                _start=EpochUs("start_at"),
                _due=EpochUs("due_at"),
                _action=EpochUs("action_at"),
                _params=Cast("reason_params", TextField()),
            ).values_list(*fields[:-1], "_params", "_start", "_due", "_action")
        )
        convert = int
    else:
        values = list(active.values_list(*fields, "start_at", "due_at", "action_at"))
        convert = _us  # type: ignore[assignment]
    if not values:
        none = np.empty(0, np.int64)
        return Rows(none, [], [], none, none, none, none, [])
    ids, clients, kinds, minutes, params, start, due, action = zip(*values, strict=True)
    return Rows(
        ids=np.array(ids, dtype=np.int64),
        client_ids=list(clients),
        kinds=list(kinds),
        start=np.array([convert(v) for v in start], dtype=np.int64),
        minutes=np.array(minutes, dtype=np.int64),
        due=np.array([convert(v) for v in due], dtype=np.int64),
        action=np.array([NAT if v is None else convert(v) for v in action], dtype=np.int64),
        params=list(params),
    )


def commitments_moments(rows: Rows, engine: WorkCalendar) -> tuple[Us, Us]:
    """The new due and action moments of ``rows`` in ``engine``: the engine's share of a recompute.

    A row without an action moment keeps none; a kind without a way to
    recompute it keeps the one it has; a kind that only declares the scalar
    ``action_moment`` is asked row by row.
    """
    due = engine.add_many(rows.start.view("datetime64[us]"), rows.minutes).view(np.int64)
    action = rows.action.copy()
    kinds = np.array(rows.kinds, dtype=object)
    has_action = rows.action != NAT
    for code in set(rows.kinds):
        spec = KINDS.get(code)
        if spec is None or spec.action_moment is None:
            continue
        idx = np.flatnonzero((kinds == code) & has_action)
        if not idx.size:
            continue
        if spec.action_moments is not None:
            batch = Batch(
                start=rows.start[idx].view("datetime64[us]"),
                due=due[idx].view("datetime64[us]"),
                action=rows.action[idx].view("datetime64[us]"),
                params=rows.params_of(idx),
            )
            moments = spec.action_moments(batch, engine)
            action[idx] = np.asarray(moments).astype("datetime64[us]").view(np.int64)
            continue
        for i in idx.tolist():
            row = Commitment(
                kind=code,
                start_at=_moment(int(rows.start[i])),
                due_at=_moment(int(due[i])),
                action_at=_moment(int(rows.action[i])),
                business_minutes=int(rows.minutes[i]),
                reason_params=rows.params_of(np.array([i]))[0],
            )
            action[i] = _us(spec.action_moment(row, engine))
    return due, action


def _write_postgresql(table: str, rows: Rows, due: Us, action: Us, pick: Us) -> set[int]:
    def column(values: Us) -> list[int | None]:
        return [None if v == NAT else v for v in values[pick].tolist()]

    sql = (
        f"UPDATE {table} AS c SET due_at = {_PG_MOMENT.format('v.due')}, "  # noqa: S608 (our own table)
        f"action_at = {_PG_MOMENT.format('v.action')} "
        "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[]) "
        "AS v(id, due, action, old_due, old_action) "
        f"WHERE c.id = v.id AND c.state = ANY(%s) AND c.due_at = {_PG_MOMENT.format('v.old_due')} "
        f"AND c.action_at IS NOT DISTINCT FROM {_PG_MOMENT.format('v.old_action')} "
        "RETURNING c.id"
    )
    params = [
        rows.ids[pick].tolist(),
        column(due),
        column(action),
        column(rows.due),
        column(rows.action),
        list(ACTIVE_STATES),
    ]
    with server_binding_cursor() as cursor:
        cursor.execute(sql, params)
        return {r[0] for r in cursor.fetchall()}


def _write_sqlite(table: str, rows: Rows, due: Us, action: Us, pick: Us) -> set[int]:
    def nullable(values: Us) -> list[int | None]:
        return [None if v == NAT else v for v in values[pick].tolist()]

    # One JSON parameter instead of a temporary table: json_each reads it in C.
    payload = json.dumps(
        list(
            zip(
                rows.ids[pick].tolist(),
                due[pick].tolist(),
                nullable(action),
                rows.due[pick].tolist(),
                nullable(rows.action),
                strict=True,
            )
        )
    )
    states = ", ".join(["%s"] * len(ACTIVE_STATES))
    text = _SQLITE_TEXT.replace("%", "%%")  # the cursor formats the statement
    sql = (
        f"UPDATE {table} SET due_at = {text.format('m.due')}, "  # noqa: S608 (our own table)
        f"action_at = {text.format('m.action')} "
        "FROM (SELECT value ->> 0 AS id, value ->> 1 AS due, value ->> 2 AS action, "
        "value ->> 3 AS old_due, value ->> 4 AS old_action FROM json_each(%s)) AS m "
        # The unary + keeps the planner from scanning the table by its state index
        # (once per row of m): the rows of m are looked up by primary key instead.
        f"WHERE {table}.id = m.id AND +{table}.state IN ({states}) "
        f"AND {_SQLITE_US.format(f'{table}.due_at')} = m.old_due "
        f"AND {_SQLITE_US.format(f'{table}.action_at')} IS m.old_action "
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload, *ACTIVE_STATES])
        return {r[0] for r in cursor.fetchall()}


@contextmanager
def _large_sqlite_cache() -> Iterator[None]:
    """A larger SQLite page cache while a bulk recompute writes, then the usual one again.

    The three indexes over ``due_at`` and ``action_at`` (and the audit log's)
    are rewritten in random order: with SQLite's default 2 MB cache that
    re-reads the same pages for seconds.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def _write_orm(rows: Rows, due: Us, action: Us, pick: Us) -> set[int]:
    written = set()
    for i in pick.tolist():
        updated = Commitment.objects.filter(
            pk=int(rows.ids[i]),
            state__in=ACTIVE_STATES,
            due_at=_moment(int(rows.due[i])),
            action_at=_moment(int(rows.action[i])),
        ).update(due_at=_moment(int(due[i])), action_at=_moment(int(action[i])))
        if updated:
            written.add(int(rows.ids[i]))
    return written


def _iso(values: Us) -> list[str | None]:
    """``datetime.isoformat()`` of UTC moments (None for none), as the other audit rows write them."""
    text = np.datetime_as_string(values.view("datetime64[us]"), unit="us").tolist()
    return [
        None if t == "NaT" else (t[:-7] if t.endswith(".000000") else t) + "+00:00" for t in text
    ]


def _json(text: str | None) -> str:
    return "null" if text is None else f'"{text}"'


def _audit(rows: Rows, due: Us, action: Us, pick: Us, *, reason: str) -> None:
    """One ``commitment.recompute`` row per written commitment, as ``Commitment.__str__`` names it."""
    labels = {code: kind_label(code) for code in set(rows.kinds)}
    shown = np.datetime_as_string(due[pick].view("datetime64[us]"), unit="m").tolist()
    old_due, new_due = _iso(rows.due[pick]), _iso(due[pick])
    old_action, new_action = _iso(rows.action[pick]), _iso(action[pick])
    audit = []
    for k, i in enumerate(pick.tolist()):
        # The moments are ISO strings (no quotes to escape): JSON by formatting.
        changes = f'{{"due_at": ["{old_due[k]}", "{new_due[k]}"]'
        if old_action[k] != new_action[k]:
            changes += f', "action_at": [{_json(old_action[k])}, {_json(new_action[k])}]'
        client_id = rows.client_ids[i]
        audit.append(
            (
                str(rows.ids[i]),
                f"{labels[rows.kinds[i]]} · {client_id} · {shown[k].replace('T', ' ')}",
                client_id,
                changes + "}",
            )
        )
    audit_rows_insert(
        audit, model=Commitment, action="commitment.recompute", reason=reason, at=timezone.now()
    )


def commitments_recompute(qs: QuerySet[Commitment], engine: WorkCalendar, *, reason: str) -> int:
    """Recompute the active business-time commitments of ``qs`` in ``engine``; returns how many moved."""
    rows = commitments_rows(qs)
    if not rows.ids.size:
        return 0
    due, action = commitments_moments(rows, engine)
    pick = np.flatnonzero((due != rows.due) | (action != rows.action))
    if not pick.size:
        return 0
    table = connection.ops.quote_name(Commitment._meta.db_table)
    with _large_sqlite_cache(), transaction.atomic():
        if connection.vendor == "postgresql":
            written = _write_postgresql(table, rows, due, action, pick)
        elif connection.vendor == "sqlite":
            written = _write_sqlite(table, rows, due, action, pick)
        else:
            written = _write_orm(rows, due, action, pick)
        if len(written) < pick.size:  # some were closed or rescheduled meanwhile
            pick = pick[np.isin(rows.ids[pick], np.fromiter(written, np.int64, len(written)))]
        _audit(rows, due, action, pick, reason=reason)
    return int(pick.size)
