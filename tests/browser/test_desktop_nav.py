"""At 1366 px (a common laptop) the desktop navigation is one row, in English and in Russian."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Agency, Problems, language_cookie, session_cookie

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "nav"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_navigation_of_an_administrator_fits_one_row_at_1366(
    lang: str,
    agency: Agency,
    new_context: Callable[..., BrowserContext],
    browser_problems: Problems,
    live_server,
):
    from agencydesk.accounts.tests.factories import UserFactory

    # The longest navigation: an administrator with the back office sees every entry.
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    context = new_context(viewport=LAPTOP, locale="ru-RU" if lang == "ru" else "en-US")
    context.add_cookies(
        [language_cookie(live_server.url, lang), session_cookie(live_server.url, admin)]
    )
    page = context.new_page()
    page.goto("/today/")
    entries = page.locator("#mainnav > a:visible")
    count = entries.count()
    assert count >= 8
    tops = {round(entries.nth(i).bounding_box()["y"]) for i in range(count)}  # type: ignore[index]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"1366-{lang}.png"))
    assert len(tops) == 1, f"the navigation wraps to {len(tops)} rows"
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < 70
    # Every entry is still named: its label, or its title and accessible name when compact.
    for i in range(count):
        entry = entries.nth(i)
        if "nav-compact" in (entry.get_attribute("class") or ""):
            expect(entry).to_have_attribute("title", entry.inner_text().strip())
        assert entry.inner_text().strip(), entry.get_attribute("href")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert browser_problems.all() == []
