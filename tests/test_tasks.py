"""Tasks run on both backends: the database one (embedded) and Redis (RQ) with a separate worker.

Urgent work is served before the default queue on both; task rows of a worker that died are
swept by the desk's clock; the demo's history leaves no sends for a worker.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import require
from django.test import override_settings

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def _cli(env: dict[str, str]):
    """``run(*args)``: the ``agencydesk`` command with ``env``; its output, or a failed test."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(VENV_BIN / "agencydesk"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    return run


DB_TASKS = {
    "default": {
        "BACKEND": "agencydesk.core.task_backends.QueueOrderedDatabaseBackend",
        "QUEUES": ["urgent", "default"],
    }
}


@pytest.mark.django_db(transaction=True)
def test_database_backend_runs_a_calendar_recompute_in_the_worker(director, monkeypatch):
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from agencydesk import cli
    from agencydesk.calendars import services
    from agencydesk.calendars.selectors import calendar_default

    ran = []
    monkeypatch.setattr(services, "RECOMPUTERS", [lambda cal, eng: ran.append(eng.hours) or 3])
    with override_settings(TASKS=DB_TASKS):
        services.calendar_save(
            calendar=calendar_default(), by=director, at=timezone.now(), hours="mon-fri 08:00-16:00"
        )
        queued = DBTaskResult.objects.get()
        assert queued.status == TaskResultStatus.READY
        assert ran == []  # nothing runs before a worker takes it
        assert cli.main(["worker", "--burst"]) == 0
    done = DBTaskResult.objects.get()
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 3
    assert ran == ["mon-fri 08:00-16:00"]


