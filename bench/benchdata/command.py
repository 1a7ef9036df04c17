"""``python bench/bench_data.py``: a large, realistic data set for benchmarks, fast.

    python bench/bench_data.py --clients 1000 --messages 2000000 [--managers 50]
        [--months 6] [--seed 1] [--reset] [--batch 5000] [--now 2026-03-10T12:00:00+03:00]
        [--analyze] [--keep-indexes] [--plain]

Rows are planned with NumPy, then written in batches of ``--batch`` rows; the
services are not called, so nothing is audited and no task is queued. The
shape follows the desk's own rules, so the ledger looks like months of use:

* ``--managers`` account managers (``bench-am-NNN``) and two directors
  (``bench-director-N``), unusable passwords (``agencydesk token create`` works);
* ``--clients`` clients spread unevenly over the managers, each with a backup
  manager, 1-3 contacts, 1-4 conversations and a calendar reference: the
  agency default calendar or one of four shared ``[bench] …`` calendars;
* ``--messages`` messages over the last ``--months`` months, in episodes: the
  client writes (sometimes a question), the desk acknowledges after 5 business
  minutes when nobody has answered (an automatic message and its outbox row),
  the manager replies (median ~4 business minutes, a tail of slow answers); or
  the agency writes first, sometimes waiting for the client. Every message gets
  the commitments the rules would have opened (first response, question, keep
  in touch, follow-up), met by the message that met them, breached with a
  breach record when late;
* in the last three days a backlog per client of 3-10 active commitments
  (open, breached, escalated, some visible only later), so Today holds about
  20-200 items per manager. Nothing is left for the desk's clock to do.

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

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from agencydesk.accounts.models import User
from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.calendars.selectors import business_day_minutes, calendar_engine
from agencydesk.clients.models import Client, Contact
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.core.models import AuditLog
from agencydesk.messaging.models import Conversation, Delivery, Message, OutboundMessage

USER_PREFIX = "bench-"
CALENDAR_PREFIX = "[bench] "

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
NONE = np.iinfo(np.int64).min  # "no moment" in the int64 microsecond arrays
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BACKLOG = 3 * DAY  # the window of the active backlog, before now
REBUILD_INDEXES_FROM = 50_000  # rows: load an empty table first, index it afterwards

# Shared calendars besides the agency default: name, zone, hours, country, language.
CALENDARS = [
    ("Almaty", "Asia/Almaty", "mon-fri 09:00-18:00", "KZ", "ru"),
    ("Kyiv", "Europe/Kyiv", "mon-fri 09:00-13:00,14:00-18:00", "UA", "uk"),
    ("Sofia", "Europe/Sofia", "mon-fri 09:30-18:30", "BG", "bg"),
    ("London", "Europe/London", "mon-fri 09:00-17:30", "GB", "en"),
]
CALENDAR_SHARE = [0.5, 0.14, 0.14, 0.12, 0.10]  # default first

KINDS = ["first_response", "question", "keep_in_touch", "follow_up", "call"]
FR, QUESTION, KIT, FOLLOW_UP, CALL = range(5)
STATES = ["open", "breached", "met", "cancelled"]
OPEN, BREACHED, MET = range(3)

# Text categories of messages.
SAY, ASK, ACK, REPLY, TOUCH, WAIT = range(6)
TEXTS: dict[str, list[list[str]]] = {
    "ru": [
        [
            "Добрый день! Отправили вам бриф на квартал.",
            "Коллеги, посмотрели макеты, есть правки от юристов.",
            "Нужно срочно согласовать комментарий для РБК.",
            "Пресс-релиз одобрен, можно рассылать.",
            "Завтра у нас совет директоров, прошу подготовить тезисы.",
            "Прикладываю данные для отчёта, проверьте, пожалуйста.",
        ],
        [
            "Когда будет готов отчёт за месяц?",
            "Подскажите, пожалуйста, статус по пресс-релизу?",
            "Можно ли перенести созвон на четверг?",
            "Что с публикацией в отраслевом СМИ?",
            "Сколько будет стоить спецпроект к выставке?",
            "Кто из журналистов подтвердил участие?",
        ],
        ["Здравствуйте! Сообщение получили, вернёмся с решением в ближайшее время."],
        [
            "Добрый день! Отчёт будет в пятницу до 15:00.",
            "Пресс-релиз на финальной вычитке, пришлём сегодня.",
            "Да, четверг в 11:00 подходит.",
            "Макеты во вложении, ждём комментарии.",
            "Спасибо! Внесли правки, новая версия по ссылке.",
            "Журналист подтвердил интервью на вторник.",
        ],
        [
            "Делимся свежим дайджестом упоминаний бренда.",
            "Есть идея спецпроекта к выставке, расскажем на встрече.",
            "Вышла публикация в Ведомостях, ссылка ниже.",
            "Напоминаем про встречу в среду в 12:00.",
        ],
        [
            "Согласуйте, пожалуйста, медиаплан на следующий месяц.",
            "Ждём от вас комментарии по тексту интервью.",
            "Нужен ваш ответ по бюджету спецпроекта до пятницы.",
        ],
    ],
    "uk": [
        [
            "Добрий день! Надіслали вам бриф на квартал.",
            "Колеги, переглянули макети, є правки від юристів.",
            "Треба терміново погодити коментар для видання.",
            "Прес-реліз схвалено, можна розсилати.",
        ],
        [
            "Коли буде готовий звіт за місяць?",
            "Підкажіть, будь ласка, статус прес-релізу?",
            "Чи можна перенести дзвінок на четвер?",
            "Скільки коштуватиме спецпроєкт до виставки?",
        ],
        ["Вітаємо! Повідомлення отримали, повернемося з рішенням найближчим часом."],
        [
            "Добрий день! Звіт буде в пʼятницю до 15:00.",
            "Прес-реліз на фінальній вичитці, надішлемо сьогодні.",
            "Так, четвер об 11:00 підходить.",
            "Дякуємо! Внесли правки, нова версія за посиланням.",
        ],
        [
            "Ділимося свіжим дайджестом згадок бренду.",
            "Вийшла публікація в галузевому виданні, посилання нижче.",
            "Нагадуємо про зустріч у середу о 12:00.",
        ],
        [
            "Погодьте, будь ласка, медіаплан на наступний місяць.",
            "Чекаємо на ваші коментарі до тексту інтервʼю.",
        ],
    ],
    "bg": [
        [
            "Добър ден! Изпратихме ви брифа за тримесечието.",
            "Колеги, прегледахме макетите, има корекции от юристите.",
            "Прессъобщението е одобрено, може да се разпраща.",
        ],
        [
            "Кога ще бъде готов месечният отчет?",
            "Какъв е статусът на прессъобщението?",
            "Може ли да преместим срещата за четвъртък?",
        ],
        ["Здравейте! Получихме съобщението ви и ще се върнем с решение скоро."],
        [
            "Добър ден! Отчетът ще е готов в петък до 15:00.",
            "Прессъобщението е на финална редакция, ще го пратим днес.",
            "Благодарим! Нанесохме корекциите, новата версия е на линка.",
        ],
        [
            "Споделяме свеж дайджест на споменаванията на марката.",
            "Напомняме за срещата в сряда от 12:00.",
        ],
        ["Очакваме вашите коментари по текста на интервюто."],
    ],
    "en": [
        [
            "Good morning! We have sent you the brief for the quarter.",
            "We reviewed the layouts, legal has a few edits.",
            "The press release is approved, please send it out.",
            "Our board meets tomorrow, please prepare the talking points.",
        ],
        [
            "When will the monthly report be ready?",
            "What is the status of the press release?",
            "Can we move the call to Thursday?",
            "Which journalists have confirmed?",
        ],
        ["Hello, thank you: your message is received and we will come back shortly."],
        [
            "Good afternoon! The report will be ready on Friday by 3 pm.",
            "The press release is in final proofreading, you will have it today.",
            "Thursday at 11:00 works for us.",
            "Thanks! The edits are in, the new version is at the link.",
        ],
        [
            "Here is the latest digest of brand mentions.",
            "The article is out in the trade press, link below.",
            "A reminder of our meeting on Wednesday at noon.",
        ],
        [
            "Please approve the media plan for next month.",
            "We are waiting for your comments on the interview text.",
        ],
    ],
}
LANG_INDEX = {"ru": 0, "uk": 1, "bg": 2, "en": 3}
LANGS = list(LANG_INDEX)

FIRST = [
    "Olga", "Ivan", "Maria", "Dmytro", "Oksana", "Georgi", "Aigerim", "James", "Anna", "Pavel",
    "Elena", "Sergey", "Natalia", "Andriy", "Iryna", "Petar", "Dana", "Emily", "Timur", "Sofia",
]  # fmt: skip
LAST = [
    "Petrova", "Sidorov", "Kovalenko", "Shevchenko", "Ivanova", "Dimitrov", "Nurlanova", "Smith",
    "Volkova", "Orlov", "Bondar", "Georgieva", "Abenov", "Taylor", "Morozova", "Melnyk",
]  # fmt: skip
COMPANY_A = [
    "Nord", "Altyn", "Sever", "Volga", "Baltic", "Steppe", "Danube", "Carpathian", "Ural",
    "Pontic", "Thames", "Sunrise", "Granite", "Silver", "Amber", "Cedar", "Falcon", "Harbor",
]  # fmt: skip
COMPANY_B = [
    "Dairy", "Logistics", "Telecom", "Bank", "Pharma", "Motors", "Foods", "Energy", "Retail",
    "Mining", "Airlines", "Media", "Insurance", "Developers", "Brewery", "Clinics",
]  # fmt: skip
INDUSTRY = {
    "Dairy": "FMCG", "Logistics": "Logistics", "Telecom": "Telecom", "Bank": "Finance",
    "Pharma": "Healthcare", "Motors": "Automotive", "Foods": "FMCG", "Energy": "Energy",
    "Retail": "Retail", "Mining": "Mining", "Airlines": "Travel", "Media": "Media",
    "Insurance": "Finance", "Developers": "Real estate", "Brewery": "FMCG", "Clinics": "Healthcare",
}  # fmt: skip


def _us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _moments(values: np.ndarray) -> list[datetime | None]:
    """Aware datetimes of int64 UTC microseconds; NONE gives None."""
    naive = values.astype("datetime64[us]").tolist()
    return [
        None if v == NONE else d.replace(tzinfo=UTC)
        for v, d in zip(values.tolist(), naive, strict=True)
    ]


def _datetimes(values: np.ndarray, vendor: str) -> list[Any]:
    """A DateTimeField column for the driver from int64 UTC microseconds (NONE: NULL).

    Text built by NumPy for the whole column: on SQLite exactly what Django
    stores, ``str()`` of the naive UTC moment (no fraction when it is zero); on
    PostgreSQL the same with ``+00:00``, which ``COPY`` reads as timestamptz.
    """
    null = values == NONE
    moments = values.view("datetime64[us]")
    text = np.where(
        values % US == 0,
        np.datetime_as_string(moments, unit="s"),
        np.datetime_as_string(moments, unit="us"),
    )
    text = np.strings.replace(text, "T", " ")
    if vendor != "sqlite":
        text = np.strings.add(text, "+00:00")
    return [None if n else t for n, t in zip(null.tolist(), text.tolist(), strict=True)]


def _ids(values: np.ndarray, ids: np.ndarray) -> list[int | None]:
    """Database ids of planned rows (index -1 gives None)."""
    out = np.where(values >= 0, ids[np.maximum(values, 0)], -1).tolist()
    return [None if v < 0 else v for v in out]


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


class Generator:
    def __init__(
        self,
        *,
        clients: int,
        messages: int,
        managers: int,
        months: float,
        seed: int,
        batch: int,
        now: datetime,
        console: Console,
        plain: bool = False,
        rebuild_indexes: bool = True,
    ) -> None:
        self.n_clients = clients
        self.n_messages = messages
        self.n_managers = managers
        self.seed = seed
        self.batch = batch
        self.now = now
        self.now_us = _us(now)
        self.start_us = self.now_us - int(months * 30.44 * DAY)
        self.history_end = self.now_us - BACKLOG
        self.console = console
        self.rng = np.random.default_rng(seed)
        self.written: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        # seconds spent, over all tables: row values in Python, adapting them for the
        # driver, inserting, rebuilding indexes after a big load
        self.timing = {"plan": 0.0, "adapt": 0.0, "insert": 0.0, "indexes": 0.0}
        self.plain = plain
        self.rebuild_indexes = rebuild_indexes

    # --- planning ----------------------------------------------------------------

    def plan(self) -> None:
        self._plan_calendars()
        self._plan_people()
        self._plan_clients()
        backlog = self._plan_backlog()
        history = self._plan_history(self.n_messages - backlog["n"])
        self._merge(history, backlog)
        self._plan_keep_in_touch()
        self._finish_commitments()

    def _plan_calendars(self) -> None:
        default = BusinessCalendar.objects.get(is_default=True)
        self.calendars: list[BusinessCalendar] = [default]
        for name, tz, hours, country, _lang in CALENDARS:
            self.calendars.append(
                BusinessCalendar(
                    name=f"{CALENDAR_PREFIX}{name}", timezone=tz, hours=hours, country=country
                )
            )
        # The default calendar speaks the agency's language when it is one we have texts in.
        self.cal_lang = [{"Europe/Kyiv": "uk", "Europe/Sofia": "bg"}.get(default.timezone, "ru")]
        self.cal_lang += [lang for *_rest, lang in CALENDARS]

    def _engines(self) -> None:
        # The shared calendars are not saved yet: build their engines directly
        # (the engine cache is keyed by primary key).
        self.engines = [calendar_engine(self.calendars[0])] + [
            WorkCalendar(timezone=c.timezone, hours=c.hours, country=c.country)
            for c in self.calendars[1:]
        ]
        self.cal_day_minutes = np.array([business_day_minutes(e) for e in self.engines])
        self.cal_offset = np.array(
            [int(self.now.astimezone(e.tz).utcoffset().total_seconds()) for e in self.engines]  # type: ignore[union-attr]
        )

    def _plan_people(self) -> None:
        rng, m = self.rng, self.n_managers
        zones = ["Europe/Moscow", "Europe/Kyiv", "Europe/Sofia", "Asia/Almaty", "Europe/London"]
        self.users: list[dict[str, Any]] = []
        for i in range(m):
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
            self.users.append(
                {
                    "username": f"{USER_PREFIX}am-{i + 1:03d}",
                    "first_name": first,
                    "last_name": last,
                    "role": "account_manager",
                    "timezone": zones[i % len(zones)],
                    "language": ["ru", "uk", "bg", "en", "ru"][i % 5],
                }
            )
        self.directors = [m, m + 1]
        for i in range(2):
            self.users.append(
                {
                    "username": f"{USER_PREFIX}director-{i + 1}",
                    "first_name": FIRST[(i + 5) % len(FIRST)],
                    "last_name": LAST[(i + 3) % len(LAST)],
                    "role": "director",
                    "timezone": "Europe/Moscow",
                    "language": "en",
                }
            )
        # Uneven loads: some managers run three times the clients of others.
        self.am_weight = rng.lognormal(0.0, 0.35, m)
        self.am_weight /= self.am_weight.sum()

    def _plan_clients(self) -> None:
        rng, n = self.rng, self.n_clients
        self.cl_am = rng.choice(self.n_managers, size=n, p=self.am_weight)
        shift = rng.integers(1, max(self.n_managers, 2), size=n)
        self.cl_backup = np.where(
            self.n_managers > 1, (self.cl_am + shift) % self.n_managers, self.directors[0]
        )
        self.cl_cal = rng.choice(len(self.calendars), size=n, p=CALENDAR_SHARE)
        self.cl_frm = rng.choice([10, 10, 10, 10, 15, 30], size=n)
        self.cl_ack = np.full(n, 5)
        self.cl_kit = rng.choice([7, 7, 7, 5, 14], size=n)
        self.cl_fuh = rng.choice([16, 16, 8, 24], size=n)
        self.cl_status = rng.choice(["active", "paused", "prospect"], size=n, p=[0.9, 0.06, 0.04])
        self.cl_weight = rng.lognormal(0.0, 1.0, n)
        self.cl_weight /= self.cl_weight.sum()
        self.cl_created = self.start_us - rng.integers(30, 900, size=n) * DAY
        self.cl_lang = [self.cal_lang[c] for c in self.cl_cal.tolist()]
        self.cl_channel = rng.choice(["telegram", "email", "other"], size=n, p=[0.6, 0.3, 0.1])
        # contacts, contiguous per client
        self.ct_n = rng.integers(1, 4, size=n)
        self.ct_start = np.concatenate([[0], np.cumsum(self.ct_n)[:-1]])
        self.ct_client = np.repeat(np.arange(n), self.ct_n)
        # conversations, contiguous per client: the preferred channel's main thread first
        n_conv = rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.35, 0.2, 0.15])
        cv_client, cv_channel, cv_key, cv_topic, cv_weight = [], [], [], [], []
        extra = [
            ("email", "thread-1", "Reports"),
            ("telegram", "topic-design", "design"),
            ("phone", "main", ""),
            ("email", "thread-2", "Contract"),
            ("meeting", "main", ""),
        ]
        for c in range(n):
            main = str(self.cl_channel[c])
            rows = [(main, "main", "")]
            for channel, key, topic in extra:
                if len(rows) == n_conv[c]:
                    break
                if (channel, key) != (main, "main"):
                    rows.append((channel, key, topic))
            weights = [3.0] + [1.0] * (len(rows) - 1)
            total = sum(weights)
            acc = 0.0
            for (channel, key, topic), w in zip(rows, weights, strict=True):
                acc += w / total
                cv_client.append(c)
                cv_channel.append(channel)
                cv_key.append(key)
                cv_topic.append(topic)
                cv_weight.append(acc)
        self.cv_client = np.array(cv_client)
        self.cv_channel = cv_channel
        self.cv_key = cv_key
        self.cv_topic = cv_topic
        cum = np.array(cv_weight)
        cum[np.r_[np.diff(self.cv_client) != 0, True]] = 1.0  # exact 1 at each client's end
        self.cv_search = self.cv_client + cum  # increasing: client index + cumulative weight
        self.cl_conv_start = np.searchsorted(self.cv_client, np.arange(n))
        self.cl_conv_n = np.bincount(self.cv_client, minlength=n)
        self._engines()

    def _random_moments(self, clients: np.ndarray, lo: int | np.ndarray, hi: int) -> np.ndarray:
        """Moments between ``lo`` and ``hi``, mostly in the clients' working hours and weekdays."""
        rng, n = self.rng, len(clients)
        offset = self.cal_offset[self.cl_cal[clients]] * US
        lo_arr = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))
        first_day = (lo_arr + offset) // DAY
        last_day = (hi + offset) // DAY
        day = first_day + (rng.random(n) * (last_day - first_day + 1)).astype(np.int64)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        day -= (weekday == 5) & (rng.random(n) < 0.85)
        day += (weekday == 6) & (rng.random(n) < 0.85)
        office = rng.random(n) < 0.85
        minute = np.where(office, rng.uniform(9 * 60, 18 * 60, n), rng.uniform(7 * 60, 23 * 60, n))
        local = day * DAY + (minute * MINUTE).astype(np.int64)
        return np.clip(local - offset, lo_arr, hi)

    def _add(self, clients: np.ndarray, starts: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """``engine.add_many`` per calendar of each client."""
        out = np.empty(len(starts), dtype=np.int64)
        cals = self.cl_cal[clients]
        for k, engine in enumerate(self.engines):
            mask = cals == k
            if mask.any():
                moments = starts[mask].view("datetime64[us]")
                out[mask] = engine.add_many(moments, minutes[mask]).view(np.int64)
        return out

    def _between(self, clients: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Business minutes from ``a`` to ``b`` per calendar of each client."""
        out = np.empty(len(a), dtype=np.float64)
        cals = self.cl_cal[clients]
        for k, engine in enumerate(self.engines):
            mask = cals == k
            if mask.any():
                diff = engine.between_many(
                    a[mask].view("datetime64[us]"), b[mask].view("datetime64[us]")
                )
                out[mask] = diff.view(np.int64) / MINUTE
        return out

    def _plan_backlog(self) -> dict[str, Any]:
        """What is active now: unanswered messages and the commitments they opened."""
        rng, now = self.rng, self.now_us
        msgs: dict[str, list[Any]] = {
            k: [] for k in ("t", "conv", "in", "auto", "q", "await", "cat", "author")
        }
        com: dict[str, list[Any]] = {
            k: []
            for k in (
                "kind", "client", "owner", "conv", "msg", "start", "minutes", "due", "visible",
                "action", "state", "breached", "esc", "step", "breach_owner", "breach_due",
            )
        }  # fmt: skip

        def message(t: int, conv: int, inbound: bool, cat: int, author: int, **flags: bool) -> int:
            msgs["t"].append(t)
            msgs["conv"].append(conv)
            msgs["in"].append(inbound)
            msgs["auto"].append(flags.get("auto", False))
            msgs["q"].append(flags.get("q", False))
            msgs["await"].append(flags.get("wait", False))
            msgs["cat"].append(cat)
            msgs["author"].append(author)
            return len(msgs["t"]) - 1

        def commitment(**row: Any) -> None:
            row.setdefault("action", NONE)
            row.setdefault("esc", 0)
            row.setdefault("step", 0)
            for key in com:
                com[key].append(row.get(key, NONE if key in ("breached", "breach_due") else -1))

        def breach_state(due: int) -> tuple[int, int]:
            return (BREACHED, min(due + 10 * US, now)) if due <= now else (OPEN, NONE)

        budget = self.n_messages
        for c in rng.permutation(self.n_clients).tolist():
            engine = self.engines[self.cl_cal[c]]
            bdm = int(self.cal_day_minutes[self.cl_cal[c]])
            am, backup = int(self.cl_am[c]), int(self.cl_backup[c])
            k = int(
                rng.integers(3, 11)
            )  # active commitments of this client, keep-in-touch included
            first_conv, n_conv = int(self.cl_conv_start[c]), int(self.cl_conv_n[c])
            convs = list(range(first_conv, first_conv + n_conv))
            follow = n_conv >= 2 and rng.random() < 0.3
            fu_conv = convs[-1] if follow else -1
            in_convs = [v for v in convs if v != fu_conv]
            n_other = k - 1 - int(follow)
            n_fr = min(len(in_convs), max(1, round(n_other * 0.45)))
            n_q = max(n_other - n_fr, 0)
            if budget < n_fr + n_q + 2 * n_fr + int(follow):
                continue  # a tiny --messages: not every client gets a backlog
            times = np.sort(
                rng.integers(now - BACKLOG, now - MINUTE, size=n_fr + n_q, endpoint=True)
            ).tolist()
            fr_convs = rng.choice(in_convs, size=n_fr, replace=False).tolist()
            contact = int(self.ct_start[c])
            for i, t in enumerate(times):
                if i < n_fr:
                    conv = fr_convs[i]
                    m = message(t, conv, True, SAY, contact + i % int(self.ct_n[c]))
                    start = datetime.fromtimestamp(t / US, UTC)
                    due = _us(engine.add(start, int(self.cl_frm[c])))
                    ack = _us(engine.next_open(engine.add(start, int(self.cl_ack[c]))))
                    action = NONE
                    if ack <= now:
                        message(ack, conv, False, ACK, -1, auto=True)
                    else:
                        action = ack
                    state, breached = breach_state(due)
                    commitment(
                        kind=FR, client=c, owner=am, conv=conv, msg=m, start=t,
                        minutes=int(self.cl_frm[c]), due=due, visible=t, action=action,
                        state=state, breached=breached, breach_owner=am, breach_due=due,
                    )  # fmt: skip
                else:
                    conv = fr_convs[int(rng.integers(0, n_fr))]
                    m = message(t, conv, True, ASK, contact, q=True)
                    start = datetime.fromtimestamp(t / US, UTC)
                    due = _us(engine.add(start, bdm))
                    row: dict[str, Any] = {
                        "kind": QUESTION, "client": c, "owner": am, "conv": conv, "msg": m,
                        "start": t, "minutes": bdm, "due": due, "visible": t, "action": due,
                        "state": OPEN, "breach_owner": am, "breach_due": due,
                    }  # fmt: skip
                    if due <= now:  # missed: breached, escalated to the backup, then the director
                        row["state"], row["breached"] = BREACHED, due + 10 * US
                        level_start, owner = due + 10 * US, backup
                        for level in (1, 2):
                            level_due = _us(
                                engine.add(datetime.fromtimestamp(level_start / US, UTC), bdm)
                            )
                            row.update(
                                owner=owner, esc=level, start=level_start, due=level_due,
                                action=level_due if level < 2 else NONE,
                            )  # fmt: skip
                            if level_due > now:
                                break
                            level_start, owner = level_due + 10 * US, self.directors[0]
                    commitment(**row)
            if follow:
                after = times[-1] if times else now - BACKLOG
                t = int(rng.integers(after, now, endpoint=True))
                m = message(t, fu_conv, False, WAIT, am, wait=True)
                start = datetime.fromtimestamp(t / US, UTC)
                call = rng.random() < 0.25
                minutes = bdm if call else int(self.cl_fuh[c]) * 60
                due = _us(engine.add(start, minutes))
                state, breached = breach_state(due)
                commitment(
                    kind=CALL if call else FOLLOW_UP, client=c, owner=am, conv=fu_conv, msg=m,
                    start=t, minutes=minutes, due=due, visible=t, state=state, breached=breached,
                    breach_owner=am, breach_due=due, step=2 if call else 0,
                )  # fmt: skip
            budget = self.n_messages - len(msgs["t"])
        backlog: dict[str, Any] = {k: np.array(v) for k, v in msgs.items()}
        backlog["n"] = len(msgs["t"])
        backlog["com"] = {k: np.array(v, dtype=np.int64) for k, v in com.items()}
        return backlog

    def _plan_history(self, target: int) -> dict[str, Any]:
        """``target`` messages in episodes before the backlog window, with their commitments."""
        rng = self.rng
        if target <= 0:
            return self._explode(self._episodes(0), rng)
        parts: list[dict[str, np.ndarray]] = []
        total = 0
        while total < target:
            ep = self._episodes(max(int((target - total) / 2.8 * 1.05) + 16, 64))
            sizes = ep["size"]
            room = target - total
            take = int(np.searchsorted(np.cumsum(sizes), room, side="right"))
            ep = {k: v[:take] for k, v in ep.items()}
            parts.append(ep)
            total += int(ep["size"].sum())
            if take < len(sizes):
                break
        ep = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        filler = target - int(ep["size"].sum())
        if filler > 0:  # top up with one-message touches so the count is exact
            extra = self._episodes(filler, touches_only=True)
            ep = {k: np.concatenate([ep[k], extra[k]]) for k in ep}
        return self._explode(ep, rng)

    def _episodes(self, n: int, touches_only: bool = False) -> dict[str, np.ndarray]:
        rng = self.rng
        client = rng.choice(self.n_clients, size=n, p=self.cl_weight)
        conv = np.searchsorted(self.cv_search, client + rng.random(n), side="right")
        agency = np.ones(n, bool) if touches_only else rng.random(n) < 0.3
        wait = agency & (rng.random(n) < 0.4) & (not touches_only)
        part = (~agency | wait | (rng.random(n) < 0.6)) & (not touches_only)
        latest = self.history_end - 2 * DAY
        t0 = self._random_moments(
            client, self.start_us, self.history_end - 1 if touches_only else latest
        )
        delay = np.clip(rng.lognormal(np.log(3 * 60), 1.0, n), 2, 3 * 24 * 60)  # wall minutes
        t_in = np.where(agency, t0 + (delay * MINUTE).astype(np.int64), t0)
        n_in = 1 + (rng.random(n) < 0.35) + (rng.random(n) < 0.12)
        q_first = rng.random(n) < 0.35
        reply = np.clip(rng.lognormal(np.log(4.0), 0.9, n), 0.2, 2000)  # business minutes
        slow = rng.random(n) < 0.03
        reply = np.where(slow, rng.uniform(30, 600, n), reply)
        met = self._add(client, t_in, reply)
        ack_minutes = self.cl_ack[client]
        ack = part & (reply > ack_minutes)
        ack_at = self._add(client, t_in, ack_minutes.astype(np.float64))
        n_out = 1 + (rng.random(n) < 0.35)
        in_gap = (
            np.minimum((met - t_in) * 0.8 / n_in, 5 * MINUTE) * rng.uniform(0.3, 1, n)
        ).astype(np.int64)
        out_gap = (rng.uniform(1, 15, n) * MINUTE).astype(np.int64)
        last = np.where(part, met + (n_out - 1) * out_gap, t0)
        keep = last < self.history_end
        size = agency.astype(np.int64) + part * (n_in + ack + n_out)
        ep = {
            "client": client, "conv": conv, "agency": agency, "wait": wait, "part": part,
            "t0": t0, "t_in": t_in, "n_in": n_in, "q_first": q_first, "reply": reply,
            "met": met, "ack": ack, "ack_at": ack_at, "n_out": n_out, "in_gap": in_gap,
            "out_gap": out_gap, "size": size,
        }  # fmt: skip
        return {k: v[keep] for k, v in ep.items()}

    def _explode(self, ep: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, Any]:
        size = ep["size"]
        n = int(size.sum())
        start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        e = np.repeat(np.arange(len(size)), size)
        pos = np.arange(n) - start[e]
        touch = ep["agency"][e]
        p = pos - touch  # position in the client's part
        n_in, ack = ep["n_in"][e], ep["ack"][e]
        is_touch = touch & (pos == 0)
        is_in = ~is_touch & (p < n_in)
        is_ack = ~is_touch & ack & (p == n_in)
        j = p - n_in - ack  # index among the replies
        t = np.where(
            is_touch,
            ep["t0"][e],
            np.where(
                is_in,
                ep["t_in"][e] + p * ep["in_gap"][e],
                np.where(is_ack, ep["ack_at"][e], ep["met"][e] + j * ep["out_gap"][e]),
            ),
        )
        q = is_in & np.where(p == 0, ep["q_first"][e], rng.random(n) < 0.2)
        wait = is_touch & ep["wait"][e]
        cat = np.select(
            [is_touch & wait, is_touch, is_in & q, is_in, is_ack],
            [WAIT, TOUCH, ASK, SAY, ACK],
            REPLY,
        )
        client = ep["client"][e]
        author = np.where(
            is_in,
            self.ct_start[client] + rng.integers(0, 3, n) % self.ct_n[client],
            np.where(
                is_ack,
                -1,
                np.where(rng.random(n) < 0.9, self.cl_am[client], self.cl_backup[client]),
            ),
        )
        msgs = {
            "t": t, "conv": ep["conv"][e], "in": is_in, "auto": is_ack, "q": q,
            "await": wait, "cat": cat, "author": author,
        }  # fmt: skip
        # Commitments of the episodes (keep in touch comes later, over all messages).
        first_in = start + ep["agency"]
        first_out = first_in + ep["n_in"] + ep["ack"]
        parts = ep["part"]
        rows: list[dict[str, np.ndarray]] = []
        # first response: opened by the first client message, met by the first reply
        c = ep["client"][parts]
        t_in, met, reply = ep["t_in"][parts], ep["met"][parts], ep["reply"][parts]
        frm = self.cl_frm[c]
        due = self._add(c, t_in, frm.astype(np.float64))
        rows.append(
            self._met_rows(
                FR, c, ep["conv"][parts], first_in[parts], t_in, frm, due, met,
                first_out[parts], reply, reply - frm,
            )
        )  # fmt: skip
        # questions: every client message that asks, met by the reply
        qi = np.flatnonzero(q)
        qe = e[qi]
        c = client[qi]
        bdm = self.cal_day_minutes[self.cl_cal[c]]
        due = self._add(c, t[qi], bdm.astype(np.float64))
        met_q = ep["met"][qe]
        spent = np.maximum(self._between(c, t[qi], met_q), 0.0)
        rows.append(
            self._met_rows(
                QUESTION, c, msgs["conv"][qi], qi, t[qi], bdm, due, met_q, first_out[qe], spent,
                spent - bdm,
            )
        )  # fmt: skip
        # follow-ups: the agency waits for the client, who answers
        wi = np.flatnonzero(ep["wait"])
        c = ep["client"][wi]
        minutes = self.cl_fuh[c] * 60
        due = self._add(c, ep["t0"][wi], minutes.astype(np.float64))
        spent = np.maximum(self._between(c, ep["t0"][wi], ep["t_in"][wi]), 0.0)
        rows.append(
            self._met_rows(
                FOLLOW_UP, c, ep["conv"][wi], start[wi], ep["t0"][wi], minutes, due,
                ep["t_in"][wi], first_in[wi], spent, spent - minutes,
            )
        )  # fmt: skip
        com = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
        return {"msgs": msgs, "n": n, "com": com}

    def _met_rows(
        self,
        kind: int,
        client: np.ndarray,
        conv: np.ndarray,
        msg: np.ndarray,
        start: np.ndarray,
        minutes: np.ndarray,
        due: np.ndarray,
        met: np.ndarray,
        met_by: np.ndarray,
        spent: np.ndarray,
        late: np.ndarray,
    ) -> dict[str, np.ndarray]:
        n = len(client)
        late_mask = met > due
        breached = np.where(late_mask, due + np.minimum(10 * US, (met - due) // 2), NONE)
        owner = self.cl_am[client]
        return {
            "kind": np.full(n, kind), "client": client, "owner": owner, "conv": conv,
            "msg": msg, "start": start, "minutes": minutes, "due": due, "visible": start,
            "action": np.full(n, NONE), "state": np.full(n, MET), "breached": breached,
            "esc": np.zeros(n, np.int64), "step": np.zeros(n, np.int64),
            "breach_owner": owner, "breach_due": due, "met": met, "met_by": met_by,
            "spent": spent, "late": np.where(late_mask, np.maximum(late, 0.0), np.nan),
        }  # fmt: skip

    def _merge(self, history: dict[str, Any], backlog: dict[str, Any]) -> None:
        """One message table in time order; commitments re-pointed at the sorted rows."""
        h, b = history["msgs"], backlog
        n_h = history["n"]
        raw = {k: np.concatenate([h[k], b[k]]) if b["n"] else h[k] for k in h}
        order = np.argsort(raw["t"], kind="stable")
        where = np.empty_like(order)
        where[order] = np.arange(len(order))  # planned index -> sorted row
        self.msg = {k: v[order] for k, v in raw.items()}
        self.msg["client"] = self.cv_client[self.msg["conv"]]
        hc, bc = history["com"], b["com"]
        n_b = len(bc["kind"])
        blank = {
            "met": np.full(n_b, NONE), "met_by": np.full(n_b, -1), "spent": np.full(n_b, np.nan),
            "late": np.full(n_b, np.nan),
        }  # fmt: skip
        bc = {**bc, **blank}
        for key in ("msg", "met_by"):
            hc[key] = np.where(hc[key] >= 0, where[np.maximum(hc[key], 0)], -1)
            bc[key] = np.where(bc[key] >= 0, where[n_h + np.maximum(bc[key], 0)], -1)
        self.com = {k: np.concatenate([hc[k], bc[k].astype(hc[k].dtype)]) for k in hc}

    def _plan_keep_in_touch(self) -> None:
        """Every real outbound message restarts "keep in touch"; the client's next one meets it."""
        m = self.msg
        out = np.flatnonzero(~m["in"] & ~m["auto"])
        order = np.lexsort((m["t"][out], m["client"][out]))
        out = out[order]
        client = m["client"][out]
        t = m["t"][out]
        last = np.r_[client[1:] != client[:-1], True]
        nxt = np.r_[out[1:], -1]
        nxt[last] = -1
        days = self.cl_kit[client]
        due = t + days * DAY
        visible = t + np.maximum(days - 2, 1) * DAY
        met = np.where(last, NONE, m["t"][np.maximum(nxt, 0)])
        spent = np.where(last, np.nan, self._between(client, t, np.where(last, t, met)))
        late_mask = ~last & (met > due)
        late = np.where(
            late_mask,
            np.maximum(self._between(client, due, np.where(late_mask, met, due)), 0),
            np.nan,
        )
        active_breached = last & (due <= self.now_us)
        breached = np.where(late_mask | active_breached, due + 10 * US, NONE)
        state = np.where(last, np.where(active_breached, BREACHED, OPEN), MET)
        n = len(out)
        owner = self.cl_am[client]
        rows = {
            "kind": np.full(n, KIT), "client": client, "owner": owner, "conv": np.full(n, -1),
            "msg": np.full(n, -1), "start": t, "minutes": np.zeros(n, np.int64), "due": due,
            "visible": visible, "action": np.full(n, NONE), "state": state, "breached": breached,
            "esc": np.zeros(n, np.int64), "step": np.zeros(n, np.int64), "breach_owner": owner,
            "breach_due": due, "met": met, "met_by": nxt, "spent": spent, "late": late,
        }  # fmt: skip
        self.com = {
            k: np.concatenate([self.com[k], rows[k].astype(self.com[k].dtype)]) for k in rows
        }

    def _finish_commitments(self) -> None:
        com = self.com
        com["opened"] = com["start"] + 200_000  # recorded a moment after the message
        order = np.argsort(com["opened"], kind="stable")
        self.com = {k: v[order] for k, v in com.items()}
        self.breach_rows = np.flatnonzero(self.com["breached"] != NONE)
        self.breach_rows = self.breach_rows[np.argsort(self.com["breached"][self.breach_rows])]
        self.auto_rows = np.flatnonzero(self.msg["auto"])
        self.rng_text = self.rng.integers(0, 1 << 30, size=len(self.msg["t"]))

    # --- writing -----------------------------------------------------------------
    #
    # Column builders return, per attname, a list of database-ready plain values
    # (ids, strings, numbers, booleans, None) or, for DateTimeFields, an int64
    # array of UTC microseconds (NONE for NULL). A field left out gets its default.

    def write(self) -> None:
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description:<14}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn("[cyan]{task.fields[rate]:>10}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            disable=self.console.quiet,
        )
        tables = [
            ("users", len(self.users), self._write_users),
            ("calendars", len(self.calendars) - 1, self._write_calendars),
            ("clients", self.n_clients, self._write_clients),
            ("contacts", len(self.ct_client), self._write_contacts),
            ("conversations", len(self.cv_client), self._write_conversations),
            ("messages", len(self.msg["t"]), self._write_messages),
            ("outbox", len(self.auto_rows), self._write_outbox),
            ("commitments", len(self.com["kind"]), self._write_commitments),
            ("breaches", len(self.breach_rows), self._write_breaches),
        ]
        with self._loader_session(), progress:
            bars = {
                name: progress.add_task(name, total=total, rate="", start=False)
                for name, total, _ in tables
            }
            for name, total, write in tables:
                progress.start_task(bars[name])
                t0 = time.perf_counter()
                done = [0]

                def advance(n: int, name: str = name, t0: float = t0, done: list = done) -> None:
                    done[0] += n
                    rate = done[0] / max(time.perf_counter() - t0, 1e-9)
                    progress.update(bars[name], advance=n, rate=f"{rate:,.0f}/s")

                write(advance)
                self.seconds[name] = time.perf_counter() - t0
                self.written[name] = total

    @contextmanager
    def _loader_session(self) -> Iterator[None]:
        """A loader's session settings, restored afterwards.

        SQLite: a 256 MB page cache and no fsync at commits (a crash mid-load
        loses bench rows only; WAL keeps the file consistent). PostgreSQL:
        asynchronous commit.
        """
        settings = {
            "sqlite": [("PRAGMA cache_size", "-262144"), ("PRAGMA synchronous", "OFF")],
            "postgresql": [("synchronous_commit", "off")],
        }.get(connection.vendor, [])
        if connection.in_atomic_block:  # inside a caller's transaction (tests): leave it be
            settings = []
        saved = []
        with connection.cursor() as cursor:
            for name, value in settings:
                if connection.vendor == "sqlite":
                    cursor.execute(name)
                    saved.append((name, cursor.fetchone()[0]))
                    cursor.execute(f"{name}={value}")
                else:
                    cursor.execute(f"SHOW {name}")
                    saved.append((name, cursor.fetchone()[0]))
                    cursor.execute(f"SET {name} TO {value}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for name, value in saved:
                    if connection.vendor == "sqlite":
                        cursor.execute(f"{name}={int(value)}")
                    else:
                        cursor.execute(f"SET {name} TO %s", [value])

    def _bulk(
        self,
        model: type[models.Model],
        n: int,
        columns: Callable[[int, int], dict[str, Any]],
        advance: Callable[[int], None],
    ) -> np.ndarray:
        """Insert ``n`` rows in batches of ``--batch``; returns their ids in order."""
        fast = not self.plain and connection.vendor in ("sqlite", "postgresql")
        # A big load into an empty table: build its secondary indexes once at the
        # end (a sorted build) instead of updating them row by row, 40 % faster at
        # 2M messages. One transaction holds the drop, the load and the rebuild,
        # so an interrupted run leaves the table empty with every index in place.
        rebuild = (
            self._index_statements(model)
            if fast
            and self.rebuild_indexes
            and n >= REBUILD_INDEXES_FROM
            and not connection.in_atomic_block
            else []
        )
        if rebuild and model.objects.exists():
            rebuild = []
        ids = np.empty(n, dtype=np.int64)
        with transaction.atomic() if rebuild else nullcontext():
            self._drop_indexes(rebuild)
            for lo in range(0, n, self.batch):
                hi = min(lo + self.batch, n)
                t0 = time.perf_counter()
                values = columns(lo, hi)
                self.timing["plan"] += time.perf_counter() - t0
                if fast:
                    ids[lo:hi] = self._copy(model, values, hi - lo)
                else:
                    t0 = time.perf_counter()
                    ids[lo:hi] = self._bulk_create(model, values, hi - lo)
                    self.timing["insert"] += time.perf_counter() - t0
                advance(hi - lo)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                if rebuild and connection.vendor == "postgresql":
                    # fire the deferred foreign key checks now: PostgreSQL builds no
                    # index on a table with pending trigger events
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for _name, sql in rebuild:
                    cursor.execute(sql)
            self.timing["indexes"] += time.perf_counter() - t0
        return ids

    @staticmethod
    def _index_statements(model: type[models.Model]) -> list[tuple[str, str]]:
        """The model's non-unique secondary indexes that exist, as the schema editor creates them."""
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            editor.create_model(model)
            statements = [str(sql) for sql in editor.deferred_sql]
        with connection.cursor() as cursor:
            existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
        result = []
        for sql in statements:
            if not sql.startswith("CREATE INDEX "):
                continue
            name = sql.split('"')[1] if '"' in sql else sql.split()[2]
            info = existing.get(name)
            if info and info["index"] and not info["unique"] and not info["primary_key"]:
                result.append((name, sql))
        return result

    @staticmethod
    def _drop_indexes(indexes: list[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    @staticmethod
    def _bulk_create(model: type[models.Model], values: dict[str, Any], k: int) -> list[int]:
        """``bulk_create`` of one batch; instances are built positionally (``Model.__init__``'s fast path)."""
        cols: list[Iterable[Any]] = []
        for f in model._meta.concrete_fields:
            col = values.get(f.attname)
            if col is None:
                col = repeat(None if f.primary_key else f.get_default(), k)
            elif isinstance(col, np.ndarray):
                col = _moments(col) if isinstance(f, models.DateTimeField) else col.tolist()
            cols.append(col)
        objs = [model(*row) for row in zip(*cols, strict=False)]
        model.objects.bulk_create(objs, batch_size=k)
        return [o.pk for o in objs]  # type: ignore[misc]

    def _copy(self, model: type[models.Model], values: dict[str, Any], k: int) -> np.ndarray:
        """One batch straight into the table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

        ``bulk_create`` spends ~3/4 of its time preparing every value of every
        row field by field; here each column is adapted once, as a whole. Ids are
        reserved first (the sequence on PostgreSQL; on SQLite under the write
        lock ``BEGIN IMMEDIATE`` holds for the batch), so concurrent writers
        cannot collide with them.
        """
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(f.column) for f in fields)
        with transaction.atomic(), connection.cursor() as cursor:
            ids = self._reserve_ids(cursor, model, k)
            t0 = time.perf_counter()
            cols = [
                ids.tolist() if f.primary_key else self._adapt(f, values.get(f.attname), k)
                for f in fields
            ]
            rows = list(zip(*cols, strict=True))
            t1 = time.perf_counter()
            self.timing["adapt"] += t1 - t0
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                # names come from the model's own _meta, quoted
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                cursor.executemany(sql, rows)
            self.timing["insert"] += time.perf_counter() - t1
        return ids

    @staticmethod
    def _reserve_ids(cursor: Any, model: type[models.Model], k: int) -> np.ndarray:
        table, column = model._meta.db_table, model._meta.pk.column
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, k],
            )
            return np.sort(np.array([row[0] for row in cursor.fetchall()], dtype=np.int64))
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        base = max(top, row[0] if row else 0)
        return np.arange(base + 1, base + 1 + k, dtype=np.int64)

    @staticmethod
    def _adapt(field: models.Field, col: Any, k: int) -> list[Any]:
        """A column in the form the database driver takes, as ``get_db_prep_save`` would give it."""
        db = connections[DEFAULT_DB_ALIAS]  # the object itself: the proxy costs a lookup per use
        if col is None:
            return [field.get_db_prep_save(field.get_default(), db)] * k
        if isinstance(field, models.DateTimeField) and isinstance(col, np.ndarray):
            return _datetimes(col, db.vendor)
        if isinstance(col, np.ndarray):
            col = col.tolist()
        if isinstance(
            field,
            models.CharField
            | models.TextField
            | models.IntegerField
            | models.BooleanField
            | models.FloatField
            | models.ForeignKey,
        ):
            return list(col)  # plain values already
        if isinstance(field, models.JSONField) and field.encoder is None:
            # adapt_json_value: json.dumps (SQLite); COPY's text format takes the same (jsonb)
            return [None if v is None else json.dumps(v) for v in col]
        return [field.get_db_prep_save(v, db) for v in col]

    def _write_users(self, advance: Callable[[int], None]) -> None:
        joined = self.now_us - 800 * DAY
        users = self.users

        def columns(lo: int, hi: int) -> dict[str, Any]:
            rows = users[lo:hi]
            return {
                "password": [make_password(None) for _ in rows],
                "username": [u["username"] for u in rows],
                "first_name": [u["first_name"] for u in rows],
                "last_name": [u["last_name"] for u in rows],
                "email": [f"{u['username']}@agency.example" for u in rows],
                "role": [u["role"] for u in rows],
                "timezone": [u["timezone"] for u in rows],
                "language": [u["language"] for u in rows],
                "is_staff": [u["role"] == "director" for u in rows],
                "is_active": [True] * len(rows),
                "date_joined": np.full(len(rows), joined),
            }

        self.user_ids = self._bulk(User, len(users), columns, advance)

    def _write_calendars(self, advance: Callable[[int], None]) -> None:
        for calendar in self.calendars[1:]:
            calendar.save()
            advance(1)
        self.cal_ids = np.array([c.pk for c in self.calendars])

    def _write_clients(self, advance: Callable[[int], None]) -> None:
        rng = np.random.default_rng(self.seed + 1)
        a = rng.integers(0, len(COMPANY_A), self.n_clients).tolist()
        b = rng.integers(0, len(COMPANY_B), self.n_clients).tolist()

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = range(lo, hi)
            return {
                "name": [f"{COMPANY_A[a[i]]} {COMPANY_B[b[i]]} {i + 1}" for i in r],
                "industry": [INDUSTRY[COMPANY_B[b[i]]] for i in r],
                "business_summary": [
                    f"{COMPANY_A[a[i]]} {COMPANY_B[b[i]]}: a regional leader; "
                    "PR, SMM and media relations."
                    for i in r
                ],
                "status": self.cl_status[lo:hi].tolist(),
                "language": self.cl_lang[lo:hi],
                "calendar_id": self.cal_ids[self.cl_cal[lo:hi]].tolist(),
                "account_manager_id": self.user_ids[self.cl_am[lo:hi]].tolist(),
                "backup_manager_id": self.user_ids[self.cl_backup[lo:hi]].tolist(),
                "preferred_channel": self.cl_channel[lo:hi].tolist(),
                "address_form": ["formal" if i % 3 else "informal" for i in r],
                "first_response_minutes": self.cl_frm[lo:hi].tolist(),
                "ack_delay_minutes": self.cl_ack[lo:hi].tolist(),
                "keep_in_touch_days": self.cl_kit[lo:hi].tolist(),
                "follow_up_hours": self.cl_fuh[lo:hi].tolist(),
                "created_at": self.cl_created[lo:hi],
                "updated_at": self.cl_created[lo:hi],
            }

        self.client_ids = self._bulk(Client, self.n_clients, columns, advance)

    def _write_contacts(self, advance: Callable[[int], None]) -> None:
        n = len(self.ct_client)
        rng = np.random.default_rng(self.seed + 2)
        first = rng.integers(0, len(FIRST), n).tolist()
        last = rng.integers(0, len(LAST), n).tolist()
        nth = (np.arange(n) - self.ct_start[self.ct_client]).tolist()
        client_ids = self.client_ids[self.ct_client].tolist()
        telegram = (self.cl_channel[self.ct_client] == "telegram").tolist()
        handle = [f"{FIRST[first[i]]}_{LAST[last[i]]}_{client_ids[i]}".lower() for i in range(n)]
        email = [
            f"{FIRST[first[i]]}.{LAST[last[i]]}.{client_ids[i]}@client.example".lower()
            for i in range(n)
        ]
        # How an inbound message names its author: the Telegram handle or the e-mail.
        self.ct_label = [
            f"@{h}" if tg else e for h, e, tg in zip(handle, email, telegram, strict=True)
        ]

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = range(lo, hi)
            return {
                "client_id": client_ids[lo:hi],
                "name": [f"{FIRST[first[i]]} {LAST[last[i]]}" for i in r],
                "position": [("CEO", "PR director", "Marketing manager")[nth[i] % 3] for i in r],
                "decision_power": [("decides", "approves", "informs")[nth[i] % 3] for i in r],
                "email": email[lo:hi],
                "telegram_username": handle[lo:hi],
                "is_primary": [nth[i] == 0 for i in r],
            }

        self.contact_ids = self._bulk(Contact, n, columns, advance)

    def _write_conversations(self, advance: Callable[[int], None]) -> None:
        n = len(self.cv_client)
        conv, t = self.msg["conv"], self.msg["t"]
        last = np.full(n, NONE)
        first = np.full(n, np.iinfo(np.int64).max)
        np.maximum.at(last, conv, t)
        np.minimum.at(first, conv, t)
        created = np.minimum(first, self.cl_created[self.cv_client] + DAY)
        client_ids = self.client_ids[self.cv_client].tolist()

        def columns(lo: int, hi: int) -> dict[str, Any]:
            return {
                "client_id": client_ids[lo:hi],
                "channel": self.cv_channel[lo:hi],
                "external_key": self.cv_key[lo:hi],
                "topic": self.cv_topic[lo:hi],
                "title": self.cv_topic[lo:hi],
                "created_at": created[lo:hi],
                "last_message_at": last[lo:hi],
            }

        self.conv_ids = self._bulk(Conversation, n, columns, advance)

    def _write_messages(self, advance: Callable[[int], None]) -> None:
        m = self.msg
        n = len(m["t"])
        texts = [TEXTS[lang] for lang in LANGS]
        cl_text = [LANG_INDEX.get(lang, 0) for lang in self.cl_lang]
        users = [u["username"] for u in self.users]
        contact_ids = self.contact_ids.tolist()
        user_ids = self.user_ids.tolist()
        with_ids = np.array([ch in ("telegram", "email", "other") for ch in self.cv_channel])

        def columns(lo: int, hi: int) -> dict[str, Any]:
            sl = slice(lo, hi)
            inbound = m["in"][sl].tolist()
            author = m["author"][sl].tolist()
            conv = m["conv"][sl]
            ext = (with_ids[conv] & ~m["auto"][sl]).tolist()
            text = []
            for c, k, r in zip(
                m["client"][sl].tolist(),
                m["cat"][sl].tolist(),
                self.rng_text[sl].tolist(),
                strict=True,
            ):
                pool = texts[cl_text[c]][k]
                text.append(pool[r % len(pool)])
            return {
                "conversation_id": self.conv_ids[conv].tolist(),
                "client_id": self.client_ids[m["client"][sl]].tolist(),
                "channel": [self.cv_channel[v] for v in conv.tolist()],
                "direction": ["in" if i else "out" for i in inbound],
                "author_contact_id": [
                    contact_ids[a] if i else None for i, a in zip(inbound, author, strict=True)
                ],
                "author_user_id": [
                    None if i or a < 0 else user_ids[a]
                    for i, a in zip(inbound, author, strict=True)
                ],
                "author_label": [
                    self.ct_label[a] if i else ("" if a < 0 else users[a])
                    for i, a in zip(inbound, author, strict=True)
                ],
                "sent_at": m["t"][sl],
                "text": text,
                "attachments": [[] for _ in inbound],
                # zero-padded: ids in time order are in index order too
                "external_id": [
                    f"bench:{i:010d}" if e else None
                    for i, e in zip(range(lo, hi), ext, strict=True)
                ],
                "needs_response": inbound,
                "is_question": m["q"][sl].tolist(),
                "automatic": m["auto"][sl].tolist(),
                "awaiting_client": m["await"][sl].tolist(),
                "source": ["api"] * (hi - lo),
                "created_at": m["t"][sl] + 2 * US,
            }

        self.msg_ids = self._bulk(Message, n, columns, advance)

    def _write_outbox(self, advance: Callable[[int], None]) -> None:
        rows = self.auto_rows
        keys = np.random.default_rng(self.seed + 3).bytes(16 * len(rows))

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = rows[lo:hi]
            at = self.msg["t"][r]
            return {
                "message_id": self.msg_ids[r].tolist(),
                "client_id": self.client_ids[self.msg["client"][r]].tolist(),
                "channel": [self.cv_channel[v] for v in self.msg["conv"][r].tolist()],
                "state": ["sent"] * (hi - lo),
                "send_after": at,
                "attempts": [1] * (hi - lo),
                "idempotency_key": [
                    uuid.UUID(bytes=keys[16 * i : 16 * i + 16], version=4) for i in range(lo, hi)
                ],
                "enqueued_at": at,
                "sent_at": at + US,
                "external_id": [f"sent:{i}" for i in range(lo, hi)],
                "created_at": at,
            }

        self._bulk(OutboundMessage, len(rows), columns, advance)

    def _write_commitments(self, advance: Callable[[int], None]) -> None:
        com = self.com
        lang = [LANG_INDEX.get(x, 0) for x in self.cl_lang]
        ack = self.cl_ack.tolist()
        kit = self.cl_kit.tolist()
        fuh = self.cl_fuh.tolist()
        rng_text = self.rng_text.tolist()

        def params(kind: int, client: int, minutes: int, step: int, msg: int) -> Any:
            if kind == FR:
                value: dict[str, Any] = {"minutes": minutes, "ack_minutes": ack[client]}
            elif kind == QUESTION:
                pool = TEXTS[LANGS[lang[client]]][ASK]
                value = {"excerpt": pool[rng_text[msg] % len(pool)][:120]}
            elif kind == KIT:
                value = {"days": kit[client]}
            elif kind == FOLLOW_UP:
                value = {"hours": fuh[client], "step": step}
            else:
                value = {"follow_ups": step}
            return value

        def columns(lo: int, hi: int) -> dict[str, Any]:
            sl = slice(lo, hi)
            kind = com["kind"][sl].tolist()
            client = com["client"][sl].tolist()
            minutes = com["minutes"][sl].tolist()
            step = com["step"][sl].tolist()
            msg = com["msg"][sl].tolist()
            return {
                "kind": [KINDS[k] for k in kind],
                "state": [STATES[s] for s in com["state"][sl].tolist()],
                "client_id": self.client_ids[com["client"][sl]].tolist(),
                "owner_id": _ids(com["owner"][sl], self.user_ids),
                "calendar_id": self.cal_ids[self.cl_cal[com["client"][sl]]].tolist(),
                "conversation_id": _ids(com["conv"][sl], self.conv_ids),
                "message_id": _ids(com["msg"][sl], self.msg_ids),
                "start_at": com["start"][sl],
                "business_minutes": minutes,
                "due_at": com["due"][sl],
                "visible_from": com["visible"][sl],
                "action_at": com["action"][sl],
                "opened_at": com["opened"][sl],
                "breached_at": com["breached"][sl],
                "met_at": com["met"][sl],
                "met_by_id": _ids(com["met_by"][sl], self.msg_ids),
                "response_minutes": [
                    None if s != s else round(s, 3) for s in com["spent"][sl].tolist()
                ],
                "escalation": com["esc"][sl].tolist(),
                "step": step,
                "reason_code": [KINDS[k] for k in kind],
                "reason_params": [
                    params(*row) for row in zip(kind, client, minutes, step, msg, strict=True)
                ],
            }

        self.com_ids = self._bulk(Commitment, len(com["kind"]), columns, advance)

    def _write_breaches(self, advance: Callable[[int], None]) -> None:
        rows = self.breach_rows
        com = self.com

        def columns(lo: int, hi: int) -> dict[str, Any]:
            r = rows[lo:hi]
            return {
                "commitment_id": self.com_ids[r].tolist(),
                "client_id": self.client_ids[com["client"][r]].tolist(),
                "owner_id": _ids(com["breach_owner"][r], self.user_ids),
                "kind": [KINDS[k] for k in com["kind"][r].tolist()],
                "due_at": com["breach_due"][r],
                "at": com["breached"][r],
                "late_minutes": [None if x != x else round(x, 3) for x in com["late"][r].tolist()],
            }

        self._bulk(Breach, len(rows), columns, advance)
