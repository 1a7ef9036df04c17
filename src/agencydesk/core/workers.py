"""Task workers of the database backend: who they are, and what their death leaves behind.

django-tasks-db keeps no heartbeat: a task row says only ``running``, when it
started and the ids of the workers that claimed it. A worker killed mid-task
(SIGKILL, a lost machine, the out-of-memory killer) leaves its row running for
ever. Our workers name themselves after their machine, PID namespace and
process id, so a clock on the same machine can see at once that the process is
gone; a row of any other worker is given up after ``TASKS_RUNNING_TIMEOUT``.

The RQ backend needs none of this: its workers keep a heartbeat, and the
StartedJobRegistry cleanup that every RQ worker runs moves a job whose worker
stopped beating to the FailedJobRegistry.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

BATCH = 200
T = TypeVar("T")

# Tasks whose every run first checks the rows it acts on, so that running one
# again after a lost run cannot act twice. The others have their own recovery
# (the outbox and the bot's notices: their row's state says whether a message
# may be out, and a send that died mid-call must not be repeated blindly).
RERUNNABLE: set[str] = set()


class WorkerLost(Exception):
    """The worker running a task stopped before recording its end."""


def rerun_when_abandoned(task: T) -> T:
    """Declare a task safe to run again when the worker running it died."""
    RERUNNABLE.add(task.module_path)  # type: ignore[attr-defined]
    return task


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "0"  # no /proc: one process space per machine


def worker_id() -> str:
    """``machine:pid-namespace:pid:random``: enough to ask, from the same machine, if it lives."""
    return f"{os.uname().nodename[:40]}:{_pid_namespace()}:{os.getpid()}:{get_random_string(6)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process holds the id: it exists
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # A killed child its parent has not reaped yet is a zombie: dead all the same.
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def worker_gone(worker: str) -> bool:
    """Whether ``worker`` is known dead: one of ours, on this machine, whose process is gone."""
    parts = worker.rsplit(":", 3)
    if len(parts) != 4 or not parts[2].isdigit():
        return False  # not one of ours (``db_worker`` makes random ids): cannot tell
    node, namespace, pid, _random = parts
    if node != os.uname().nodename[:40] or namespace != _pid_namespace():
        return False
    return not _process_alive(int(pid))


def _database_backend_aliases() -> list[str]:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return [
        alias
        for alias in settings.TASKS
        if isinstance(task_backends[alias], DatabaseBackend)  # type: ignore[index]
    ]


def tasks_abandoned_sweep(*, now: datetime) -> dict[str, int]:
    """Mark failed the running task rows whose worker is gone; run the rerunnable ones again."""
    aliases = _database_backend_aliases()
    if not aliases:
        return {"abandoned": 0, "rerun": 0}
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    timeout = timedelta(seconds=settings.TASKS_RUNNING_TIMEOUT)
    abandoned = rerun = 0
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, backend_name__in=aliases
    ).order_by("started_at")
    for row in running[:BATCH]:
        last = row.worker_ids[-1] if row.worker_ids else ""
        if worker_gone(last):
            why = f"worker {last} stopped while running the task"
        elif row.started_at is not None and row.started_at <= now - timeout:
            why = f"worker {last or '?'} gave no end in {timeout}"
        else:
            continue
        acted = _abandon(row, why=why, now=now)
        abandoned += acted is not None
        rerun += bool(acted)
    return {"abandoned": abandoned, "rerun": rerun}


@transaction.atomic
def _abandon(row: Any, *, why: str, now: datetime) -> bool | None:
    """Fail one row, and enqueue its task again if that is safe; None if another clock did it."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    claimed = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {why}",
        return_value=None,
    )
    if not claimed:
        return None
    try:
        task = row.task  # importing the task's module registers it in RERUNNABLE
    except (ImportError, SuspiciousOperation):
        logger.warning("task %s of a lost worker no longer exists: %s", row.pk, row.task_path)
        return False
    if task.module_path not in RERUNNABLE:
        logger.warning("task %s (%s): %s; not run again", row.pk, row.task_path, why)
        return False
    again = task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    logger.warning("task %s (%s): %s; run again as %s", row.pk, row.task_path, why, again.id)
    return True
