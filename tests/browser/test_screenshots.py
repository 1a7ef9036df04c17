"""Every page a user sees has a screenshot, checked in English and in Russian.

Each page opens in a fresh browser context that speaks the language, with the interface
language set by Django's language cookie (what the switcher leaves behind). It is saved
as a full-page screenshot to ``artifacts/screenshots/<lang>/<page>.png`` and checked:
the HTTP status, the stylesheet applied, no horizontal overflow at 1280 px nor at 390 px
(a page that does not fit a phone also gets ``<page>.390.png``), no JavaScript errors,
``<html lang>``; in Russian also a Cyrillic heading and none of the glossary's English
words left as the whole text of a button, link, heading, label or column head.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Agency,
    Problems,
    language_cookie,
    session_cookie,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LANGUAGES = ["en", "ru"]
# The browser's own language (Accept-Language, navigator.language), as a user of each
# interface language would have it; the interface language itself comes from the cookie.
BROWSER_LOCALES = {"en": "en-US", "ru": "ru-RU"}
MIN_SCREENSHOT_BYTES = 10 * 1024
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

# The glossary of the Russian translation: none of these English texts may be left as the
# whole visible text of a control or a heading of a Russian page.
GLOSSARY = {
    "Clients": "Клиенты",
    "Add client": "Добавить клиента",
    "Sign in": "Войти",
    "Log out": "Выйти",
    "Edit": "Изменить",
    "Save": "Сохранить",
    "Cancel": "Отмена",
    "Delete": "Удалить",
    "Contacts": "Контакты",
    "Dossier": "Досье",
    "Etiquette card": "Карточка этикета",
    "Business time": "Рабочее время",
    "Preview": "Предпросмотр",
    "Account manager": "Аккаунт-менеджер",
}
UNTRANSLATED = frozenset(GLOSSARY)

# Everything checked on a page, in one round trip to the browser:
# - ``lang``, and ``topbar``: the computed background of the top bar (the stylesheet applied);
# - ``overflow``: how wide the page is, and where an overflow starts (the outermost elements
#   sticking out past the window, not inside a box that scrolls), for the failure message;
# - ``heading``: the text of the element that says what the page is;
# - ``texts``: the whole texts of what a user reads as interface rather than data (controls,
#   headings, labels, column heads, the title), without decoration: "+ Add contact" →
#   "Add contact", "Next →" → "Next", "Name *" → "Name", "Channel:" → "Channel".
FACTS_JS = """
(heading) => {
  const width = window.innerWidth;
  const out = (el) => el.getBoundingClientRect().right > width + 1;
  const clipped = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && !out(a)) return true;
    }
    return false;
  };
  const culprits = [];
  if (document.documentElement.scrollWidth > width + 1) {
    for (const el of document.querySelectorAll('body *')) {
      if (!out(el) || out(el.parentElement) || clipped(el)) continue;
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      const box = el.getBoundingClientRect();
      culprits.push(`${el.tagName.toLowerCase()}${id}${cls} (${Math.round(box.left)}-${Math.round(box.right)} px)`);
    }
  }
  const texts = [];
  const ui = 'a, button, h1, h2, h3, legend, label, th, dt, option, summary, [role=button]';
  for (const el of document.querySelectorAll(ui)) {
    const text = (el.textContent || '').replace(/\\s+/g, ' ').trim()
      .replace(/^[+←]\\s*/, '').replace(/\\s*[→*:]$/, '').trim();
    if (text) texts.push(text);
  }
  for (const part of document.title.split(' · ')) texts.push(part.trim());
  const topbar = document.querySelector('.topbar');
  const head = document.querySelector(heading);
  return {
    lang: document.documentElement.lang,
    topbar: topbar ? getComputedStyle(topbar).backgroundColor : null,
    overflow: {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
               culprits: culprits.slice(0, 5), more: Math.max(0, culprits.length - 5)},
    heading: head ? head.innerText.trim() : null,
    texts,
  };
}
"""


# --- the pages ----------------------------------------------------------------------------------


def _submit_wrong_password_five_times(page: Page, agency: Agency) -> Response | None:
    page.goto("/accounts/login/")
    response = None
    for attempt in range(5):
        page.fill("#id_username", agency.am.username)
        page.fill("#id_password", f"wrong {attempt}")
        with page.expect_navigation() as navigation:
            page.locator("section.login button[type=submit]").click()
        response = navigation.value
    return response


def _bare_client(agency: Agency) -> str:
    """A client just added, with nothing recorded yet: the empty states of its page."""
    from django.utils import timezone

    from agencydesk.clients import services

    client = services.client_create(
        by=agency.director, at=timezone.now(), name="Fresh Start Ltd", account_manager=agency.am
    )
    return f"/clients/{client.pk}/"


def _telegram_page(agency: Agency) -> str:
    """The Telegram page with a chat waiting to be assigned."""
    from django.utils import timezone

    from agencydesk.integrations.telegram.models import TelegramChat

    TelegramChat.objects.create(
        chat_id=-1001, type="supergroup", title="New project — chat", first_seen_at=timezone.now()
    )
    return "/telegram/"


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[Agency], str] | None = None
    user: str | None = "director"  # an attribute of Agency, or None: not signed in
    status: int = 200
    heading: str = "h1"  # where the page says what it is (in Russian: Cyrillic)
    action: Callable[[Page, Agency], Response | None] | None = None  # instead of one visit


def _child_screens(kind: str, attr: str, label: str) -> list[Screen]:
    def child(agency: Agency) -> int:
        return getattr(agency, attr).pk

    return [
        Screen(f"{label}-new", lambda a: f"/clients/{a.northwind.pk}/{kind}/new/"),
        Screen(f"{label}-edit", lambda a: f"/clients/{a.northwind.pk}/{kind}/{child(a)}/"),
        Screen(f"{label}-delete", lambda a: f"/clients/{a.northwind.pk}/{kind}/{child(a)}/delete/"),
    ]


SCREENS = [
    Screen("login", lambda a: "/accounts/login/", user=None),
    Screen("locked-out", user=None, status=429, action=_submit_wrong_password_five_times),
    Screen("client-list", lambda a: "/clients/"),
    Screen("client-list-no-match", lambda a: "/clients/?q=no+such+client&status=ended"),
    Screen("client-detail", lambda a: f"/clients/{a.northwind.pk}/", heading="#dossier h2"),
    Screen("client-detail-empty", _bare_client, heading="#dossier h2"),
    Screen("client-new", lambda a: "/clients/new/"),
    Screen("client-edit", lambda a: f"/clients/{a.northwind.pk}/edit/"),
    Screen("client-delete", lambda a: f"/clients/{a.balkan.pk}/delete/"),
    *_child_screens("contacts", "contact", "contact"),
    *_child_screens("key-events", "key_event", "key-event"),
    *_child_screens("topics", "topic", "topic"),
    *_child_screens("working-file", "link", "working-file"),
    Screen("contract-new", lambda a: f"/clients/{a.northwind.pk}/contract/new/"),
    Screen("business-time", lambda a: f"/clients/{a.northwind.pk}/calendar/"),
    Screen("client-messages", lambda a: f"/clients/{a.northwind.pk}/messages/"),
    Screen("telegram", _telegram_page, heading="#alerts h2"),
    Screen("today", lambda a: "/today/", user="am"),  # the director's own queue is empty
    Screen("team", lambda a: "/team/"),
    Screen("responses", lambda a: "/responses/"),
    Screen("people", lambda a: "/accounts/people/"),
    Screen("person-new", lambda a: "/accounts/people/new/"),
    Screen("person", lambda a: f"/accounts/people/{a.am.pk}/", heading="#details h2"),
    Screen("client-import", lambda a: "/clients/import/"),
    Screen("not-found", lambda a: "/clients/999999/", status=404),
    Screen(
        "forbidden", lambda a: f"/clients/{a.northwind.pk}/edit/", user="specialist", status=403
    ),
]


# --- the test -----------------------------------------------------------------------------------


def _shoot(page: Page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)


def _overflow_problem(overflow: dict[str, Any], label: str) -> list[str]:
    if overflow["scrollWidth"] <= overflow["innerWidth"] + 1:
        return []
    more = f" and {overflow['more']} more" if overflow["more"] else ""
    return [
        f"horizontal overflow at {label}: the page is {overflow['scrollWidth']} px wide in a "
        f"{overflow['innerWidth']} px window; sticking out: {', '.join(overflow['culprits'])}"
        + more
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_page_looks_right(
    screen: Screen,
    lang: str,
    agency: Agency,
    new_context: Callable[..., BrowserContext],
    browser_problems: Problems,
    live_server,
):
    context = new_context(locale=BROWSER_LOCALES[lang])
    cookies = [language_cookie(live_server.url, lang)]
    if screen.user:
        cookies.append(session_cookie(live_server.url, getattr(agency, screen.user)))
    context.add_cookies(cookies)
    page = context.new_page()
    if screen.action is not None:
        response = screen.action(page, agency)
    else:
        assert screen.path is not None
        response = page.goto(screen.path(agency))

    png = SCREENSHOTS / lang / f"{screen.name}.png"
    _shoot(page, png)
    facts = page.evaluate(FACTS_JS, screen.heading)
    problems: list[str] = []

    status = response.status if response is not None else None
    if status != screen.status:
        problems.append(f"HTTP status {status}, expected {screen.status}")
    if facts["lang"] != lang:
        problems.append(f'<html lang="{facts["lang"]}">, expected "{lang}"')
    if facts["topbar"] in (None, "transparent", "rgba(0, 0, 0, 0)"):
        problems.append(f"the stylesheet is not applied: .topbar background {facts['topbar']!r}")
    problems += _overflow_problem(facts["overflow"], f"{DESKTOP['width']} px")

    page.set_viewport_size(PHONE)
    phone = _overflow_problem(page.evaluate(FACTS_JS, screen.heading)["overflow"], "390 px")
    if phone:  # a picture of what a phone shows, next to the desktop one
        _shoot(page, png.with_suffix(".390.png"))
        problems += phone

    document_status = f"the server responded with a status of {screen.status}"
    errors = browser_problems.all(ignore=lambda text: document_status in text)
    problems += [f"browser error: {error}" for error in errors]

    if lang == "ru":
        if not CYRILLIC.search(facts["heading"] or ""):
            problems.append(f"heading {screen.heading!r} is not Russian: {facts['heading']!r}")
        left = sorted(set(facts["texts"]) & UNTRANSLATED)
        if left:
            problems.append(
                "English left in the Russian interface: "
                + ", ".join(f"{t!r} (→ {GLOSSARY[t]!r})" for t in left)
            )

    size = png.stat().st_size if png.exists() else 0
    if size <= MIN_SCREENSHOT_BYTES:
        problems.append(f"the screenshot is {size} bytes, expected > {MIN_SCREENSHOT_BYTES}")

    assert not problems, f"{screen.name} [{lang}], see {png}:\n  - " + "\n  - ".join(problems)
