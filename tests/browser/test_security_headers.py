"""The Content-Security-Policy holds on every main page: nothing refused, everything still works."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import Agency, session_cookie, switch_language

pytestmark = pytest.mark.browser


def _watch_csp(page: Page) -> list[str]:
    """Every CSP refusal chromium reports on the console of ``page``."""
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused


def _admin(agency: Agency):
    user = agency.director
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def test_main_pages_load_under_the_csp_without_a_single_violation(
    agency: Agency, context, page: Page, live_server
):
    refused = _watch_csp(page)
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Sign in to AgencyDesk")

    context.add_cookies([session_cookie(live_server.url, _admin(agency))])
    northwind = agency.northwind.pk
    for path, visible in [
        ("/", "main h1"),
        (f"/clients/{northwind}/", "main h1"),
        (f"/clients/{northwind}/messages/", "main h1"),
        ("/accounts/profile/", "#tokens"),
        ("/admin/", "#site-name"),
        ("/admin/accounts/user/", "#result_list"),
    ]:
        page.goto(path)
        expect(page.locator(visible).first).to_be_visible()
    # Swagger UI renders the operations from the schema with its own script, offline.
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    # htmx was told not to inject its indicator <style>: none that the CSP would refuse.
    page.goto("/")
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert refused == []


def test_the_language_switcher_submits_itself_without_inline_script(
    agency: Agency, context, page: Page, live_server
):
    refused = _watch_csp(page)
    context.add_cookies([session_cookie(live_server.url, agency.am)])
    page.goto("/accounts/profile/")
    assert page.locator("#lang-select[onchange]").count() == 0
    switch_language(page, "ru")
    expect(page.locator("h1")).to_have_text("Мой профиль")
    assert refused == []


def test_creating_a_token_on_the_profile_shows_it_once(
    agency: Agency, context, page: Page, live_server
):
    refused = _watch_csp(page)
    context.add_cookies([session_cookie(live_server.url, agency.am)])
    page.goto("/accounts/profile/")
    page.fill("#id_name", "CRM sync")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a token").click()
    raw = page.locator(".token-once").inner_text().strip()
    assert raw.startswith("ad_")
    page.goto("/accounts/profile/")
    expect(page.locator("#tokens")).to_contain_text("CRM sync")
    assert raw not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#tokens .badge")).to_contain_text("revoked")
    assert refused == []
