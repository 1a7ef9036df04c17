"""Demo data that looks like a real agency: 8 account managers, 40 clients in five countries.

Loading is idempotent: people are matched by username and clients by name,
so running ``agencydesk demo`` again adds nothing twice.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from agencydesk.accounts.choices import Role
from agencydesk.accounts.models import User
from agencydesk.clients.dossier import ServiceLine, contact_create, contract_create
from agencydesk.clients.models import (
    Client,
    KeyEvent,
    MonitoringTopic,
    Service,
    WorkingFileLink,
)
from agencydesk.clients.services import client_create
from agencydesk.demo_meetings import demo_meetings
from agencydesk.demo_messages import demo_conversations
from agencydesk.demo_work import demo_work
from agencydesk.integrations.email.demo import demo_email
from agencydesk.integrations.telegram.demo import demo_telegram

if TYPE_CHECKING:
    from rich.console import Console

DEMO_PASSWORD = "agencydesk-demo"  # noqa: S105 - published in the README

PEOPLE = [
    # username, first, last, role, language, time zone
    ("admin", "Admin", "", Role.ADMIN, "en", "Europe/Moscow"),
    ("director", "Natalia", "Voronova", Role.DIRECTOR, "ru", "Europe/Moscow"),
    ("olga", "Olga", "Smirnova", Role.ACCOUNT_MANAGER, "ru", "Europe/Moscow"),
    ("ivan", "Ivan", "Petrov", Role.ACCOUNT_MANAGER, "ru", "Europe/Moscow"),
    ("maria", "Maria", "Kuznetsova", Role.ACCOUNT_MANAGER, "ru", "Asia/Yekaterinburg"),
    ("dmytro", "Dmytro", "Kovalenko", Role.ACCOUNT_MANAGER, "uk", "Europe/Kyiv"),
    ("oksana", "Oksana", "Shevchuk", Role.ACCOUNT_MANAGER, "uk", "Europe/Kyiv"),
    ("georgi", "Georgi", "Ivanov", Role.ACCOUNT_MANAGER, "bg", "Europe/Sofia"),
    ("aigerim", "Aigerim", "Nurlanova", Role.ACCOUNT_MANAGER, "ru", "Asia/Almaty"),
    ("james", "James", "Whitfield", Role.ACCOUNT_MANAGER, "en", "Europe/London"),
    ("anna", "Anna", "Lebedeva", Role.SPECIALIST, "ru", "Europe/Moscow"),
    ("pavel", "Pavel", "Orlov", Role.SPECIALIST, "ru", "Europe/Moscow"),
    ("svetlana", "Svetlana", "Morozova", Role.FINANCE, "ru", "Europe/Moscow"),
]


@dataclass(frozen=True)
class Region:
    country: str
    timezone: str
    language: str
    currency: str
    managers: tuple[str, ...]
    clients: tuple[tuple[str, str], ...]
    people: tuple[tuple[str, str], ...]  # (name, address-as)
    positions: tuple[str, ...]


REGIONS = [
    Region(
        "RU",
        "Europe/Moscow",
        "ru",
        "RUB",
        ("olga", "ivan", "maria"),
        (
            ("Северный ветер", "Энергетика"),
            ("Клиника «Линия здоровья»", "Медицина"),
            ("ТехноПарк Восход", "Девелопмент"),
            ("Пекарня «Булочная №5»", "Ритейл, еда"),
            ("Финтех «Копилка»", "Финансы"),
            ("Агрохолдинг «Нива»", "Сельское хозяйство"),
            ("Уральский металл", "Промышленность"),
            ("Сибирская логистика", "Логистика"),
            ("Школа «Грамотей»", "Образование"),
            ("Мебельная фабрика «Дуб»", "Производство"),
            ("Отель «Волга Плаза»", "Гостиничный бизнес"),
            ("IT-интегратор «Синтез»", "ИТ"),
            ("Ювелирный дом «Аметист»", "Ритейл"),
            ("Фонд «Добрые руки»", "Благотворительность"),
        ),
        (
            ("Алексей Громов", "Алексей Викторович"),
            ("Екатерина Белова", "Екатерина"),
            ("Сергей Миронов", "Сергей Петрович"),
            ("Наталья Крылова", "Наталья Андреевна"),
            ("Дмитрий Соколов", "Дмитрий"),
            ("Ирина Павлова", "Ирина Сергеевна"),
        ),
        ("Директор по маркетингу", "PR-менеджер", "Генеральный директор", "Бренд-менеджер"),
    ),
    Region(
        "UA",
        "Europe/Kyiv",
        "uk",
        "UAH",
        ("dmytro", "oksana"),
        (
            ("Київська кавова компанія", "HoReCa"),
            ("Дніпро Агро", "Агробізнес"),
            ("Львівська пивоварня «Ратуша»", "Напої"),
            ("Одеса Порт Сервіс", "Логістика"),
            ("ІТ-студія «Карпати»", "ІТ"),
            ("Мережа аптек «Здоров'я»", "Фармація"),
            ("Харківський тракторний дизайн", "Промисловість"),
            ("Школа програмування «Код»", "Освіта"),
        ),
        (
            ("Андрій Мельник", "пане Андрію"),
            ("Олена Бондаренко", "пані Олено"),
            ("Тарас Ковальчук", "Тарасе"),
            ("Ірина Ткаченко", "пані Ірино"),
        ),
        ("Директор з маркетингу", "PR-менеджер", "Засновник"),
    ),
    Region(
        "BG",
        "Europe/Sofia",
        "bg",
        "EUR",
        ("georgi",),
        (
            ("София Тех Хъб", "ИТ"),
            ("Варна Марин Сървис", "Морски услуги"),
            ("Пловдивски вина", "Вино"),
            ("Розово масло Казанлък", "Козметика"),
            ("Банско Ски Резорт", "Туризъм"),
            ("Бургас Логистик", "Логистика"),
        ),
        (
            ("Петър Димитров", "г-н Димитров"),
            ("Мария Георгиева", "г-жо Георгиева"),
            ("Николай Стоянов", "Николай"),
        ),
        ("Маркетинг директор", "PR мениджър", "Управител"),
    ),
    Region(
        "KZ",
        "Asia/Almaty",
        "ru",
        "KZT",
        ("aigerim",),
        (
            ("Алматы Финанс", "Финансы"),
            ("Астана Девелопмент", "Строительство"),
            ("Казахстанское молоко", "Пищевая промышленность"),
            ("Степной телеком", "Телеком"),
            ("Караганда Уголь Сервис", "Добыча"),
            ("Шымкент Текстиль", "Текстиль"),
        ),
        (
            ("Айдар Сеитов", "Айдар Маратович"),
            ("Динара Ахметова", "Динара"),
            ("Ерлан Касымов", "Ерлан Болатович"),
        ),
        ("Директор по коммуникациям", "Маркетолог", "Генеральный директор"),
    ),
    Region(
        "GB",
        "Europe/London",
        "en",
        "GBP",
        ("james",),
        (
            ("Thames Analytics", "Data and analytics"),
            ("Brightline Foods", "Food and drink"),
            ("Northgate Property", "Real estate"),
            ("Oakridge Fintech", "Finance"),
            ("Harbour & Finch Law", "Legal services"),
            ("Lumen Health", "Healthcare"),
        ),
        (
            ("Oliver Bennett", "Oliver"),
            ("Charlotte Hughes", "Ms Hughes"),
            ("Harry Wilson", "Harry"),
        ),
        ("Head of Marketing", "Communications Director", "Founder"),
    ),
]

HOURS = [
    "mon-fri 09:00-18:00",
    "mon-fri 10:00-19:00",
    "mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45",
    "mon-fri 09:00-13:00,14:00-18:00",
]
REGION_ZONES = {"RU": ["Europe/Moscow", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk"]}
TOPICS = {
    "ru": ["Отраслевые новости", "Конкуренты", "Упоминания бренда", "Регулирование отрасли"],
    "uk": ["Новини галузі", "Конкуренти", "Згадки бренду"],
    "bg": ["Новини от бранша", "Конкуренти", "Споменавания на марката"],
    "en": ["Industry news", "Competitors", "Brand mentions", "Regulation"],
}
EVENTS = {
    "ru": [
        ("Запуск новой линейки", "launch"),
        ("Годовой отчёт", "report"),
        ("Отраслевая выставка", "trade_show"),
    ],
    "uk": [
        ("Запуск продукту", "launch"),
        ("Річний звіт", "report"),
        ("Галузева виставка", "trade_show"),
    ],
    "bg": [
        ("Пускане на продукт", "launch"),
        ("Годишен отчет", "report"),
        ("Изложение", "trade_show"),
    ],
    "en": [("Product launch", "launch"), ("Annual report", "report"), ("Trade show", "trade_show")],
}
DOCUMENTS = [
    ("strategy", {"ru": "Стратегия", "uk": "Стратегія", "bg": "Стратегия", "en": "Strategy"}),
    (
        "content_plan",
        {"ru": "Контент-план", "uk": "Контент-план", "bg": "Контент план", "en": "Content plan"},
    ),
    ("media_plan", {"ru": "Медиаплан", "uk": "Медіаплан", "bg": "Медиен план", "en": "Media plan"}),
    ("brand_book", {"ru": "Брендбук", "uk": "Брендбук", "bg": "Брандбук", "en": "Brand book"}),
]
SERVICE_SETS = [
    [("pr", Decimal(8)), ("monitoring", Decimal(4))],
    [("smm", Decimal(20)), ("design", Decimal(10))],
    [("pr", Decimal(6)), ("smm", Decimal(12)), ("copywriting", Decimal(8))],
    [("seo", Decimal(40)), ("context-ads", Decimal(30)), ("analytics", Decimal(1))],
    [("pr", None), ("crisis", Decimal(10))],
]


def _people(now: datetime) -> dict[str, User]:
    users = {}
    for username, first, last, role, language, tz in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                language=language,
                timezone=tz,
                email=f"{username}@agency.example",
                # The back office is Django admin: only the admin has its rights, so only the
                # admin is staff (a director would land on "no permission to view anything").
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
                date_joined=now,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    return users


def address_form_of(address_as: str) -> str:
    """The form of address that goes with how a demo contact is addressed.

    A first name alone (Oliver) is informal; a first name with the patronymic,
    or with a title (Ms Hughes), is formal, so the acknowledgement never greets
    a name and patronymic with an informal hello.
    """
    return "formal" if len(address_as.split()) > 1 else "informal"


def _email(client_pk: int, n: int) -> str:
    return f"contact{n + 1}.client{client_pk}@client.example"


@transaction.atomic
def _client(
    *,
    region: Region,
    index: int,
    name: str,
    industry: str,
    users: dict[str, User],
    rng: random.Random,
    now: datetime,
) -> bool:
    if Client.objects.filter(name=name).exists():
        return False
    admin = users["director"]
    manager = users[region.managers[index % len(region.managers)]]
    backups = [u for u in region.managers if u != manager.username] or ["olga"]
    status = "active" if index % 9 else ("paused" if index % 2 else "prospect")
    if index == 13:
        status = "ended"
    zones = REGION_ZONES.get(region.country, [region.timezone])
    language = region.language if not (region.country == "KZ" and index % 3 == 0) else "kk"
    client = client_create(
        by=admin,
        at=now,
        name=name,
        industry=industry,
        status=status,
        language=language,
        account_manager=manager,
        backup_manager=users[backups[index % len(backups)]],
        timezone=zones[index % len(zones)],
        working_hours=HOURS[index % len(HOURS)],
        holidays_country=region.country,
        business_summary=_summary(region.language, name, industry),
        goals=_goals(region.language),
        preferred_channel="telegram" if index % 4 else "email",
        # The client's etiquette agrees with how its main contact is addressed.
        address_form=address_form_of(region.people[index % len(region.people)][1]),
        emoji_allowed=index % 3 == 0,
        memes_allowed=index % 6 == 0,
        weekends_allowed=index % 5 == 0,
        calls_need_arrangement=index % 2 == 0,
        meeting_cadence_days=14 if index % 2 else 7,
        confidential=index == 4,
        topics_to_avoid=_avoid(region.language) if index % 4 == 1 else "",
        team=[users["anna"], users["pavel"]] if index % 2 else [users["anna"]],
    )
    for n in range(1 + index % 3):
        person, address_as = region.people[(index + n) % len(region.people)]
        contact_create(
            client=client,
            by=admin,
            at=now,
            name=person,
            position=region.positions[(index + n) % len(region.positions)],
            decision_power=["decides", "approves", "informs"][n % 3],
            email=_email(client.pk, n),
            telegram_username=f"client{client.pk}_{n}",
            address_as=address_as,
            address_form=address_form_of(address_as),
            is_primary=n == 0,
        )
    lang = region.language
    for n, (title, kind) in enumerate(EVENTS[lang][: 1 + index % 3]):
        KeyEvent.objects.create(
            client=client,
            title=title,
            kind=kind,
            date=(now + timedelta(days=12 + 23 * n + index)).date(),
            prep_lead_days=10 if kind == "launch" else 5,
        )
    for topic in TOPICS[lang][: 2 + index % 2]:
        MonitoringTopic.objects.create(client=client, topic=topic)
    for pos, (kind, titles) in enumerate(DOCUMENTS[: 2 + index % 3]):
        WorkingFileLink.objects.create(
            client=client,
            title=titles[lang],
            kind=kind,
            url=f"https://docs.agency.example/{client.pk}/{kind.replace('_', '-')}",
            position=pos,
        )
    services = {s.code: s for s in Service.objects.all()}
    service_set = SERVICE_SETS[index % len(SERVICE_SETS)]
    contract_create(
        client=client,
        by=admin,
        at=now,
        number=f"{region.country}-{now.year}-{client.pk:03d}",
        starts_on=date(now.year, 1 + index % 9, 1),
        ends_on=date(now.year + 1, 1 + index % 9, 1) - timedelta(days=1),
        revision_rounds=2 + index % 2,
        approval_turnaround_days=1 + index % 3,
        payment_terms="prepaid" if index % 5 == 2 else "postpaid",
        payment_days=5 if index % 5 == 2 else 10 + 5 * (index % 3),
        monthly_fee=Decimal(
            rng.randrange(150, 900) * 1000
            if region.currency in ("RUB", "KZT", "UAH")
            else rng.randrange(3, 15) * 1000
        ),
        currency=region.currency,
        services=[
            ServiceLine(services[code], volume, services[code].default_unit)
            for code, volume in service_set
        ],
    )
    return True


def _summary(lang: str, name: str, industry: str) -> str:
    return {
        "ru": f"{name} — компания в сфере «{industry}». Растёт, выходит на новые рынки, репутация в целом положительная.",
        "uk": f"{name} — компанія у сфері «{industry}». Зростає, виходить на нові ринки.",
        "bg": f"{name} е компания в сектор „{industry}“. Расте и излиза на нови пазари.",
        "en": f"{name} is a company in {industry.lower()}. Growing and entering new markets.",
    }[lang]


def _goals(lang: str) -> str:
    return {
        "ru": "Узнаваемость бренда +20% за год; 12 публикаций в отраслевых СМИ в квартал.",
        "uk": "Впізнаваність бренду +20% за рік; 12 публікацій у галузевих ЗМІ на квартал.",
        "bg": "Разпознаваемост на марката +20% за година; 12 публикации на тримесечие.",
        "en": "Brand awareness +20% a year; 12 trade-press pieces a quarter.",
    }[lang]


def _avoid(lang: str) -> str:
    return {
        "ru": "Политика, сравнение с конкурентами по цене.",
        "uk": "Політика, порівняння з конкурентами за ціною.",
        "bg": "Политика, сравнения с конкуренти по цена.",
        "en": "Politics; price comparisons with competitors.",
    }[lang]


def demo_load(*, console: Console | None = None, now: datetime | None = None) -> int:
    """Load the demo agency; returns the number of clients created this time."""
    now = now or timezone.now()
    rng = random.Random(20261123)
    users = _people(now)
    plan = [
        (region, i, name, industry)
        for region in REGIONS
        for i, (name, industry) in enumerate(region.clients)
    ]
    created: list[str] = []

    def load_one(region: Region, i: int, name: str, industry: str) -> None:
        if _client(
            region=region, index=i, name=name, industry=industry, users=users, rng=rng, now=now
        ):
            created.append(name)

    if console is None:
        for item in plan:
            load_one(*item)
        _conversations(created, now)
        _work(created, users, now)
        demo_telegram(now=now)
        demo_email(now=now)
        return len(created)
    from rich.progress import Progress

    started = time.monotonic()
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("Loading the demo agency", total=len(plan))
        for item in plan:
            load_one(*item)
            progress.advance(bar)
    console.print(f"[green]✓[/green] {len(plan)} clients ({time.monotonic() - started:.0f} s)")
    console.print("Playing three weeks of conversations through the rules…")
    with console.status("Conversations…"):
        messages = _conversations(created, now)
        _work(created, users, now)
        demo_telegram(now=now)
        demo_email(now=now)
    console.print(
        f"Demo agency ready: {len(plan)} clients ({len(created)} new), {len(users)} people, "
        f"{messages} new messages."
    )
    return len(created)


def _conversations(names: list[str], now: datetime) -> int:
    if not names:
        return 0
    clients = list(
        Client.objects.filter(name__in=names)
        .select_related("account_manager", "calendar")
        .order_by("pk")
    )
    with transaction.atomic():  # one commit: minutes faster on SQLite
        return demo_conversations(clients=clients, now=now)


def _work(names: list[str], users: dict[str, User], now: datetime) -> int:
    clients = list(
        Client.objects.filter(name__in=names)
        .select_related("account_manager", "backup_manager", "calendar")
        .order_by("pk")
    )
    with transaction.atomic():
        made = demo_work(clients=clients, users=users, now=now)
        demo_meetings(clients=clients, users=users, now=now)
        return made
