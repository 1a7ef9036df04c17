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
    login = page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Sign in to AgencyDesk")
    assert "script-src 'self'" in login.headers["content-security-policy"]

    admin = _admin(agency)
    context.add_cookies([session_cookie(live_server.url, admin)])
    northwind = agency.northwind.pk
    for path, visible in [
        ("/", "main h1"),
        (f"/clients/{northwind}/", "main h1"),
        (f"/clients/{northwind}/messages/", "main h1"),
        ("/accounts/profile/", "#tokens"),
        ("/admin/", "#site-name"),
        ("/admin/accounts/user/", "#result_list"),
        (f"/admin/accounts/user/{admin.pk}/change/", "#user_form"),
        ("/accounts/lockouts/", "#lockouts"),
    ]:
        response = page.goto(path)
        expect(page.locator(visible).first).to_be_visible()
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    # Swagger UI renders the operations from the schema with its own script, offline.
    docs = page.goto("/api/v1/docs")
    assert "default-src 'self'" in docs.headers["content-security-policy"]
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


def test_a_locked_out_owner_gets_back_in_through_the_emailed_link(agency: Agency, page: Page):
    """Locked out by someone else's guesses: the reset link sets a password and signs the owner in."""
    from django.core import mail

    refused = _watch_csp(page)
    am = agency.am
    for _ in range(5):
        page.goto("/accounts/login/")
        page.fill("#id_username", am.username)
        page.fill("#id_password", "someone guessing")
        with page.expect_navigation():
            page.locator("section.login button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Too many failed sign-in attempts")
    with page.expect_navigation():
        page.get_by_role("link", name="Forgot your password?").click()
    page.fill("#id_email", am.email)
    with page.expect_navigation():
        page.get_by_role("button", name="Send me the link").click()
    expect(page.locator("h1")).to_have_text("Check your e-mail")

    link = next(word for word in mail.outbox[-1].body.split() if "/password/reset/" in word)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Set a new password")
    page.fill("#id_new_password1", "a fresh and long passphrase 42")
    page.fill("#id_new_password2", "a fresh and long passphrase 42")
    with page.expect_navigation():
        page.get_by_role("button", name="Set my password").click()
    expect(page.locator("h1")).to_have_text("Password set")
    with page.expect_navigation():
        page.get_by_role("link", name="Go to Today").click()
    expect(page.locator(".whoami")).to_have_text(str(am))
    assert refused == []
