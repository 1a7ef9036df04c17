"""``python bench/bench_data.py``: a large, realistic data set for benchmarks, fast.

    python bench/bench_data.py --clients 1000 --messages 2000000 [--managers 50]
        [--months 6] [--seed 1] [--reset] [--batch 5000] [--now 2026-03-10T12:00:00+03:00]
        [--analyze] [--keep-indexes] [--plain]

Rows are planned with NumPy, then written in batches of ``--batch`` rows; the
services are not called, so nothing is audited and no task is queued. The
commitments are the ones the desk's rules would have opened and closed: every
moment comes from the functions the services use (:mod:`benchdata.rules`), and
``tests/test_bench_rules.py`` replays a sample through ``message_record`` and
the clock and compares every commitment. The shape, months of use:

* ``--managers`` account managers (``bench-am-NNN``) and two directors
  (``bench-director-N``), unusable passwords (``agencydesk token create`` works);
* ``--clients`` clients spread unevenly over the managers, each with a backup
  manager, 1-3 contacts, 1-4 conversations and a calendar reference: the
  agency default calendar or one of four shared ``[bench] …`` calendars;
* ``--messages`` messages over the last ``--months`` months, in episodes that
  do not overlap within a client: the client writes (sometimes a question),
  the desk acknowledges at the client's acknowledgement moment when nobody has
  answered (an automatic message and its outbox row, which meets the first
  response), the manager replies (median ~4 business minutes, a tail of answers
  that take days: those questions were escalated); or the agency writes first,
  sometimes waiting for the client. Calls and meetings the client starts are
  touches for keep in touch, as the agency's messages are;
* in the last three days a backlog per client of 3-9 active commitments and
  keep in touch (open, breached, escalated, follow-ups chained into a call,
  some visible only later), so Today holds about 20-200 items per manager.
  Nothing is left for the desk's clock to do.

Writing: small tables with ``bulk_create``; the big ones (messages, outbox,
commitments, breaches) column by column into ``COPY`` (PostgreSQL) or
``executemany`` (SQLite): ``bulk_create`` spends ~3/4 of its time preparing each
value of each row, which made 2M messages take 6 minutes instead of ~2.
``--plain`` uses ``bulk_create`` everywhere. A big load into an empty table
drops its non-unique indexes and builds them at the end, in the same
transaction (an interrupted run leaves the table empty with its indexes);
``--keep-indexes`` turns that off. ``--analyze`` runs ANALYZE (SQLite) or
VACUUM ANALYZE (PostgreSQL, what autovacuum does after a bulk load).

Bench rows are recognised by name: users ``bench-…``, their clients (and
everything of those clients), calendars ``[bench] …``. ``--reset`` deletes
them first; without it the command refuses to run when they exist.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from rich.console import Console

from agencydesk.accounts.models import User
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.clients.models import Client, Contact
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.core.models import AuditLog
from agencydesk.messaging.models import Conversation, Delivery, Message, OutboundMessage
from benchdata.base import CALENDAR_PREFIX, USER_PREFIX
from benchdata.generator import Generator


class Command(BaseCommand):
    help = "Generate a large, realistic bench data set (bulk inserts, not the services)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--messages", type=int, default=2_000_000)
        parser.add_argument("--managers", type=int, default=50, help="account managers")
        parser.add_argument("--months", type=float, default=6.0, help="history length")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000, help="rows per bulk_create")
        parser.add_argument(
            "--now", default=None, help="aware ISO moment the data leads up to (default: now)"
        )
        parser.add_argument("--reset", action="store_true", help="delete earlier bench data first")
        parser.add_argument(
            "--analyze",
            action="store_true",
            help="afterwards ANALYZE (SQLite) or VACUUM ANALYZE (PostgreSQL: what autovacuum "
            "does after a bulk load)",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="update the indexes row by row even for a big load into an empty table",
        )
        parser.add_argument(
            "--plain",
            action="store_true",
            help="insert every table with bulk_create (about 3x slower; the default uses "
            "COPY on PostgreSQL and executemany on SQLite for the big tables)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clients"] < 1 or options["managers"] < 1 or options["messages"] < 0:
            raise CommandError("--clients and --managers must be at least 1, --messages >= 0")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            if now.tzinfo is None:
                raise CommandError("--now needs a time zone offset, e.g. +03:00")
        verbose = options["verbosity"] > 0
        console = Console(stderr=True, quiet=not verbose)
        started = time.perf_counter()
        if options["reset"]:
            with console.status("Deleting earlier bench data…"):
                deleted = bench_reset()
            if verbose:
                self.stdout.write(
                    f"Deleted earlier bench data ({deleted} rows) in "
                    f"{time.perf_counter() - started:.1f} s"
                )
        elif bench_exists():
            raise CommandError("bench data exists already: add --reset to replace it")
        generator = Generator(
            clients=options["clients"],
            messages=options["messages"],
            managers=options["managers"],
            months=options["months"],
            seed=options["seed"],
            batch=options["batch"],
            now=now,
            console=console,
            plain=options["plain"],
            rebuild_indexes=not options["keep_indexes"],
        )
        t0 = time.perf_counter()
        with console.status("Planning rows…"):
            generator.plan()
        planned = time.perf_counter() - t0
        generator.write()
        if options["analyze"]:
            with console.status("ANALYZE…"), connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        total = time.perf_counter() - started
        if verbose:
            rows = sum(generator.written.values())
            self.stdout.write(
                "Bench data: " + ", ".join(f"{n:,} {name}" for name, n in generator.written.items())
            )
            self.stdout.write(
                "Writing: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in generator.timing.items())
                + " (row values in Python, adapted for the driver, inserts, index rebuilds)"
            )
            self.stdout.write(
                f"Generated {rows:,} rows on {connection.vendor} in {total:.1f} s "
                f"(planning {planned:.1f} s, {rows / max(total, 1e-9):,.0f} rows/s); "
                f"now = {now.isoformat()}"
            )


def bench_users() -> models.QuerySet[User]:
    return User.objects.filter(username__startswith=USER_PREFIX)


def bench_clients() -> models.QuerySet[Client]:
    return Client.objects.filter(account_manager__username__startswith=USER_PREFIX)


def bench_exists() -> bool:
    return (
        bench_users().exists()
        or BusinessCalendar.objects.filter(name__startswith=CALENDAR_PREFIX).exists()
    )


@transaction.atomic
def bench_reset() -> int:
    """Delete every bench row: the big tables with plain DELETEs, the rest through the ORM."""
    clients = bench_clients().values("pk")
    deleted = 0
    # Children first, each with one DELETE … WHERE client_id IN (…): collecting
    # millions of rows through the ORM's cascade would take minutes. (_raw_delete
    # is the ORM's own fast path for deletes without cascades.)
    for model in (Breach, OutboundMessage, Delivery, Commitment, Message, Conversation, Contact):
        deleted += model.objects.filter(client__in=clients)._raw_delete(model.objects.db) or 0
    ids = list(bench_clients().values_list("pk", flat=True))
    deleted += AuditLog.objects.filter(client_id__in=ids)._raw_delete(AuditLog.objects.db) or 0
    deleted += bench_clients().delete()[0]
    deleted += bench_users().delete()[0]
    deleted += BusinessCalendar.objects.filter(name__startswith=CALENDAR_PREFIX).delete()[0]
    return deleted
