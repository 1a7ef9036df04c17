"""The database task backend, serving the urgent queue before the default one."""

from __future__ import annotations

from typing import Any

from django_tasks.base import DEFAULT_TASK_PRIORITY
from django_tasks_db.backend import DatabaseBackend

from agencydesk.core.queues import QUEUE_PRIORITY


class QueueOrderedDatabaseBackend(DatabaseBackend):
    """django-tasks-db's backend, giving each task the priority of its queue.

    Its worker picks the ready task of highest priority among the queues it
    serves, whatever order they are named in; a priority per queue makes a
    worker serving both take an urgent task before any default one. A priority
    set on a task itself is kept.
    """

    def _queue_priority(self, task: Any) -> Any:
        if task.priority == DEFAULT_TASK_PRIORITY and task.queue_name in QUEUE_PRIORITY:
            return task.using(priority=QUEUE_PRIORITY[task.queue_name])
        return task

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        return super().enqueue(self._queue_priority(task), args, kwargs)

    async def aenqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        return await super().aenqueue(self._queue_priority(task), args, kwargs)
