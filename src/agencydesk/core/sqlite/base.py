"""SQLite for a threaded server: the threads of one process queue for the write lock in Python.

SQLite lets one writer in at a time. A thread refused by SQLite sleeps in its
busy handler, 1, 2, 5, 10 … up to 100 ms at a go, however soon the lock is
free again, so at a modest load most of a request's time was spent asleep
beside an idle database. Here every write transaction of the process first
takes a Python lock (handed over at once when released), then ``BEGIN
IMMEDIATE``; other processes on the same file still meet SQLite's own lock.
Reads take no lock: WAL lets them run beside the writer.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _write_lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holds_write_lock = False

    def _queue_for_writes(self) -> bool:
        return not self.is_in_memory_db()

    def _start_transaction_under_autocommit(self) -> None:
        if not self._queue_for_writes():
            super()._start_transaction_under_autocommit()
            return
        lock = _write_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for this process's writers)")
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _write_lock(str(self.settings_dict["NAME"])).release()

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_write_lock()
