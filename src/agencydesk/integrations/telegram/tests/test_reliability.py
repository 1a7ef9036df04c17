"""Reliability: a poller killed with SIGKILL loses and doubles nothing; the outbox under 429s and 500s
delivers each message once and never exceeds Telegram's limits, with several worker processes.

The workers and the poller are separate processes on the test's own database
(a migrated SQLite file, or the PostgreSQL test database under DATABASE_URL).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest

from agencydesk.integrations.telegram.testing import FakeBotApi, Fault, group_message
from agencydesk.integrations.telegram.tests.harness import GROUPS, group_chat_id

AGENCYDESK = str(Path(sys.executable).parent / "agencydesk")
UPDATES = 5000
HARNESS = "from agencydesk.integrations.telegram.tests import harness; harness."


def _postgres_url() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


@pytest.fixture(scope="module")
def _migrated_sqlite(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tg-db")
    path = folder / "template.db"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": f"sqlite:///{path}",
        "AGENCYDESK_DATA_DIR": str(folder / "data"),
        "SECRET_KEY": "reliability-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    }
    subprocess.run(
        [AGENCYDESK, "manage", "migrate", "--noinput"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


@pytest.fixture
def env(request, tmp_path, fake_api: FakeBotApi):
    url = _postgres_url()
    if url is None:
        template = request.getfixturevalue("_migrated_sqlite")
        shutil.copy(template, tmp_path / "x.db")
        url = f"sqlite:///{tmp_path / 'x.db'}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": url,
        "AGENCYDESK_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "reliability-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "TASKS_BACKEND": "immediate",
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_URL": fake_api.url,
        "TELEGRAM_TIMEOUT": "1",
        "LOG_LEVEL": "ERROR",
    }


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [AGENCYDESK, "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _report(env: dict[str, str]) -> dict:
    out = _shell(env, HARNESS + "report()")
    line = next(line for line in out.splitlines() if line.startswith("REPORT "))
    return json.loads(line[len("REPORT ") :])


@pytest.mark.django_db(transaction=True)
def test_poller_killed_three_times_stores_every_update_exactly_once(env, fake_api):
    _shell(env, HARNESS + "seed_inbound()")
    per_chat: Counter[int] = Counter()
    updates = []
    for update_id in range(1, UPDATES + 1):
        chat = group_chat_id(update_id % GROUPS)
        per_chat[chat] += 1
        updates.append(
            group_message(
                update_id=update_id,
                chat_id=chat,
                message_id=per_chat[chat],
                is_forum=True,
                text=f"сообщение {update_id}",
                thread_id=7 if update_id % 3 == 0 else None,
                user_id=10_000 + update_id % 50,
            )
        )
    fake_api.push(*updates)
    poll = [AGENCYDESK, "telegram", "poll", "--timeout", "1", "--exit-when-idle"]
    started = time.monotonic()
    for threshold, delay in ((1000, 0.05), (2500, 0.3), (4000, 0.6)):
        poller = subprocess.Popen(poll, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while fake_api.confirmed_below < threshold:
            assert poller.poll() is None, poller.stderr.read().decode() if poller.stderr else ""
            assert time.monotonic() - started < 240, "the poller is stuck"
            time.sleep(0.02)
        time.sleep(delay)  # inside the next round: storing or processing
        poller.send_signal(signal.SIGKILL)
        poller.wait()
        assert poller.returncode == -signal.SIGKILL
    done = subprocess.run(poll, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = _report(env)
    print(f"\ninbound: {report} in {time.monotonic() - started:.1f} s")
    assert report["updates"] == UPDATES
    assert report["updates_done"] == UPDATES
    assert report["messages"] == UPDATES
    assert report["distinct_external_ids"] == UPDATES
    assert fake_api.confirmed_below == UPDATES + 1


def _max_in_window(times: list[float], window: float) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.django_db(transaction=True)
def test_500_replies_under_429s_and_500s_are_each_delivered_once_within_the_limits(env, fake_api):
    attempts: Counter[str] = Counter()

    def fault(method, params):
        if method != "sendMessage":
            return None
        text = str(params["text"])
        attempts[text] += 1
        n = int(text[1:])
        if attempts[text] == 1 and n % 10 == 3:
            return Fault(status=429, retry_after=1)
        if attempts[text] == 1 and n % 17 == 5:
            return Fault(status=500)
        if attempts[text] == 1 and n == 250:
            return Fault(delay=2.5)  # sent, but the answer comes too late
        return None

    fake_api.fault = fault
    _shell(env, HARNESS + "seed_outbound()")
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [AGENCYDESK, "manage", "shell", "-c", HARNESS + "drain()"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, out + err
    elapsed = time.monotonic() - started
    report = _report(env)

    delivered = Counter(s.text for s in fake_api.sent)
    assert len(delivered) == 500
    assert max(delivered.values()) == 1, "a message reached the chat twice"
    # Everything is sent but the one whose answer never came: it waits for a person.
    assert report["outbox"] == {"sent": 499, "failed": 1}
    [reason] = report["outbox_errors"]
    assert "may have been delivered" in reason
    retried = {int(text[1:]) for text, n in attempts.items() if n > 1}
    assert retried == {n for n in range(500) if n % 10 == 3 or n % 17 == 5}

    by_chat: dict[int, list[float]] = defaultdict(list)
    for s in sorted(fake_api.sent, key=lambda s: s.at):
        by_chat[s.chat_id].append(s.at)
    every = sorted(s.at for s in fake_api.sent)
    per_chat_gap = min(b - a for times in by_chat.values() for a, b in itertools.pairwise(times))
    per_group_minute = max(_max_in_window(t, 60.0) for c, t in by_chat.items() if c < 0)
    per_second = _max_in_window(every, 1.0)
    print(
        f"\noutbound: {report['outbox']} in {elapsed:.1f} s; smallest gap in a chat "
        f"{per_chat_gap:.3f} s, most in a group in 60 s {per_group_minute}, "
        f"most in 1 s overall {per_second}"
    )
    assert per_chat_gap >= 1.0
    assert per_group_minute <= 20
    assert per_second <= 30
