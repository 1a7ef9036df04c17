"""One phase of ``bench/calendars.py``: edit a calendar with 100,000 open commitments.

Run by ``calendars.py`` in a fresh process per database (``DATABASE_URL`` set);
prints one JSON line with the timings. Setting up (migrate, clients, rows) is
not timed; the edit is: ``calendar_save`` with new hours, then the recompute
the task runs (``calendar_recompute``), up to the commit of the last row.
The engine's share is timed apart on the same rows: building the engine and
``commitments_moments`` (``add_many`` for the due moments, the kinds'
vectorised action moments), exactly what the recompute asks of it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from agencydesk.calendars.models import BusinessCalendar  # noqa: E402
from agencydesk.calendars.recompute import calendar_recompute  # noqa: E402
from agencydesk.calendars.selectors import calendar_engine, calendar_engine_build  # noqa: E402
from agencydesk.calendars.services import calendar_save  # noqa: E402
from agencydesk.clients.models import Client  # noqa: E402
from agencydesk.commitments.models import Commitment  # noqa: E402
from agencydesk.commitments.recompute import commitments_moments, commitments_rows  # noqa: E402
from agencydesk.messaging.choices import FIRST_RESPONSE, QUESTION  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    calendar = calendar_save(
        calendar=BusinessCalendar(name="Bench"),
        by=None,
        at=at,
        timezone="Europe/Moscow",
        hours="mon-fri 09:00-18:00",
        country="RU",
    )
    clients = Client.objects.bulk_create(
        Client(name=f"Client {k}", calendar=calendar, created_at=at, updated_at=at)
        for k in range(300)
    )
    engine = calendar_engine(calendar)
    rng = np.random.default_rng(20261202)
    lo = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    hi = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    starts = rng.integers(lo, hi, n)
    minutes = rng.integers(10, 960, n)
    due = engine.add_many(starts.view("datetime64[us]"), minutes).view(np.int64)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    subject_type = ContentType.objects.get_for_model(Client)
    rows = []
    for k in range(n):
        start = epoch + timedelta(microseconds=int(starts[k]))
        due_at = epoch + timedelta(microseconds=int(due[k]))
        first = k % 2 == 0
        rows.append(
            Commitment(
                kind=FIRST_RESPONSE if first else QUESTION,
                client=clients[k % len(clients)],
                calendar=calendar,
                subject_type=subject_type,
                subject_id=k + 1,
                start_at=start,
                business_minutes=int(minutes[k]),
                due_at=due_at,
                visible_from=start,
                action_at=due_at,
                opened_at=start,
                reason_params={"ack_minutes": 5} if first else {},
            )
        )
    with transaction.atomic():
        Commitment.objects.bulk_create(rows, batch_size=5000)
    del rows

    # --- the timed edit ---------------------------------------------------------------
    t0 = time.perf_counter()
    calendar_save(calendar=calendar, by=None, at=at, hours="mon-fri 10:00-19:00")
    moved = calendar_recompute(calendar=BusinessCalendar.objects.get(pk=calendar.pk))
    total = time.perf_counter() - t0

    # --- the engine's share, on the same rows: what the recompute asks of it ----------
    fresh = BusinessCalendar.objects.get(pk=calendar.pk)
    rows_read = commitments_rows(Commitment.objects.filter(calendar=fresh))
    t1 = time.perf_counter()
    commitments_moments(rows_read, calendar_engine_build(fresh))
    engine_s = time.perf_counter() - t1
    written = Commitment.objects.filter(
        calendar=fresh, due_at__gte=datetime(2026, 1, 1, tzinfo=UTC)
    )
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "rows": n,
                "moved": moved,
                "total_s": total,
                "engine_s": engine_s,
                "check_rows": written.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
