"""The ``agencydesk`` command: demo, serve, worker, token, import, export, telegram, email, manage."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True)
logger = logging.getLogger("agencydesk.cli")

DEMO_PASSWORD = "agencydesk-demo"  # noqa: S105 - the published login of the demo data


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agencydesk",
        description="AgencyDesk: the client-service desk of PR, marketing and digital agencies.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="migrate, load demo data, then serve with the task worker")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and stop")

    serve = sub.add_parser("serve", help="serve the web app and API (waitress, production-grade)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
    serve.add_argument(
        "--connections",
        type=int,
        default=int(os.environ.get("WEB_CONNECTIONS", "1000")),
        help="open connections accepted at once (keep-alive clients hold one each)",
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="do not run the in-process task worker"
    )

    worker = sub.add_parser("worker", help="run a task worker on its own")
    worker.add_argument(
        "--queue",
        action="append",
        default=None,
        help="queues to serve, first first: 'urgent,default' or repeated (default: all, urgent first)",
    )
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.add_argument(
        "--max-tasks", type=int, default=None, help="exit after running this many tasks"
    )
    worker.add_argument(
        "--no-clock", action="store_true", help="do not run the desk's clock in this worker"
    )
    worker.add_argument(
        "--simple",
        action="store_true",
        help="Redis backend: run jobs in the worker process itself instead of a forked child",
    )

    token = sub.add_parser("token", help="API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_sub.add_parser("create", help="create a token; it alone is the last line")
    create.add_argument("username")
    create.add_argument("--name", default="")

    imp = sub.add_parser("import", help="import data")
    imp_sub = imp.add_subparsers(dest="import_what", required=True, metavar="WHAT")
    imp_clients = imp_sub.add_parser("clients", help="clients and contacts from CSV or XLSX")
    imp_clients.add_argument("file", type=Path)
    imp_clients.add_argument("--by", default=None, help="username recorded as the importer")

    exp = sub.add_parser("export", help="export data")
    exp_sub = exp.add_subparsers(dest="export_what", required=True, metavar="WHAT")
    exp_client = exp_sub.add_parser("client", help="the full JSON of one client")
    exp_client.add_argument("id", type=int)
    exp_client.add_argument("--output", "-o", type=Path, default=None)
    exp_labels = exp_sub.add_parser(
        "labels",
        help="client messages whose labels people corrected, as labelled data (TSV)",
    )
    exp_labels.add_argument("--output", "-o", type=Path, default=None)

    tg = sub.add_parser("telegram", help="the Telegram bot: long polling, webhook, alerts")
    tg_sub = tg.add_subparsers(dest="telegram_command", required=True, metavar="ACTION")
    poll = tg_sub.add_parser("poll", help="long polling, for an agency without a public address")
    poll.add_argument("--timeout", type=int, default=25, help="seconds Telegram holds a request")
    poll.add_argument(
        "--exit-when-idle", action="store_true", help="stop when Telegram has nothing more"
    )
    hook = tg_sub.add_parser("set-webhook", help="tell Telegram to call URL with each update")
    hook.add_argument("url", help="https://…/api/v1/telegram/webhook")
    tg_sub.add_parser("delete-webhook", help="stop the webhook (needed before polling)")
    tg_sub.add_parser("tick", help="queue alerts and digests, resend due notices (for cron)")

    mail = sub.add_parser("email", help="e-mail: mailboxes and IMAP polling")
    mail_sub = mail.add_subparsers(dest="email_command", required=True, metavar="ACTION")
    box = mail_sub.add_parser("mailbox", help="the agency's mailboxes")
    box_sub = box.add_subparsers(dest="mailbox_command", required=True, metavar="ACTION")
    add = box_sub.add_parser("add", help="add a mailbox (what the mailbox page does)")
    add.add_argument("name")
    add.add_argument("--imap-host", required=True)
    add.add_argument("--imap-port", type=int, required=True)
    add.add_argument("--imap-security", choices=["ssl", "starttls", "none"], default="ssl")
    add.add_argument("--user", required=True)
    add.add_argument(
        "--password-env",
        required=True,
        metavar="VAR",
        help="environment variable with the password",
    )
    add.add_argument("--smtp-host", required=True)
    add.add_argument("--smtp-port", type=int, required=True)
    add.add_argument("--smtp-security", choices=["ssl", "starttls", "none"], default="ssl")
    add.add_argument("--from", dest="from_address", required=True, metavar="ADDRESS")
    mail_poll = mail_sub.add_parser(
        "poll", help="watch every mailbox (IMAP IDLE where offered) until stopped, or poll once"
    )
    mail_poll.add_argument("--once", action="store_true", help="one round, then exit")

    manage = sub.add_parser("manage", help="any Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["agencydesk manage", *args.args])
        return 0
    _setup()
    handler = {
        "demo": cmd_demo,
        "serve": cmd_serve,
        "worker": cmd_worker,
        "token": cmd_token,
        "import": cmd_import,
        "export": cmd_export,
        "telegram": cmd_telegram,
        "email": cmd_email,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        console.print("[dim]stopped[/dim]")
        return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from agencydesk.demo import demo_load

    _migrate_with_progress(call_command)
    demo_load(console=console)
    if args.no_serve:
        return 0
    return _serve(args.host, args.port, threads=8, with_worker=True, demo=True)


class _MigrationTicker:
    """A file-like ``stdout`` for ``migrate``: each "Applying …" line it writes advances a bar."""

    def __init__(self, advance: Any) -> None:
        self.advance = advance

    def write(self, text: str) -> int:
        if text.lstrip().startswith("Applying "):
            self.advance()
        return len(text)

    def flush(self) -> None:
        return None


def _migrate_with_progress(call_command: Any) -> None:
    """Migrate with a bar of the migrations still to apply (a fresh database has many)."""
    import time

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.monotonic()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        console.print("[green]✓[/green] Database up to date")
        return
    console.print(f"Migrating the database: {len(plan)} migrations…")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("Migrating", total=len(plan))
        ticker = _MigrationTicker(lambda: progress.advance(bar))
        call_command("migrate", interactive=False, verbosity=1, stdout=ticker)
    console.print(
        f"[green]✓[/green] Database migrated ({len(plan)} migrations, "
        f"{time.monotonic() - started:.0f} s)"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(
        args.host,
        args.port,
        threads=args.threads,
        connections=args.connections,
        with_worker=not args.no_worker,
    )


def waitress_options(environ: dict[str, str], *, threads: int, connections: int) -> dict[str, Any]:
    """What waitress is told: its limits, and which proxy it may believe about the scheme."""
    options: dict[str, Any] = {
        "threads": threads,
        # waitress's default of 100 leaves the 99th keep-alive client waiting for minutes.
        "connection_limit": connections,
        "ident": "AgencyDesk",
    }
    proxy = environ.get("WEB_TRUSTED_PROXY", "").strip()
    if not proxy:
        # accounts.proxy.ForwardedHeaderGuard drops them instead, after noticing them.
        options["clear_untrusted_proxy_headers"] = False
    else:
        # waitress drops X-Forwarded-* from anyone it does not trust; behind a TLS proxy the
        # production settings would then see plain HTTP and redirect for ever.
        options["trusted_proxy"] = proxy
        options["trusted_proxy_count"] = int(environ.get("WEB_TRUSTED_PROXY_COUNT", "1"))
        options["trusted_proxy_headers"] = set(
            environ.get(
                "WEB_TRUSTED_PROXY_HEADERS", "x-forwarded-proto x-forwarded-for x-forwarded-host"
            )
            .replace(",", " ")
            .split()
        )
    return options


def _database_backend() -> bool:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def worker_queues(given: list[str] | None) -> list[str]:
    """The queues a worker serves, in order: ``--queue urgent,default`` or repeated ``--queue``."""
    from django.conf import settings

    if not given:
        return list(settings.TASK_QUEUES)
    queues = [name.strip() for item in given for name in item.split(",") if name.strip()]
    unknown = [name for name in queues if name not in settings.TASK_QUEUES]
    if unknown or not queues:
        raise ValueError(
            f"unknown queue {', '.join(unknown) or '(none)'}; "
            f"the queues are: {', '.join(settings.TASK_QUEUES)}"
        )
    return list(dict.fromkeys(queues))


def _start_db_worker(
    queues: list[str], *, burst: bool = False, max_tasks: int | None = None
) -> Any:
    from django_tasks_db.management.commands.db_worker import Worker

    from agencydesk.core.workers import worker_id

    return Worker(
        queue_names=queues,
        interval=1.0,
        batch=burst,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        # Machine and process in the id: a clock on this machine sees when it is gone.
        worker_id=worker_id(),
        excluded_queue_names=[],
    )


def _warm_up() -> None:
    """Load the holiday tables and the default calendar now, not on the first request."""
    from django.db import DatabaseError
    from django.utils import timezone

    from agencydesk.calendars.selectors import calendar_default, calendar_engine

    try:
        calendar_engine(calendar_default()).add(timezone.now(), 1)
    except (DatabaseError, LookupError) as exc:
        console.print(f"[yellow]Not migrated yet? {exc}[/yellow]")


def _serve(
    host: str,
    port: int,
    *,
    threads: int,
    with_worker: bool,
    demo: bool = False,
    connections: int = 1000,
) -> int:
    from django.conf import settings
    from waitress import serve

    from agencydesk.accounts.proxy import ForwardedHeaderGuard, startup_warning, warn
    from agencydesk.wsgi import application

    _warm_up()
    options = waitress_options(dict(os.environ), threads=threads, connections=connections)
    app: Any = application
    if "trusted_proxy" not in options:
        app = ForwardedHeaderGuard(application)
    proxy_warning = startup_warning(os.environ, settings)
    if proxy_warning:
        warn(proxy_warning)

    from agencydesk.commitments.clock import Clock

    worker = None
    clock = None
    if with_worker and _database_backend():
        worker = _start_db_worker(worker_queues(None))
        threading.Thread(target=worker.run, name="task-worker", daemon=True).start()
        clock = Clock().start()
    url = f"http://{host}:{port}/"
    # Short lines: the banner must not wrap mid-sentence in an 80-column terminal.
    console.rule("[bold]AgencyDesk")
    console.print(f"Open [bold cyan]{url}[/bold cyan]", soft_wrap=True)
    if demo:
        console.print(
            f"Log in: [bold]director[/bold] / [bold]{DEMO_PASSWORD}[/bold]", soft_wrap=True
        )
        console.print("Account managers: olga, ivan, maria, …; admin: admin", soft_wrap=True)
        console.print("(the same password for everyone)", soft_wrap=True)
    if worker is not None:
        console.print(f"Task worker: in this process, queues {', '.join(worker.queue_names)}")
    elif with_worker:
        console.print("Task worker: start [bold]agencydesk worker[/bold] (Redis backend)")
    console.print("Press Ctrl+C to stop.")
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        # For scripts reading stdout (the banner above is on stderr); on a terminal it
        # would print the URL a second time.
        print(f"URL: {url}", flush=True)
        if demo:
            print(f"Login: director / {DEMO_PASSWORD}", flush=True)
    try:
        serve(app, host=host, port=port, **options)
    finally:
        if worker is not None:
            worker.running = False
        if clock is not None:
            clock.stop()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings

    from agencydesk.commitments.clock import Clock

    try:
        queues = worker_queues(args.queue)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    # Every worker also ticks the clock (timers, acknowledgements, held messages, lost
    # updates and tasks); ticks are safe to run on many machines at once. A burst run
    # ticks once.
    if args.burst and not args.no_clock:
        from django.utils import timezone

        from agencydesk.commitments.clock import clock_round

        clock_round(now=timezone.now())
    elif not args.no_clock:
        Clock().start()
    if _database_backend():
        console.print(f"Task worker (database backend) on queues: {', '.join(queues)}")
        worker = _start_db_worker(queues, burst=args.burst, max_tasks=args.max_tasks)
        worker.configure_signals()
        worker.run()
        return 0
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_rq.RQBackend":
        from django.core.management import call_command

        console.print(f"Task worker (Redis backend) on queues: {', '.join(queues)}")
        # RQ takes the next job from the first queue, in the order given, that has one.
        options: dict[str, Any] = {"job_class": "django_tasks_rq.Job", "burst": args.burst}
        if args.max_tasks is not None:
            options["max_jobs"] = args.max_tasks
        if args.simple:
            options["worker_class"] = "rq.worker.SimpleWorker"
        call_command("rqworker", *queues, **options)
        return 0
    console.print(f"[red]The tasks backend {backend} runs tasks without a worker.[/red]")
    return 2


def cmd_token(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from agencydesk.accounts.models import User
    from agencydesk.accounts.services import api_token_create

    user = User.objects.filter(username=args.username).first()
    if user is None:
        console.print(f"[red]No user {args.username!r}.[/red]")
        return 2
    if not user.is_active:
        console.print(f"[red]User {args.username!r} is not active.[/red]")
        return 2
    try:
        _token, raw = api_token_create(user=user, name=args.name, at=timezone.now())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            console.print(f"[red]{field}: {' '.join(errors)}[/red]")
        return 2
    console.print(f"Token for [bold]{user.username}[/bold] (shown once, keep it safe):")
    print(raw, flush=True)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from django.utils import timezone
    from rich.progress import Progress

    from agencydesk.accounts.models import User
    from agencydesk.clients.importing import clients_import, read_rows

    path: Path = args.file
    if not path.is_file():
        console.print(f"[red]No such file: {path}[/red]")
        return 2
    by = User.objects.filter(username=args.by).first() if args.by else None
    try:
        total = sum(1 for _ in read_rows(path))
        with Progress(console=console, transient=True) as progress:
            bar = progress.add_task(f"Importing {path.name}", total=total)
            report = clients_import(
                path=path, by=by, at=timezone.now(), on_row=lambda _line: progress.advance(bar)
            )
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    for line, reason in report.errors:
        console.print(f"[yellow]line {line}:[/yellow] {reason}")
    console.print(
        f"Imported [bold]{report.clients_created}[/bold] clients and "
        f"[bold]{report.contacts_created}[/bold] contacts from {report.rows} rows; "
        f"{len(report.errors)} problem(s)."
    )
    bad_rows = [line for line, _ in report.errors if line > 1]
    return 1 if bad_rows else 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.export_what == "labels":
        from agencydesk.messaging.selectors import corrected_labels_tsv

        text = corrected_labels_tsv()
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            console.print(f"Wrote {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    from django.core.serializers.json import DjangoJSONEncoder

    from agencydesk.clients.models import Client
    from agencydesk.clients.selectors import client_record_dump

    client = Client.objects.filter(pk=args.id).first()
    if client is None:
        console.print(f"[red]No client with id {args.id}.[/red]")
        return 2
    text = json.dumps(
        client_record_dump(client=client), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        console.print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text + "\n")
    return 0


def cmd_telegram(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.utils import timezone

    from agencydesk.integrations.telegram.client import ApiError, TelegramClient

    if args.telegram_command == "tick":
        from agencydesk.integrations.telegram.alerts import telegram_tick

        console.print(telegram_tick(now=timezone.now()))
        return 0
    if not settings.TELEGRAM_BOT_TOKEN:
        console.print("[red]Set TELEGRAM_BOT_TOKEN first.[/red]")
        return 2
    client = TelegramClient()
    try:
        if args.telegram_command == "set-webhook":
            if not settings.TELEGRAM_WEBHOOK_SECRET:
                console.print("[red]Set TELEGRAM_WEBHOOK_SECRET first.[/red]")
                return 2
            client.set_webhook(url=args.url, secret_token=settings.TELEGRAM_WEBHOOK_SECRET)
            console.print(f"Webhook set: {args.url}")
            return 0
        if args.telegram_command == "delete-webhook":
            client.delete_webhook()
            console.print("Webhook deleted.")
            return 0
        from agencydesk.integrations.telegram.poller import poll

        me = client.get_me()
        console.print(f"Polling as @{me.get('username', '?')} (Ctrl+C to stop)")
        return poll(client=client, timeout=args.timeout, exit_when_idle=args.exit_when_idle)
    except ApiError as exc:
        console.print(f"[red]Telegram: {exc}[/red]")
        return 1


def cmd_email(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if args.email_command == "poll":
        from agencydesk.integrations.email.poller import poll_all, poll_forever

        if args.once:
            console.print(poll_all())
            return 0
        console.print("Polling every mailbox (Ctrl+C to stop)")
        return poll_forever(once=False)
    from agencydesk.integrations.email.services import mailbox_save

    password = os.environ.get(args.password_env)
    if not password:
        console.print(
            f"[red]The environment variable {args.password_env} is empty or not set.[/red]"
        )
        return 2
    try:
        mailbox = mailbox_save(
            mailbox=None,
            values={
                "name": args.name,
                "imap_host": args.imap_host,
                "imap_port": args.imap_port,
                "imap_security": args.imap_security,
                "username": args.user,
                "smtp_host": args.smtp_host,
                "smtp_port": args.smtp_port,
                "smtp_security": args.smtp_security,
                "from_address": args.from_address,
            },
            password=password,
            at=timezone.now(),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            console.print(f"[red]{field}: {' '.join(errors)}[/red]")
        return 2
    console.print(f"Mailbox {mailbox.name} added (id {mailbox.pk}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
