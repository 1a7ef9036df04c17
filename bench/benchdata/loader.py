"""Writing planned rows fast: COPY (PostgreSQL) or executemany (SQLite), batched."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from itertools import repeat
from typing import Any

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from benchdata.base import REBUILD_INDEXES_FROM, _datetimes, _moments


class Loader:
    # --- writing -----------------------------------------------------------------
    #
    # Column builders return, per attname, a list of database-ready plain values
    # (ids, strings, numbers, booleans, None) or, for DateTimeFields, an int64
    # array of UTC microseconds (NONE for NULL). A field left out gets its default.

    def write(self) -> None:
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description:<14}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn("[cyan]{task.fields[rate]:>10}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            disable=self.console.quiet,
        )
        tables = [
            ("users", len(self.users), self._write_users),
            ("calendars", len(self.calendars) - 1, self._write_calendars),
            ("clients", self.n_clients, self._write_clients),
            ("contacts", len(self.ct_client), self._write_contacts),
            ("conversations", len(self.cv_client), self._write_conversations),
            ("messages", len(self.msg["t"]), self._write_messages),
            ("outbox", len(self.auto_rows), self._write_outbox),
            ("commitments", len(self.com["kind"]), self._write_commitments),
            ("breaches", len(self.breach_rows), self._write_breaches),
        ]
        with self._loader_session(), progress:
            bars = {
                name: progress.add_task(name, total=total, rate="", start=False)
                for name, total, _ in tables
            }
            for name, total, write in tables:
                progress.start_task(bars[name])
                t0 = time.perf_counter()
                done = [0]

                def advance(n: int, name: str = name, t0: float = t0, done: list = done) -> None:
                    done[0] += n
                    rate = done[0] / max(time.perf_counter() - t0, 1e-9)
                    progress.update(bars[name], advance=n, rate=f"{rate:,.0f}/s")

                write(advance)
                self.seconds[name] = time.perf_counter() - t0
                self.written[name] = total

    @contextmanager
    def _loader_session(self) -> Iterator[None]:
        """A loader's session settings, restored afterwards.

        SQLite: a 256 MB page cache and no fsync at commits (a crash mid-load
        loses bench rows only; WAL keeps the file consistent). PostgreSQL:
        asynchronous commit.
        """
        settings = {
            "sqlite": [("PRAGMA cache_size", "-262144"), ("PRAGMA synchronous", "OFF")],
            "postgresql": [("synchronous_commit", "off")],
        }.get(connection.vendor, [])
        if connection.in_atomic_block:  # inside a caller's transaction (tests): leave it be
            settings = []
        saved = []
        with connection.cursor() as cursor:
            for name, value in settings:
                if connection.vendor == "sqlite":
                    cursor.execute(name)
                    saved.append((name, cursor.fetchone()[0]))
                    cursor.execute(f"{name}={value}")
                else:
                    cursor.execute(f"SHOW {name}")
                    saved.append((name, cursor.fetchone()[0]))
                    cursor.execute(f"SET {name} TO {value}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for name, value in saved:
                    if connection.vendor == "sqlite":
                        cursor.execute(f"{name}={int(value)}")
                    else:
                        cursor.execute(f"SET {name} TO %s", [value])

    def _bulk(
        self,
        model: type[models.Model],
        n: int,
        columns: Callable[[int, int], dict[str, Any]],
        advance: Callable[[int], None],
    ) -> np.ndarray:
        """Insert ``n`` rows in batches of ``--batch``; returns their ids in order."""
        fast = not self.plain and connection.vendor in ("sqlite", "postgresql")
        # A big load into an empty table: build its secondary indexes once at the
        # end (a sorted build) instead of updating them row by row, 40 % faster at
        # 2M messages. One transaction holds the drop, the load and the rebuild,
        # so an interrupted run leaves the table empty with every index in place.
        rebuild = (
            self._index_statements(model)
            if fast
            and self.rebuild_indexes
            and n >= REBUILD_INDEXES_FROM
            and not connection.in_atomic_block
            else []
        )
        if rebuild and model.objects.exists():
            rebuild = []
        ids = np.empty(n, dtype=np.int64)
        with transaction.atomic() if rebuild else nullcontext():
            self._drop_indexes(rebuild)
            for lo in range(0, n, self.batch):
                hi = min(lo + self.batch, n)
                t0 = time.perf_counter()
                values = columns(lo, hi)
                self.timing["plan"] += time.perf_counter() - t0
                if fast:
                    ids[lo:hi] = self._copy(model, values, hi - lo)
                else:
                    t0 = time.perf_counter()
                    ids[lo:hi] = self._bulk_create(model, values, hi - lo)
                    self.timing["insert"] += time.perf_counter() - t0
                advance(hi - lo)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                if rebuild and connection.vendor == "postgresql":
                    # fire the deferred foreign key checks now: PostgreSQL builds no
                    # index on a table with pending trigger events
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for _name, sql in rebuild:
                    cursor.execute(sql)
            self.timing["indexes"] += time.perf_counter() - t0
        return ids

    @staticmethod
    def _index_statements(model: type[models.Model]) -> list[tuple[str, str]]:
        """The model's non-unique secondary indexes that exist, as the schema editor creates them."""
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            editor.create_model(model)
            statements = [str(sql) for sql in editor.deferred_sql]
        with connection.cursor() as cursor:
            existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
        result = []
        for sql in statements:
            if not sql.startswith("CREATE INDEX "):
                continue
            name = sql.split('"')[1] if '"' in sql else sql.split()[2]
            info = existing.get(name)
            if info and info["index"] and not info["unique"] and not info["primary_key"]:
                result.append((name, sql))
        return result

    @staticmethod
    def _drop_indexes(indexes: list[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    @staticmethod
    def _bulk_create(model: type[models.Model], values: dict[str, Any], k: int) -> list[int]:
        """``bulk_create`` of one batch; instances are built positionally (``Model.__init__``'s fast path)."""
        cols: list[Iterable[Any]] = []
        for f in model._meta.concrete_fields:
            col = values.get(f.attname)
            if col is None:
                col = repeat(None if f.primary_key else f.get_default(), k)
            elif isinstance(col, np.ndarray):
                col = _moments(col) if isinstance(f, models.DateTimeField) else col.tolist()
            cols.append(col)
        objs = [model(*row) for row in zip(*cols, strict=False)]
        model.objects.bulk_create(objs, batch_size=k)
        return [o.pk for o in objs]  # type: ignore[misc]

    def _copy(self, model: type[models.Model], values: dict[str, Any], k: int) -> np.ndarray:
        """One batch straight into the table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

        ``bulk_create`` spends ~3/4 of its time preparing every value of every
        row field by field; here each column is adapted once, as a whole. Ids are
        reserved first (the sequence on PostgreSQL; on SQLite under the write
        lock ``BEGIN IMMEDIATE`` holds for the batch), so concurrent writers
        cannot collide with them.
        """
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(f.column) for f in fields)
        with transaction.atomic(), connection.cursor() as cursor:
            ids = self._reserve_ids(cursor, model, k)
            t0 = time.perf_counter()
            cols = [
                ids.tolist() if f.primary_key else self._adapt(f, values.get(f.attname), k)
                for f in fields
            ]
            rows = list(zip(*cols, strict=True))
            t1 = time.perf_counter()
            self.timing["adapt"] += t1 - t0
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                # names come from the model's own _meta, quoted
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                cursor.executemany(sql, rows)
            self.timing["insert"] += time.perf_counter() - t1
        return ids

    @staticmethod
    def _reserve_ids(cursor: Any, model: type[models.Model], k: int) -> np.ndarray:
        table, column = model._meta.db_table, model._meta.pk.column
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, k],
            )
            return np.sort(np.array([row[0] for row in cursor.fetchall()], dtype=np.int64))
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        base = max(top, row[0] if row else 0)
        return np.arange(base + 1, base + 1 + k, dtype=np.int64)

    @staticmethod
    def _adapt(field: models.Field, col: Any, k: int) -> list[Any]:
        """A column in the form the database driver takes, as ``get_db_prep_save`` would give it."""
        db = connections[DEFAULT_DB_ALIAS]  # the object itself: the proxy costs a lookup per use
        if col is None:
            return [field.get_db_prep_save(field.get_default(), db)] * k
        if isinstance(field, models.DateTimeField) and isinstance(col, np.ndarray):
            return _datetimes(col, db.vendor)
        if isinstance(col, np.ndarray):
            col = col.tolist()
        if isinstance(
            field,
            models.CharField
            | models.TextField
            | models.IntegerField
            | models.BooleanField
            | models.FloatField
            | models.ForeignKey,
        ):
            return list(col)  # plain values already
        if isinstance(field, models.JSONField) and field.encoder is None:
            # adapt_json_value: json.dumps (SQLite); COPY's text format takes the same (jsonb)
            return [None if v is None else json.dumps(v) for v in col]
        return [field.get_db_prep_save(v, db) for v in col]
