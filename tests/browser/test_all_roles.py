"""Every role, in English and Russian, on a phone and a laptop: every entry of the navigation.

Issue 12, "Done when": for each role the test opens every page of the main
navigation (on a phone through its menu) and collects, over all of them, what is
wrong: a page wider than the window, an entry that cannot be reached or answers an
error, an English label left on a Russian page, a console error. It asserts once at
the end, with the whole list. A screenshot of each page goes to
``artifacts/all-roles/<role>-<lang>-<width>/`` (``/artifacts/`` is ignored by git).

Marked ``once``: a sweep of some 150 pages, for one run of the suite, not for the
edit-test loop (``-m "not once"`` leaves it out).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Agency, Problems, language_cookie, session_cookie
from tests.browser.test_screenshots import FACTS_JS, GLOSSARY

pytestmark = [pytest.mark.browser, pytest.mark.once]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "all-roles"
SIZES = [{"width": 390, "height": 844}, {"width": 1366, "height": 900}]
LANGUAGES = {"en": "en-US", "ru": "ru-RU"}
# English labels of the navigation and of the pages it leads to, which a Russian page
# must not show as the whole text of a control, heading, label or column head.
KNOWN_ENGLISH = set(GLOSSARY) | {
    "Today",
    "Deliverables",
    "Team",
    "Responsiveness",
    "Lockouts",
    "Back office",
    "Your profile",
    "My profile",
    "Menu",
    "Close",
    "People",
    "Manage people",
    "Import",
    "Days away",
    "Mark days away",
    "API tokens",
    "Create a token",
    "Overdue",
    "Person",
}


def _people(agency: Agency) -> dict[str, object]:
    from agencydesk.accounts.tests.factories import UserFactory

    return {
        "admin": UserFactory(
            username="root", role="admin", is_staff=True, is_superuser=True, first_name="Ada"
        ),
        "director": agency.director,
        "account_manager": agency.am,
        "specialist": agency.specialist,
        "finance": UserFactory(username="vera", role="finance", first_name="Vera"),
    }


def _nav_hrefs(page: Page) -> list[str]:
    entries = page.locator("#mainnav > a")
    return [h for i in range(entries.count()) if (h := entries.nth(i).get_attribute("href"))]


def _open(page: Page, href: str, phone: bool) -> int | None:
    """Reach ``href`` through the navigation as a person would; the answer's status.

    On a laptop the profile is the name in the top bar, not an entry of the bar.
    """
    link = page.locator(f'#mainnav > a[href="{href}"]')
    if phone:
        page.locator("[data-nav-toggle]").click()
    elif "nav-phone-only" in (link.get_attribute("class") or ""):
        link = page.locator(f'a.whoami[href="{href}"]')
    expect(link).to_be_visible()
    with page.expect_navigation() as navigation:
        link.click()
    response = navigation.value
    return response.status if response else None


def test_every_role_reaches_every_page_of_the_navigation_in_both_languages_and_sizes(
    agency: Agency,
    new_context: Callable[..., BrowserContext],
    browser_problems: Problems,
    live_server,
):
    wrong: list[str] = []
    visited = 0
    for role, user in _people(agency).items():
        for lang, locale in LANGUAGES.items():
            for size in SIZES:
                phone = size["width"] < 600
                where = f"{role}-{lang}-{size['width']}"
                folder = SHOTS / where
                folder.mkdir(parents=True, exist_ok=True)
                context = new_context(viewport=size, locale=locale)
                context.add_cookies(
                    [language_cookie(live_server.url, lang), session_cookie(live_server.url, user)]
                )
                page = context.new_page()
                page.goto("/today/")
                hrefs = _nav_hrefs(page)
                if len(hrefs) < 4:
                    wrong.append(f"{where}: only {len(hrefs)} navigation entries")
                for n, href in enumerate(hrefs):
                    # From the page reached last: the navigation is on every page of the
                    # desk (the back office, Django's admin, has its own).
                    if page.locator("#mainnav").count() == 0:
                        page.goto("/today/")
                    try:
                        status = _open(page, href, phone)
                    except AssertionError as exc:
                        wrong.append(f"{where} {href}: not reachable ({exc})")
                        continue
                    visited += 1
                    if status is None or status >= 400:
                        wrong.append(f"{where} {href}: HTTP {status}")
                    facts = page.evaluate(FACTS_JS, "h1")
                    overflow = facts["overflow"]
                    if overflow["scrollWidth"] > overflow["innerWidth"]:
                        wrong.append(
                            f"{where} {href}: {overflow['scrollWidth']} px wide in "
                            f"{overflow['innerWidth']} px ({', '.join(overflow['culprits'])})"
                        )
                    if lang == "ru":
                        left = sorted(set(facts["texts"]) & KNOWN_ENGLISH)
                        if left:
                            wrong.append(f"{where} {href}: English on a Russian page: {left}")
                    name = re.sub(r"[^a-z0-9]+", "-", href.lower()).strip("-") or "home"
                    page.screenshot(
                        path=str(folder / f"{n:02d}-{name}.jpg"), type="jpeg", quality=60
                    )
                errors = browser_problems.all()
                wrong += [f"{where}: browser error: {e}" for e in errors]
                browser_problems.console_errors.clear()
                browser_problems.page_errors.clear()
                context.close()
    assert visited >= 5 * 2 * 2 * 4
    SHOTS.joinpath("problems.txt").write_text("\n".join(wrong))
    assert not wrong, "\n".join(wrong)
