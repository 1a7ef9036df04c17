"""Counting the statements a piece of work sends to the database, for ingest's query budget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Transaction control: how a transaction is begun and ended, not a read or a write.
# (A test that runs inside the suite's transaction sees savepoints where the
# server sees BEGIN and COMMIT.)
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def data_statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]


@contextmanager
def at_most(budget: int) -> Iterator[CaptureQueriesContext]:
    """Fail when the block reads or writes rows in more than ``budget`` statements."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    statements = data_statements(captured)
    assert len(statements) <= budget, (
        f"{len(statements)} statements, budget {budget}:\n" + "\n".join(s[:160] for s in statements)
    )
