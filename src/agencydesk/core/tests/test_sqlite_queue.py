"""The SQLite backend queues a process's writers in Python instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError

from agencydesk.core.sqlite.base import DatabaseWrapper, _write_lock


def _wrapper(path, timeout: float = 5.0) -> DatabaseWrapper:
    settings = {
        "NAME": str(path),
        "ENGINE": "agencydesk.core.sqlite",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings, alias=f"queue-{id(settings)}")
    wrapper.ensure_connection()  # as atomic() does before it begins
    return wrapper


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker):
    """These tests open their own file database, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "queue.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE row (writer INTEGER, n INTEGER)")
    setup.close()
    return path


def _write(wrapper: DatabaseWrapper, writer: int, n: int, hold: float = 0.0) -> None:
    wrapper._start_transaction_under_autocommit()
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO row VALUES (%s, %s)", [writer, n])
    time.sleep(hold)
    wrapper.commit()


def test_a_second_writer_waits_for_the_first_and_then_gets_in(db_file):
    first, events = _wrapper(db_file), []
    first._start_transaction_under_autocommit()

    def second() -> None:
        wrapper = _wrapper(db_file)
        events.append("second asks")
        _write(wrapper, 2, 1)
        events.append("second wrote")
        wrapper.close()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    # the second writer waits in this process's queue, not in SQLite's busy handler
    assert _write_lock(str(db_file)).locked() and events == ["second asks"]
    events.append("first commits")
    first.commit()
    thread.join(timeout=10)
    first.close()
    assert events == ["second asks", "first commits", "second wrote"]


def test_the_queue_is_left_after_a_rollback_and_after_a_close(db_file):
    wrapper = _wrapper(db_file, timeout=0.5)
    wrapper._start_transaction_under_autocommit()
    wrapper.rollback()
    wrapper._start_transaction_under_autocommit()
    wrapper.close()
    other = _wrapper(db_file, timeout=0.5)
    _write(other, 1, 1)  # would wait 0.5 s and fail if either had kept its place
    other.close()


def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(db_file):
    holder = _wrapper(db_file)
    holder._start_transaction_under_autocommit()
    impatient = _wrapper(db_file, timeout=0.2)
    failures: list[Exception] = []

    def attempt() -> None:
        try:
            impatient._start_transaction_under_autocommit()
        except OperationalError as exc:
            failures.append(exc)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(timeout=10)
    holder.rollback()
    holder.close()
    assert len(failures) == 1 and "locked" in str(failures[0])


def test_many_threads_write_everything_once(db_file):
    errors: list[Exception] = []

    def writer(k: int) -> None:
        wrapper = _wrapper(db_file, timeout=10)
        try:
            for n in range(25):
                _write(wrapper, k, n, hold=0.001)
        except Exception as exc:
            errors.append(exc)
        finally:
            wrapper.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    check = _wrapper(db_file)
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT writer * 100 + n) FROM row")
        total, distinct = cursor.fetchone()
    check.close()
    assert errors == []
    assert total == distinct == 8 * 25
