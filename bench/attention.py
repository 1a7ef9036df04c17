"""Today and the director overview at 200k and 2M messages, on SQLite and PostgreSQL.

Run: ``cd /work/main && .venv/bin/python bench/attention.py [--sizes 200000,2000000]``

For each database (SQLite: a data dir per size it creates; PostgreSQL: a database
per size it creates on the server at ``POSTGRES_URL`` when set, else on a
throw-away cluster it starts the way ``./dev`` does, else it is skipped) and
each size it runs ``agencydesk manage migrate`` and ``bench/bench_data.py
--clients 1000 --messages SIZE`` with one fixed ``--now``
(PostgreSQL also gets ``--analyze``: VACUUM ANALYZE, what autovacuum does after
a bulk load; SQLite gets nothing, as in production). Then one worker process
per size, each with its own connection, measures the sizes side by side in
``--rounds`` interleaved rounds with the same sequence of people, so background
load on a shared machine hits both sizes alike:

* Today, ``attention_items(user=…, now=…)`` for random account managers
  (``--iterations`` calls): p50/p95/p99, target p95 <= 20 ms; also its SQL alone;
* the director overview, ``director_overview(user=director, now=…)``: target p95 <= 50 ms.

It prints whether 2M stays within ±20 % of 200k for each, PASS/FAIL lines, and
once per database the plans (EXPLAIN; EXPLAIN ANALYZE on PostgreSQL) of the SQL
both selectors actually run. Exit status 0; missed targets are reported.
The machine's load average is printed: other processes move the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
AGENCYDESK = str(BIN / "agencydesk")
BENCH_DATA = [sys.executable, str(Path(__file__).resolve().parent / "bench_data.py")]
TODAY_TARGET_MS = 20.0
OVERVIEW_TARGET_MS = 50.0
DRIFT = 0.20


def log(message: str = "") -> None:
    print(message, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --- measuring: a worker process per data set -------------------------------------


def worker(now_iso: str) -> None:
    """Answer JSON commands on stdin with JSON lines on stdout, one data set, one connection."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agencydesk.accounts.models import User
    from agencydesk.commitments.models import Commitment
    from agencydesk.insights.selectors import (
        attention_items,
        attention_queryset,
        director_overview,
    )
    from agencydesk.messaging.models import Message

    now = datetime.fromisoformat(now_iso)
    managers = list(
        User.objects.filter(username__startswith="bench-am-", role="account_manager").order_by(
            "username"
        )
    )
    director = User.objects.get(username="bench-director-1")
    for am in managers[:20]:  # warm-up: engines, translations, caches
        attention_items(user=am, now=now)
    for _ in range(5):
        director_overview(user=director, now=now)

    def timed(call: Any) -> float:
        t0 = time.perf_counter()
        call()
        return (time.perf_counter() - t0) * 1000

    for line in sys.stdin:
        command = json.loads(line)
        op, n = command["op"], command.get("n", 0)
        rng = random.Random(command.get("seed", 0))  # the same people in every data set
        result: dict[str, Any] = {}
        if op == "today":
            result["ms"], result["items"] = [], []
            for _ in range(n):
                am = rng.choice(managers)
                t0 = time.perf_counter()
                items = attention_items(user=am, now=now)
                result["ms"].append((time.perf_counter() - t0) * 1000)
                result["items"].append(len(items))
        elif op == "sql":
            picks = [rng.choice(managers) for _ in range(n)]
            result["ms"] = [
                timed(lambda am=am: list(attention_queryset(user=am, now=now)[:200]))
                for am in picks
            ]
        elif op == "overview":
            result["ms"] = [
                timed(lambda: director_overview(user=director, now=now)) for _ in range(n)
            ]
        elif op == "stats":
            result = {
                "messages": Message.objects.count(),
                "commitments": Commitment.objects.count(),
                "managers": len(managers),
            }
        elif op == "explain":
            busiest = max(managers, key=lambda u: len(attention_items(user=u, now=now)))
            plans = []
            for label, call in (
                (
                    f"Today of {busiest.username}",
                    lambda am=busiest: attention_items(user=am, now=now),
                ),
                ("Director overview", lambda: director_overview(user=director, now=now)),
            ):
                with CaptureQueriesContext(connection) as captured:
                    call()
                for query in captured.captured_queries:
                    plans.append(f"-- {label}: {query['sql']}")
                    plans.extend(explain_sql(connection, query["sql"]))
            result["plans"] = plans
        print(json.dumps(result), flush=True)


