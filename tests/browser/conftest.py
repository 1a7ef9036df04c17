"""Browser tests: Playwright's sync API drives Debian's chromium against pytest-django's live server.

One chromium per session, a fresh browser context (cookies, storage) per test.
Every test gets the transactional database through ``live_server``: it is
flushed after each test, so ``migration_data`` puts back the rows the data
migrations create (the agency default calendar, the service catalogue, the
message templates) by running their functions again.

Why not ``django_db_serialized_rollback``: Django keeps connections in an asgiref
Local that switches to context-variable storage when the thread has a running
event loop. Once Playwright's loop runs in the main thread, the test code gets a
new connection object, and the serialized copy of the database kept on the old
one is no longer found: nothing would be restored.
"""

from __future__ import annotations

import os

# Playwright's sync API keeps an asyncio loop in the main thread; Django would
# otherwise refuse database access from the test body and from fixtures.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from conftest import chromium_path, require

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, WebError

    from agencydesk.accounts.models import User
    from agencydesk.clients.models import (
        Client,
        Contact,
        Contract,
        KeyEvent,
        MonitoringTopic,
        WorkingFileLink,
    )

NO_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Playwright's own default is 30 s; a page of this app answers in well under one.
TIMEOUT_MS = 5_000


def require_chromium() -> None:
    require(chromium_path() is not None, NO_CHROMIUM)


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _chromium_guard() -> None:
    """Every test of this folder needs chromium: skip (or fail under CI=true) without it."""
    require_chromium()


@dataclass
class Problems:
    """What the browser reported while a test ran: console errors and uncaught exceptions."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def all(self, *, ignore: Callable[[str], bool] = lambda _text: False) -> list[str]:
        return [e for e in self.console_errors + self.page_errors if not ignore(e)]


@pytest.fixture
def browser_problems() -> Problems:
    return Problems()


@pytest.fixture
def new_context(
    browser: Browser, live_server, browser_problems: Problems
) -> Iterator[Callable[..., BrowserContext]]:
    """``new_context(**options)``: a fresh context on the live server, closed after the test.

    Console errors and uncaught exceptions of its pages go to ``browser_problems``.
    """
    contexts: list[BrowserContext] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            browser_problems.console_errors.append(f"{message.text} [{location}]")

    def on_web_error(web_error: WebError) -> None:
        browser_problems.page_errors.append(f"uncaught: {web_error.error}")

    def _new(**options: Any) -> BrowserContext:
        ctx = browser.new_context(
            **{"base_url": live_server.url, "viewport": DESKTOP, "locale": "en-US", **options}
        )
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.set_default_navigation_timeout(TIMEOUT_MS)
        ctx.on("console", on_console)
        ctx.on("weberror", on_web_error)
        contexts.append(ctx)
        return ctx

    try:
        yield _new
    finally:
        for ctx in contexts:
            ctx.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """The test's browser context: an English-speaking browser, 1280 px wide."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- signing in and the language ---------------------------------------------------------------


def landing_path() -> str:
    """Where the app sends a user who just signed in (``LOGIN_REDIRECT_URL``)."""
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_REDIRECT_URL)


def login(page: Page, username: str, password: str | None = None, *, next: str = "") -> Page:
    """Sign in through the login form; ends on ``next``, or where the app sends a user to."""
    from urllib.parse import urlencode

    from playwright.sync_api import expect

    from agencydesk.accounts.tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/" + (f"?{urlencode({'next': next})}" if next else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password or TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("section.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next or landing_path()) + "$"))
    return page


@pytest.fixture
def login_as(page: Page) -> Callable[..., Page]:
    """``login_as(user, next="/clients/")``: the test's page, signed in through the login form."""

    def _login(user: User, password: str | None = None, *, next: str = "") -> Page:
        return login(page, user.username, password, next=next)

    return _login


@pytest.fixture
def director_page(agency: Agency, login_as) -> Page:
    """Signed in as the director through the form, on the client list."""
    return login_as(agency.director, next="/clients/")


