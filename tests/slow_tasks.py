"""A task that takes its time, for killing the worker that runs it (see test_tasks.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from agencydesk.core.workers import rerun_when_abandoned


@rerun_when_abandoned
@task()
def nap(marker: str, seconds: float) -> int:
    """Say which process runs it, then sleep."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()
