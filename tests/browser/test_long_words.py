"""A 10,000-character word or a long URL in user text wraps: no page gets wider than the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from tests.browser.conftest import Agency, landing_path, session_cookie

pytestmark = pytest.mark.browser

WORD = "Долгожданныйрелиз" * 589  # 10,013 letters, not one space
URL = "https://docs.example/" + "/".join(f"folder{i}" for i in range(60)) + "?q=" + "x" * 300
VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
SLACK_PX = 4
SCREENSHOT = Path("/tmp/agencydesk-long-words-timeline-390.png")


@pytest.fixture
def long_client(agency: Agency):
    from django.utils import timezone

    from agencydesk.clients import dossier, services
    from agencydesk.messaging.services import message_record

    now = timezone.now()
    client = services.client_create(
        by=agency.director,
        at=now,
        name="Сверхдлинное" + "Название" * 23,  # 196 letters, the name's limit is 200
        industry="И" * 120,
        account_manager=agency.am,
        business_summary=f"{WORD} {URL}",
        topics_to_avoid=WORD,
        preferred_channel="telegram",
    )
    dossier.contact_create(
        client=client,
        by=agency.director,
        at=now,
        name="Контакт" * 28,
        position="Д" * 200,
        email="a" * 60 + "@" + "b" * 60 + ".example",
        notes=WORD,
    )
    dossier.key_event_create(
        client=client,
        by=agency.director,
        at=now,
        title="С" * 200,
        kind="launch",
        date=dt.date(2026, 6, 1),
    )
    dossier.working_file_link_create(
        client=client, by=agency.director, at=now, title="Т" * 200, kind="other", url=URL[:500]
    )
    message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=now - dt.timedelta(hours=2),
        text=f"{WORD}?\n{URL}",
        at=now,
        author="@" + "u" * 32,
        attachments=[URL, "mailto:" + "m" * 60 + "@client.example"],
    )
    return client


def test_long_words_and_links_wrap_on_every_page_at_phone_and_desktop_width(
    new_context, live_server, agency, long_client
):
    paths = {
        "client": long_client.get_absolute_url(),
        "timeline": f"/clients/{long_client.pk}/messages/",
        "client list": "/clients/",
        "today": landing_path(),
    }
    too_wide = []
    for viewport in VIEWPORTS:
        context: BrowserContext = new_context(viewport=viewport)
        context.add_cookies([session_cookie(live_server.url, agency.am)])  # type: ignore[list-item]
        page = context.new_page()
        for label, path in paths.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, (label, path)
            assert WORD[:40] in page.content() or label in ("client list", "today"), label
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            # A table scrolling inside its wrapper would hide the overflow from the page. On a
            # phone a wide table scrolls in its box by design, up to its own minimum width
            # (so its columns are not squeezed): a long word must not make it any wider.
            inner = page.evaluate(
                "Math.max(0, ...[...document.querySelectorAll('.table-wrap, .card')].map(e => {"
                " const t = e.matches('.table-wrap') && e.querySelector(':scope > .table');"
                " const least = t ? parseFloat(getComputedStyle(t).minWidth) || 0 : 0;"
                " return e.scrollWidth - Math.max(e.clientWidth, least); }))"
            )
            if widths[0] > widths[1] + SLACK_PX or inner > SLACK_PX:
                too_wide.append((label, viewport["width"], widths[0], inner))
            if label == "timeline" and viewport["width"] == 390:
                page.locator(".msg .attachments").first.scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOT), full_page=False)
        context.close()
    assert too_wide == [], too_wide


def test_the_long_text_is_on_today_and_in_the_list(new_context, live_server, agency, long_client):
    """The pages above really show the long text (not an empty state that trivially fits)."""
    context = new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([session_cookie(live_server.url, agency.am)])  # type: ignore[list-item]
    page = context.new_page()
    page.goto("/clients/")
    assert long_client.name in page.content()
    page.goto(landing_path())
    assert long_client.name in page.content()