def switch_language(page: Page, code: str) -> None:
    """Pick a language in the top bar's switcher (it submits itself) and wait for the new page."""
    from playwright.sync_api import expect

    with page.expect_navigation():
        page.locator("#lang-select").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def language_cookie(base_url: str, code: str) -> dict[str, str]:
    """What the switcher leaves behind: Django's language cookie, for ``add_cookies``."""
    from django.conf import settings

    return {"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base_url}


def session_cookie(base_url: str, user: User) -> dict[str, str]:
    """A session of ``user`` made on the server, for ``add_cookies``: signed in without the form.

    For tests about other pages: the login form has its own flow tests, and skipping it
    saves two page loads a test.
    """
    from django.conf import settings
    from django.test import Client as DjangoClient

    client = DjangoClient()
    # The first backend (axes) cannot load users back from a session: name the one that can.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}


# --- a small agency ----------------------------------------------------------------------------


@dataclass
class Agency:
    director: User
    am: User
    specialist: User
    other_am: User
    northwind: Client  # English-speaking, London, run by ``am``: the client most tests open
    severny: Client  # Russian-speaking, Moscow, Cyrillic name
    balkan: Client  # paused, Sofia, run by ``other_am``
    contact: Contact
    contract: Contract
    key_event: KeyEvent
    topic: MonitoringTopic
    link: WorkingFileLink


def _name(user: User, first: str, last: str) -> User:
    # Fixed names keep the screenshots comparable from one run to the next.
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture(scope="session")
def _data_migrations() -> list[Callable[[Any, Any], None]]:
    """The forward functions of the project's data migrations, in migration order."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
    return [
        operation.code
        for node in plan
        if loader.graph.nodes[node].__module__.startswith("agencydesk.")
        for operation in loader.graph.nodes[node].operations
        if isinstance(operation, RunPython)
    ]


@pytest.fixture
def migration_data(live_server, _data_migrations) -> None:
    """The rows the data migrations create (each is idempotent), back after the last flush."""
    from django.apps import apps

    for forwards in _data_migrations:
        forwards(apps, None)


@pytest.fixture
def agency(live_server, migration_data, director, am, specialist) -> Agency:
    """A director, two account managers, a specialist and three clients with their records."""
    from django.utils import timezone

    from agencydesk.accounts.tests.factories import UserFactory
    from agencydesk.clients import dossier, services
    from agencydesk.clients.models import Service
    from agencydesk.clients.tests.factories import ContractFactory, KeyEventFactory
    from agencydesk.messaging.services import message_record

    now = timezone.now()
    _name(director, "Natalia", "Voronova")
    _name(am, "Olga", "Smirnova")
    _name(specialist, "Anna", "Lebedeva")
    other_am = UserFactory(
        username="georgi", first_name="Georgi", last_name="Ivanov", role="account_manager"
    )

    northwind = services.client_create(
        by=director,
        at=now,
        name="Northwind Foods",
        industry="Food and drink",
        status="active",
        language="en",
        account_manager=am,
        backup_manager=other_am,
        business_summary="Packaged foods for UK supermarkets; entering the Nordics.",
        goals="Brand awareness +20% a year; 12 trade-press pieces a quarter.",
        preferred_channel="email",
        address_form="formal",
        meeting_cadence_days=14,
        topics_to_avoid="Politics; price comparisons with competitors.",
        timezone="Europe/London",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="GB",
    )
    northwind.team.set([specialist])
    contact = dossier.contact_create(
        client=northwind,
        by=director,
        at=now,
        name="Charlotte Hughes",
        position="Communications Director",
        decision_power="decides",
        email="charlotte.hughes@northwind.example",
        telegram_username="chughes",
        address_as="Ms Hughes",
        is_primary=True,
    )
    dossier.contact_create(
        client=northwind,
        by=director,
        at=now,
        name="Harry Wilson",
        position="Founder",
        decision_power="approves",
        email="harry@northwind.example",
    )
    contract = dossier.contract_create(
        client=northwind,
        by=director,
        at=now,
        number="NW-2026-01",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        revision_rounds=3,
        approval_turnaround_days=2,
        payment_terms="postpaid",
        payment_days=15,
        monthly_fee=Decimal("14000"),
        currency="GBP",
        services=[
            dossier.ServiceLine(Service.objects.get(code="pr"), Decimal("12"), "publications"),
            dossier.ServiceLine(Service.objects.get(code="smm"), Decimal("20"), "posts"),
        ],
    )
    key_event = KeyEventFactory(
        client=northwind,
        title="Spring product launch",
        kind="launch",
        date=dt.date.today() + dt.timedelta(days=40),  # noqa: DTZ011
        prep_lead_days=10,
    )
    topic = dossier.monitoring_topic_create(
        client=northwind, by=director, at=now, topic="Brand mentions", keywords="Northwind"
    )
    link = dossier.working_file_link_create(
        client=northwind,
        by=director,
        at=now,
        title="PR strategy 2026",
        kind="strategy",
        url="https://docs.example/northwind/strategy",
    )

    # A question from the client an hour ago: something on Today and in the message timeline.
    message_record(
        client=northwind,
        channel="email",
        direction="in",
        sent_at=now - dt.timedelta(hours=1),
        text="Could you send the draft press release for the launch by Friday?",
        at=now,
        author="charlotte.hughes@northwind.example",
    )

    severny = services.client_create(
        by=director,
        at=now,
        name="Северный ветер",
        industry="Энергетика",
        status="active",
        language="ru",
        account_manager=am,
        timezone="Europe/Moscow",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="RU",
    )
    dossier.contact_create(
        client=severny,
        by=director,
        at=now,
        name="Иван Петрович Соколов",
        position="Директор по коммуникациям",
        email="sokolov@veter.example",
    )
    ContractFactory(client=severny, number="СВ-2026/7", currency="RUB")
    KeyEventFactory(client=severny, title="Годовой отчёт", kind="report")

    balkan = services.client_create(
        by=director,
        at=now,
        name="Balkan Bytes",
        industry="IT",
        status="paused",
        language="bg",
        account_manager=other_am,
        timezone="Europe/Sofia",
        working_hours="mon-fri 09:30-18:30",
        holidays_country="BG",
    )
    dossier.contact_create(
        client=balkan, by=director, at=now, name="Georgi Dimitrov", email="gd@bytes.example"
    )
    ContractFactory(client=balkan, number="BB-1", currency="EUR")

    return Agency(
        director=director,
        am=am,
        specialist=specialist,
        other_am=other_am,
        northwind=northwind,
        severny=severny,
        balkan=balkan,
        contact=contact,
        contract=contract,
        key_event=key_event,
        topic=topic,
        link=link,
    )
