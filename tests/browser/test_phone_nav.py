"""The phone's navigation: a bottom bar in reach of the thumb and a menu with every entry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import PHONE, Agency, Problems, language_cookie, session_cookie

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_entry_is_reachable_from_the_phones_menu(
    lang: str,
    agency: Agency,
    new_context: Callable[..., BrowserContext],
    browser_problems: Problems,
    live_server,
):
    context = new_context(viewport=PHONE)
    context.add_cookies(
        [language_cookie(live_server.url, lang), session_cookie(live_server.url, agency.director)]
    )
    page = context.new_page()
    page.goto("/clients/")
    entries = page.locator("#mainnav > a")
    hrefs = [entries.nth(i).get_attribute("href") for i in range(entries.count())]
    assert len(hrefs) >= 5
    bar = page.locator("#mainnav").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] >= PHONE["height"] - 1  # at the bottom
    expect(page.locator("#mainnav > a.nav-primary").first).to_be_visible()
    for href in hrefs:
        page.locator("[data-nav-toggle]").click()
        link = page.locator(f'#mainnav > a[href="{href}"]')
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb's target
        with page.expect_navigation():
            link.click()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert browser_problems.all() == []
