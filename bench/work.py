"""Generating a year of recurring deliverables: how long the clock takes to create them.

Run: ``.venv/bin/python bench/work.py [--clients 1000] [--database-url URL]``

In a temporary folder (deleted afterwards) on SQLite, or on the PostgreSQL
database given by ``--database-url`` (it must be empty; it is migrated):

1. migrate; ``--clients`` Moscow clients on one calendar (Russian holidays), an
   account manager, a writer and a reviewer;
2. one series per client: "the first working day of the month, 10:00" (the
   New Year and May holidays move it);
3. the clock's round for recurring work (``schedules_tick``) with a horizon of
   365 days, timed: every occurrence is a deliverable with its review and
   delivery commitments and its audit rows, created through the same services
   as a person's;
4. a second round at the same moment, timed: it must create nothing.

Prints the seconds, the deliverables made and the rate, with the target of
issue 13 (12 months for 1,000 clients in <= 10 s) as PASS/FAIL.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-work-"))
    os.environ["AGENCYDESK_DATA_DIR"] = str(tmp)
    os.environ["AGENCYDESK_RECURRING_AHEAD_DAYS"] = "365"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    try:
        return _run(args.clients)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(n: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from datetime import time as dt_time

    from agencydesk.accounts.models import User
    from agencydesk.calendars.models import BusinessCalendar
    from agencydesk.clients.models import Client
    from agencydesk.work.models import Deliverable, DeliverableSchedule, DeliverableType
    from agencydesk.work.schedules import schedules_tick

    moscow = ZoneInfo("Europe/Moscow")
    start = datetime(2025, 12, 20, 12, 0, tzinfo=moscow)
    am = User.objects.create(username="am", role="account_manager")
    writer = User.objects.create(username="writer", role="specialist")
    reviewer = User.objects.create(username="reviewer", role="specialist")
    calendar = BusinessCalendar.objects.create(
        timezone="Europe/Moscow", hours="mon-fri 09:00-18:00", country="RU", updated_at=start
    )
    kind = DeliverableType.objects.get(code="report")
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {i}",
            account_manager=am,
            calendar=calendar,
            language="ru",
            created_at=start,
            updated_at=start,
        )
        for i in range(n)
    )
    DeliverableSchedule.objects.bulk_create(
        DeliverableSchedule(
            client=c,
            title="Monthly report",
            type=kind,
            owner=writer,
            reviewer=reviewer,
            working_day=1,
            time=dt_time(10, 0),
            created_until=start,
            created_at=start,
        )
        for c in clients
    )
    began = time.perf_counter()
    made = 0
    while True:
        with transaction.atomic():
            counts = schedules_tick(now=start)
        made += counts["recurring_created"]
        if not DeliverableSchedule.objects.filter(created_until__lte=start).exists():
            break
    first = time.perf_counter() - began
    began = time.perf_counter()
    with transaction.atomic():
        again = schedules_tick(now=start)["recurring_created"]
    second = time.perf_counter() - began
    total = Deliverable.objects.count()
    engine = django.db.connection.vendor
    print(f"{engine}: {n} clients, {made} deliverables in {first:.2f} s ({made / first:.0f}/s)")
    print(f"second round at the same moment: {again} created in {second:.2f} s")
    scaled = first * 12_000 / max(made, 1)
    verdict = "PASS" if scaled <= TARGET_SECONDS else "FAIL"
    print(
        f"{verdict}: 12 months x 1,000 clients would take {scaled:.1f} s (target <= {TARGET_SECONDS:.0f} s)"
    )
    ok = again == 0 and total == made
    print("exactly once:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
