"""The interactive API docs work without internet: Django Ninja's own static files, no CDN."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Problems

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_its_operations_offline(
    page: Page, live_server, browser_problems: Problems
):
    outside: list[str] = []

    def only_this_server(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:  # what a machine without internet would see
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 5
    assert outside == []
    assert browser_problems.all() == []