def test_redis_backend_runs_tasks_in_a_separate_worker_process(tmp_path):
    redis_url = os.environ.get("REDIS_TEST_URL", "")
    require(bool(redis_url), "no Redis server: set REDIS_TEST_URL (./dev test starts redis-server)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rq.db'}",
        "AGENCYDESK_DATA_DIR": str(tmp_path / "data"),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "rq-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    }
    run = _cli(env)

    run("manage", "migrate", "--noinput")
    send = (
        "from django.utils import timezone\n"
        "from agencydesk.clients.services import client_create\n"
        "from agencydesk.messaging.services import message_send\n"
        "import django_rq\n"
        "django_rq.get_queue('urgent').empty()\n"
        "c = client_create(by=None, at=timezone.now(), name='Acme', crisis_mode=True)\n"
        "box = message_send(client=c, text='Hello', by=None, at=timezone.now())\n"
        "print('state', box.state, 'queued', django_rq.get_queue('urgent').count)\n"
    )
    assert "state queued queued 1" in run("manage", "shell", "-c", send)
    run("worker", "--burst", "--no-clock")
    delivered = (
        "from agencydesk.messaging.models import Delivery, OutboundMessage\n"
        "print('deliveries', Delivery.objects.count(), OutboundMessage.objects.get().state)\n"
    )
    assert "deliveries 1 sent" in run("manage", "shell", "-c", delivered)
    enqueue = (
        "from django.utils import timezone\n"
        "from agencydesk.calendars.selectors import calendar_default\n"
        "from agencydesk.calendars.services import calendar_save\n"
        "from django.db import transaction\n"
        "from django_tasks_rq.backend import RQBackend\n"
        "import django_rq\n"
        "django_rq.get_queue('default').empty()\n"
        "from django_rq.queues import get_queue\n"
        "from rq.registry import FinishedJobRegistry\n"
        "reg = FinishedJobRegistry(queue=get_queue('default'))\n"
        "[reg.remove(j) for j in reg.get_job_ids()]\n"
        "calendar_save(calendar=calendar_default(), by=None, at=timezone.now(), hours='mon-fri 07:00-15:00')\n"
        "print('queued', django_rq.get_queue('default').count)\n"
    )
    assert "queued 1" in run("manage", "shell", "-c", enqueue)
    run("worker", "--burst")
    check = (
        "import django_rq\n"
        "from rq.job import Job\n"
        "from rq.registry import FinishedJobRegistry\n"
        "q = django_rq.get_queue('default')\n"
        "ids = FinishedJobRegistry(queue=q).get_job_ids()\n"
        "print('finished', len(ids), 'left', q.count)\n"
    )
    assert "finished 1 left 0" in run("manage", "shell", "-c", check)


@pytest.mark.django_db(transaction=True)
def test_database_backend_delivers_the_outbox_in_the_worker(director):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from agencydesk import cli
    from agencydesk.clients.services import client_create
    from agencydesk.messaging.models import Delivery

    with override_settings(TASKS=DB_TASKS):
        client = client_create(by=director, at=timezone.now(), name="Acme", crisis_mode=True)
        from agencydesk.messaging.services import message_send

        outbox = message_send(client=client, text="Hello", by=director, at=timezone.now())
        assert DBTaskResult.objects.count() == 1 and not Delivery.objects.exists()
        assert cli.main(["worker", "--burst", "--no-clock"]) == 0
    outbox.refresh_from_db()
    assert outbox.state == "sent" and Delivery.objects.count() == 1


def _a_thousand_default_tasks_then_one_urgent() -> None:
    from agencydesk.calendars.tasks import calendar_recompute_task
    from agencydesk.integrations.telegram.tasks import updates_process_task

    for _ in range(1000):
        calendar_recompute_task.enqueue(0, 0)  # no such calendar: each run does nothing
    updates_process_task.enqueue()


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_an_urgent_task_before_a_thousand_waiting_default_ones():
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from agencydesk import cli

    updates = "agencydesk.integrations.telegram.tasks.updates_process_task"
    with override_settings(TASKS=DB_TASKS):
        _a_thousand_default_tasks_then_one_urgent()
        assert cli.main(["worker", "--burst", "--max-tasks", "1", "--no-clock"]) == 0
        ran = DBTaskResult.objects.exclude(status=TaskResultStatus.READY)
        assert list(ran.values_list("task_path", "queue_name", "status")) == [
            (updates, "urgent", TaskResultStatus.SUCCESSFUL)
        ]
        assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1000

        # A worker told to serve the default queue alone leaves urgent work to the others.
        DBTaskResult.objects.filter(task_path=updates).update(status=TaskResultStatus.READY)
        assert (
            cli.main(["worker", "--burst", "--max-tasks", "1", "--no-clock", "--queue", "default"])
            == 0
        )
        ran = DBTaskResult.objects.exclude(status=TaskResultStatus.READY)
        assert list(ran.values_list("queue_name", flat=True)) == ["default"]
        assert DBTaskResult.objects.get(task_path=updates).status == TaskResultStatus.READY


def test_worker_queues_are_a_list_in_serving_order():
    from agencydesk.cli import worker_queues

    assert worker_queues(None) == ["urgent", "default"]
    assert worker_queues(["default,urgent"]) == ["default", "urgent"]
    assert worker_queues(["urgent", "default", "urgent"]) == ["urgent", "default"]
    with pytest.raises(ValueError, match="unknown queue urgnet; the queues are: urgent, default"):
        worker_queues(["urgnet"])
    with pytest.raises(ValueError, match="unknown queue"):
        worker_queues([" , "])


def test_worker_refuses_an_unknown_queue(capsys):
    from agencydesk import cli

    assert cli.main(["worker", "--burst", "--no-clock", "--queue", "urgent,slow"]) == 2
    assert "unknown queue slow" in capsys.readouterr().err


def test_redis_worker_runs_an_urgent_task_before_a_thousand_waiting_default_ones(tmp_path):
    redis_url = os.environ.get("REDIS_TEST_URL", "")
    require(bool(redis_url), "no Redis server: set REDIS_TEST_URL (./dev test starts redis-server)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rq.db'}",
        "AGENCYDESK_DATA_DIR": str(tmp_path / "data"),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "rq-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "PYTHONPATH": str(ROOT),
    }
    run = _cli(env)

    run("manage", "migrate", "--noinput")
    clean = (
        "import django_rq\n"
        "from rq.registry import FinishedJobRegistry\n"
        "for name in ('urgent', 'default'):\n"
        "    q = django_rq.get_queue(name)\n"
        "    q.empty()\n"
        "    reg = FinishedJobRegistry(queue=q)\n"
        "    [reg.remove(j) for j in reg.get_job_ids()]\n"
        "from tests.test_tasks import _a_thousand_default_tasks_then_one_urgent as fill\n"
        "fill()\n"
        "print('waiting', django_rq.get_queue('default').count, django_rq.get_queue('urgent').count)\n"
    )
    assert "waiting 1000 1" in run("manage", "shell", "-c", clean)
    run("worker", "--burst", "--max-tasks", "1", "--no-clock", "--simple")
    check = (
        "import django_rq\n"
        "from rq.registry import FinishedJobRegistry\n"
        "u, d = django_rq.get_queue('urgent'), django_rq.get_queue('default')\n"
        "print('finished', len(FinishedJobRegistry(queue=u).get_job_ids()),"
        " len(FinishedJobRegistry(queue=d).get_job_ids()), 'left', u.count, d.count)\n"
        "d.empty()\n"
    )
    assert "finished 1 0 left 0 1000" in run("manage", "shell", "-c", check)


def _running_row(task, *args, worker: str, started_at):
    """A task row as a worker leaves it when it claimed the task and never came back."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started_at, worker_ids=[worker]
    )
    return DBTaskResult.objects.get(pk=result.id)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_a_running_task_of_a_dead_worker_is_failed_and_run_again():
    import time_machine
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from agencydesk.calendars.tasks import calendar_recompute_task
    from agencydesk.commitments.clock import TICKS
    from agencydesk.core import workers

    assert workers.tasks_abandoned_sweep in TICKS
    ours = workers.worker_id().rsplit(":", 2)[0]  # machine:pid-namespace
    with override_settings(TASKS=DB_TASKS), time_machine.travel(NOW, tick=False):
        lost = _running_row(
            calendar_recompute_task, 7, 3, worker=f"{ours}:{_dead_pid()}:abc123", started_at=NOW
        )
        # Alive and recent: this process, and a worker elsewhere that started a minute ago.
        alive = _running_row(
            calendar_recompute_task, 8, 1, worker=f"{ours}:{os.getpid()}:abc123", started_at=NOW
        )
        elsewhere = _running_row(
            calendar_recompute_task,
            9,
            1,
            worker="other-host:4026531836:12:abc123",
            started_at=NOW - dt.timedelta(minutes=1),
        )
        assert workers.tasks_abandoned_sweep(now=NOW) == {"abandoned": 1, "rerun": 1}
        lost.refresh_from_db()
        assert lost.status == TaskResultStatus.FAILED and lost.finished_at == NOW
        assert lost.exception_class_path == "agencydesk.core.workers.WorkerLost"
        assert "stopped while running the task" in lost.traceback
        again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert (again.task_path, again.args_kwargs["args"]) == (lost.task_path, [7, 3])
        assert {r.status for r in DBTaskResult.objects.filter(pk__in=[alive.pk, elsewhere.pk])} == {
            TaskResultStatus.RUNNING
        }
        # A second clock finds nothing more to do.
        assert workers.tasks_abandoned_sweep(now=NOW) == {"abandoned": 0, "rerun": 0}


@pytest.mark.django_db(transaction=True)
def test_a_running_task_nobody_can_ask_about_is_given_up_after_the_timeout(settings):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from agencydesk.calendars.tasks import calendar_recompute_task
    from agencydesk.core.workers import tasks_abandoned_sweep

    settings.TASKS_RUNNING_TIMEOUT = 900
    with override_settings(TASKS=DB_TASKS):
        # ``db_worker`` names its workers with random ids: only the age of the row tells.
        row = _running_row(
            calendar_recompute_task,
            5,
            2,
            worker="f" * 32,
            started_at=NOW - dt.timedelta(seconds=899),
        )
        assert tasks_abandoned_sweep(now=NOW) == {"abandoned": 0, "rerun": 0}
        assert tasks_abandoned_sweep(now=NOW + dt.timedelta(seconds=1)) == {
            "abandoned": 1,
            "rerun": 1,
        }
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED and "gave no end in 0:15:00" in row.traceback
        assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_send_is_failed_but_never_sent_again_by_the_sweep(director):
    import time_machine
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from agencydesk.clients.services import client_create
    from agencydesk.core import workers
    from agencydesk.messaging.models import Delivery, OutboundMessage
    from agencydesk.messaging.services import message_send
    from agencydesk.messaging.tasks import outbox_send
    from agencydesk.outbox.services import STUCK_SENDING, outbox_tick

    ours = workers.worker_id().rsplit(":", 2)[0]
    with override_settings(TASKS=DB_TASKS), time_machine.travel(NOW, tick=False):
        client = client_create(by=director, at=NOW, name="Acme", crisis_mode=True)
        outbox = message_send(client=client, text="Hello", by=director, at=NOW)
        DBTaskResult.objects.all().delete()
        # The worker claimed the row and died inside the channel's call: it may be out.
        OutboundMessage.objects.filter(pk=outbox.pk).update(state="sending", claimed_at=NOW)
        _running_row(outbox_send, outbox.pk, worker=f"{ours}:{_dead_pid()}:x", started_at=NOW)
        assert workers.tasks_abandoned_sweep(now=NOW) == {"abandoned": 1, "rerun": 0}
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
        outbox.refresh_from_db()
        assert outbox.state == "sending" and not Delivery.objects.exists()
        # The outbox's own reconciliation decides, from what the channel says.
        later = NOW + STUCK_SENDING
        with time_machine.travel(later, tick=False):
            assert outbox_tick(now=later)["reconciled"] == 1


def test_a_worker_killed_mid_task_is_swept_and_its_task_run_again(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.db'}",
        "AGENCYDESK_DATA_DIR": str(tmp_path / "data"),
        "TASKS_BACKEND": "database",
        "SECRET_KEY": "kill-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "PYTHONPATH": str(ROOT),
    }
    agencydesk = str(VENV_BIN / "agencydesk")
    marker = tmp_path / "napping"

    run = _cli(env)

    def rows() -> list[tuple[str, str, str, str]]:
        with sqlite3.connect(tmp_path / "kill.db") as db:
            return db.execute(
                "SELECT status, worker_ids, exception_class_path, args_kwargs"
                " FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
            ).fetchall()

    run("manage", "migrate", "--noinput")
    run(
        "manage",
        "shell",
        "-c",
        f"from tests.slow_tasks import nap; nap.enqueue({str(marker)!r}, 60)",
    )
    worker = subprocess.Popen(
        [agencydesk, "worker", "--no-clock", "--queue", "default"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the worker never started the task"
        [(status, worker_ids, _error, _args)] = rows()
        assert status == "RUNNING" and f":{worker.pid}:" in worker_ids
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert rows()[0][0] == "RUNNING"  # nothing in the worker could say it stopped
    # Any worker's clock, here one round of a burst worker of the urgent queue.
    run("worker", "--burst", "--queue", "urgent")
    (status, _ids, error, args), (status_again, _ids_again, _none, args_again) = rows()
    assert (status, error) == ("FAILED", "agencydesk.core.workers.WorkerLost")
    assert status_again == "READY" and args_again == args


@pytest.mark.django_db
def test_the_demo_history_leaves_no_sends_for_a_worker(django_capture_on_commit_callbacks):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from agencydesk.demo import demo_load
    from agencydesk.messaging.models import Message, OutboundMessage

    with (
        override_settings(TASKS=DB_TASKS),
        django_capture_on_commit_callbacks(execute=True) as after_commit,
    ):
        assert demo_load() == 40
    assert after_commit  # the sends' after-commit work ran, and found nothing to hand over
    # Before: 32,403 outbox tasks and 277 queued or held rows for three weeks of the past.
    assert DBTaskResult.objects.count() == 0
    assert not OutboundMessage.objects.exclude(state__in=["sent", "held"]).exists()
    # Held only when its moment is still to come (an acknowledgement waiting for Monday).
    assert not OutboundMessage.objects.filter(state="held", send_after__lte=timezone.now()).exists()
    outbound = Message.objects.filter(direction="out")
    assert outbound.filter(automatic=False).count() > 150
    acknowledgements = outbound.filter(automatic=True)
    assert acknowledgements.count() > 50
    assert OutboundMessage.objects.filter(message__in=acknowledgements).count() == (
        acknowledgements.count()
    )
