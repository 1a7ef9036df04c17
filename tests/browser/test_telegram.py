"""Telegram: link a client's group, see its messages on the timeline, reply into the right topic."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from agencydesk.integrations.telegram.testing import FakeBotApi, group_message
from tests.browser.conftest import Agency

pytestmark = pytest.mark.browser

GROUP = -1002001


@pytest.fixture
def fake_api(settings) -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    settings.TELEGRAM_BOT_TOKEN = server.token
    settings.TELEGRAM_API_URL = server.url
    try:
        yield server
    finally:
        server.stop()


def _poll() -> None:
    """What ``agencydesk telegram poll`` does, until Telegram has nothing more."""
    from agencydesk.integrations.telegram.poller import poll

    poll(timeout=0, exit_when_idle=True)


def test_link_a_group_see_its_messages_and_reply_into_the_topic(
    agency: Agency, login_as, fake_api: FakeBotApi
):
    from agencydesk.clients.models import Client

    # Replies leave at once in crisis mode, whatever the hour of the test run in London.
    Client.objects.filter(pk=agency.northwind.pk).update(crisis_mode=True)
    page: Page = login_as(agency.am, next=f"/clients/{agency.northwind.pk}/")
    card = page.locator("#telegram")
    expect(card).to_contain_text("No Telegram chat is linked yet")
    # The code comes in the card itself (swapped in place, no page jump, no banner), with a
    # copy button and the one-line instruction.
    card.get_by_role("button", name="Link a Telegram group").click()
    line = card.locator('[data-testid="link-code"] code')
    expect(line).to_have_text(re.compile(r"^/link [A-Z0-9]{8}$"))
    expect(card).to_contain_text("send this line there")
    assert page.locator(".flash").count() == 0
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    card.get_by_role("button", name="Copy").click()
    expect(card.get_by_role("button", name="Copy")).to_have_class(re.compile(r"\bcopied\b"))
    assert page.evaluate("navigator.clipboard.readText()") == line.inner_text()
    code = re.search(r"/link ([A-Z0-9]{8})", line.inner_text()).group(1)

    # In the client's group: the code, then a topic is opened and a question asked in it.
    fake_api.push(
        group_message(
            update_id=1,
            chat_id=GROUP,
            message_id=1,
            is_forum=True,
            title="Northwind × Agency",
            text=f"/link {code}",
        ),
        group_message(
            update_id=2,
            chat_id=GROUP,
            message_id=2,
            is_forum=True,
            thread_id=2,
            title="Northwind × Agency",
            text="",
            extra={"forum_topic_created": {"name": "Design"}},
        ),
        group_message(
            update_id=3,
            chat_id=GROUP,
            message_id=3,
            is_forum=True,
            thread_id=2,
            title="Northwind × Agency",
            user_id=4242,
            username="chughes",
            text="Could we see the banner options by Friday?",
        ),
    )
    _poll()
    assert fake_api.sent_to(GROUP)[0].text.startswith("This chat is now linked to Northwind")

    page.reload()
    expect(page.locator("#telegram")).to_contain_text("Northwind × Agency")
    expect(page.locator("#telegram")).to_contain_text("Design")
    with page.expect_navigation():
        page.get_by_role("link", name="Messages", exact=True).first.click()
    question = page.locator(".msg.in", has_text="banner options")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Telegram · Design")
    expect(question).to_contain_text("Charlotte Hughes")

    page.locator("#id_conversation").select_option(label="Telegram · Design")
    page.locator("#id_text").fill("Yes, three options on Thursday.")
    with page.expect_navigation():
        page.locator("#composer").get_by_role("button").last.click()
    expect(page.locator(".msg.out").last).to_contain_text("three options on Thursday")
    expect(page.locator(".msg.out").last).to_contain_text("Sent")

    reply = fake_api.sent_to(GROUP)[-1]
    assert (reply.text, reply.message_thread_id) == ("Yes, three options on Thursday.", 2)