def explain_sql(connection: Any, sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            return ["   " + row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    depth = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("   " + "  " * depth[node] + detail)
    return lines


class Worker:
    def __init__(self, env: dict[str, str], now: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", "--now", now],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"measuring worker exited ({self.process.wait()})")
            if line.startswith("{"):
                return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin
            self.process.stdin.close()  # the worker ends at the end of its input
            self.process.wait(timeout=30)


# --- orchestrating -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Cluster:
    """A throw-away PostgreSQL cluster in ``root``, as ``./dev`` starts one for the tests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = pg_bin()
        self.data = root / "pg"
        self.url = ""

    def start(self) -> str:
        assert self.bin is not None
        self.root.chmod(0o755)
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        port = free_port()
        subprocess.run(
            as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-p {port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        subprocess.run(
            as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"),
                 "-w", "-o", options, "start"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
             "agencydesk"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.url = f"postgres://postgres@127.0.0.1:{port}/agencydesk"
        return self.url

    def stop(self) -> None:
        if self.bin and (self.data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                check=False, capture_output=True,
            )  # fmt: skip


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def pg_create(url: str, names: list[str]) -> dict[str, str]:
    """Fresh databases on the server of ``url`` (the bench's own): name -> URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
    return {name: f"{base}/{name}" for name in names}


def pg_drop(url: str, names: list[str]) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_database(
    label: str, envs: dict[int, dict[str, str]], args: argparse.Namespace, now: str
) -> dict[int, dict[str, list[float]]]:
    """Generate every size into its own store, then measure them side by side, interleaved."""
    sizes = sorted(envs)
    for size in sizes:
        env = envs[size]
        run([AGENCYDESK, "manage", "migrate", "--noinput", "-v0"], env)
        command = [
            *BENCH_DATA, "--reset", "--clients", str(args.clients),
            "--messages", str(size), "--seed", str(args.seed), "--now", now,
        ]  # fmt: skip
        if label == "PostgreSQL":
            command.append("--analyze")
        t0 = time.perf_counter()
        out = run(command, env)
        log(f"== {label}, {size:,} messages: bench_data {time.perf_counter() - t0:.1f} s ==")
        for line in out.strip().splitlines()[-3:]:
            log(f"    {line}")
    workers = {size: Worker(envs[size], now) for size in sizes}
    acc: dict[int, dict[str, list[float]]] = {
        size: {"today": [], "items": [], "sql": [], "overview": []} for size in sizes
    }
    try:
        stats = {size: workers[size].ask(op="stats") for size in sizes}
        rounds = args.rounds
        log(
            f"== {label}: measuring {', '.join(f'{s:,}' for s in sizes)} messages side by side, "
            f"{rounds} interleaved rounds (load average {load()}) =="
        )
        t0 = time.perf_counter()
        for r in range(rounds):
            order = sizes if r % 2 == 0 else sizes[::-1]
            for k, (op, n) in enumerate(
                (
                    ("today", args.iterations // rounds),
                    ("sql", args.iterations // rounds),
                    ("overview", args.overview_iterations // rounds),
                )
            ):
                for size in order:
                    result = workers[size].ask(op=op, n=n, seed=r * 10 + k)
                    acc[size][op] += result["ms"]
                    acc[size]["items"] += result.get("items", [])
        log(f"  measured in {time.perf_counter() - t0:.0f} s (load average {load()})")
        for size in sizes:
            a, st = acc[size], stats[size]
            today, sql_only, overview, items = a["today"], a["sql"], a["overview"], a["items"]
            log(
                f"  {size:,} messages ({st['messages']:,} stored, {st['commitments']:,} "
                f"commitments, {st['managers']} account managers; Today items per call mean "
                f"{sum(items) / len(items):.0f}, min {min(items):.0f}, max {max(items):.0f}):"
            )
            log(
                f"    Today (attention_items), {len(today)} calls: p50 {pct(today, 50):.2f} ms, "
                f"p95 {pct(today, 95):.2f} ms, p99 {pct(today, 99):.2f} ms, max {max(today):.2f} ms"
            )
            log(
                f"      its query alone (list(attention_queryset(...)[:200])): "
                f"p50 {pct(sql_only, 50):.2f} ms, p95 {pct(sql_only, 95):.2f} ms"
            )
            log(
                f"    Director overview, {len(overview)} calls: p50 {pct(overview, 50):.2f} ms, "
                f"p95 {pct(overview, 95):.2f} ms, p99 {pct(overview, 99):.2f} ms, "
                f"max {max(overview):.2f} ms"
            )
        log(f"  Query plans on {label} at {sizes[-1]:,} messages:")
        for line in workers[sizes[-1]].ask(op="explain")["plans"]:
            log("  " + line)
    finally:
        for w in workers.values():
            w.close()
    return acc


def verdicts(label: str, results: dict[int, dict[str, list[float]]]) -> list[str]:
    lines = []
    sizes = sorted(results)
    for key, name, target in (
        ("today", "Today", TODAY_TARGET_MS),
        ("overview", "Director overview", OVERVIEW_TARGET_MS),
    ):
        p95 = {size: pct(results[size][key], 95) for size in sizes}
        for size in sizes:
            ok = p95[size] <= target
            lines.append(
                f"[{'PASS' if ok else 'FAIL'}] {label} {name} p95 {p95[size]:.2f} ms <= "
                f"{target:.0f} ms at {size:,} messages"
            )
        if len(sizes) >= 2:
            small, big = sizes[0], sizes[-1]
            change = p95[big] / p95[small] - 1
            ok = abs(change) <= DRIFT
            lines.append(
                f"[{'PASS' if ok else 'FAIL'}] {label} {name} p95 at {big:,} vs {small:,}: "
                f"{p95[small]:.2f} -> {p95[big]:.2f} ms ({change:+.0%}, within ±{DRIFT:.0%})"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200000,2000000", help="message counts")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=500, help="Today calls per size")
    parser.add_argument("--overview-iterations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved measuring rounds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", default=None, help="aware ISO moment (default: now)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", ""),
        help="a server to create the bench databases on (default: a throw-away cluster)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and databases")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.now)
        return 0

    started = time.perf_counter()
    now = args.now or datetime.now(UTC).replace(microsecond=0).isoformat()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="agencydesk-attention-"))
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.update(DJANGO_SETTINGS_MODULE="agencydesk.settings.base", TASKS_BACKEND="database")
    log(f"now = {now}; {os.cpu_count()} CPUs; load average {load()}; temp dir {tmp}")
    cluster = Cluster(tmp)
    pg_url, pg_names = "", [f"agencydesk_bench_{size}" for size in sizes]
    lines: list[str] = []
    try:
        databases = args.databases.split(",")
        if "sqlite" in databases:
            envs = {
                size: {**base, "AGENCYDESK_DATA_DIR": str(tmp / f"sqlite-{size}")} for size in sizes
            }
            lines += verdicts("SQLite", bench_database("SQLite", envs, args, now))
        if "postgresql" in databases:
            pg_url = args.postgres_url
            if not pg_url and cluster.bin is not None:
                pg_url = cluster.start()
                log(f"Started a throw-away PostgreSQL ({cluster.bin}) at {pg_url}")
            if pg_url:
                urls = pg_create(pg_url, pg_names)
                envs = {
                    size: {**base, "AGENCYDESK_DATA_DIR": str(tmp / "pg-data"), "DATABASE_URL": url}
                    for size, url in zip(sizes, urls.values(), strict=True)
                }
                lines += verdicts("PostgreSQL", bench_database("PostgreSQL", envs, args, now))
            else:
                log("PostgreSQL: no POSTGRES_URL and no server binaries: skipped")
    finally:
        if pg_url and not args.keep and cluster.url != pg_url:
            pg_drop(pg_url, pg_names)
        if not args.keep:
            cluster.stop()
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"kept {tmp}" + (f" and {pg_url}" if pg_url else ""))
    log()
    for line in lines:
        log(line)
    log(f"Total run time {time.perf_counter() - started:.0f} s (load average {load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
