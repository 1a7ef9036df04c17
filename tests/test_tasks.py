"""Tasks run on both backends: the database one (embedded) and Redis (RQ) with a separate worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require
from django.test import override_settings

VENV_BIN = Path(sys.executable).parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


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
    agencydesk = str(VENV_BIN / "agencydesk")

    def run(*args: str) -> str:
        done = subprocess.run(
            [agencydesk, *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("manage", "migrate", "--noinput")
    send = (
        "from django.utils import timezone\n"
        "from agencydesk.clients.services import client_create\n"
        "from agencydesk.messaging.services import message_send\n"
        "import django_rq\n"
        "django_rq.get_queue('default').empty()\n"
        "c = client_create(by=None, at=timezone.now(), name='Acme', crisis_mode=True)\n"
        "box = message_send(client=c, text='Hello', by=None, at=timezone.now())\n"
        "print('state', box.state, 'queued', django_rq.get_queue('default').count)\n"
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
