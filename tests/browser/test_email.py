"""E-mail: a client's mail arrives (real Dovecot), shows in Today, the answer reaches SMTP in the thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import require
from playwright.sync_api import Page, expect

from agencydesk.integrations.email import testing
from agencydesk.integrations.email.tests.mails import mail
from tests.browser.conftest import Agency

pytestmark = pytest.mark.browser


@pytest.fixture
def servers() -> Iterator[tuple[testing.Dovecot, testing.SmtpSink]]:
    require(testing.dovecot_available(), "Dovecot (dovecot-imapd from Debian) is not installed")
    dovecot = testing.dovecot_start()
    smtp = testing.smtp_start()
    try:
        yield dovecot, smtp
    finally:
        smtp.stop()
        dovecot.stop()


def test_an_email_arrives_shows_in_today_and_the_answer_goes_out_in_its_thread(
    agency: Agency, login_as, servers
):
    from django.utils import timezone

    from agencydesk.clients.models import Client
    from agencydesk.integrations.email.poller import mailbox_poll
    from agencydesk.integrations.email.services import mailbox_save

    dovecot, smtp = servers
    Client.objects.filter(pk=agency.northwind.pk).update(crisis_mode=True)
    mailbox = mailbox_save(
        mailbox=None,
        values={
            "name": "Accounts",
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "username": dovecot.user,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_security": "none",
            "from_address": "desk@agency.test",
        },
        password=dovecot.password,
        at=timezone.now(),
    )
    dovecot.deliver(
        mail(
            message_id="brief-42@northwind.example",
            sender="Charlotte Hughes <charlotte.hughes@northwind.example>",
            subject="Autumn campaign brief",
            body="Could you send the media plan for the autumn campaign?",
            when=timezone.now(),
        )
    )
    assert mailbox_poll(mailbox=mailbox) == 1

    page: Page = login_as(agency.am, next="/today/")
    item = page.locator(".attention-item", has_text="Northwind").filter(has_text="media plan")
    expect(item.first).to_be_visible()
    with page.expect_navigation():
        item.first.get_by_role("link").last.click()
    question = page.locator(".msg.in", has_text="media plan for the autumn")
    expect(question).to_be_visible()
    expect(question).to_contain_text("E-mail")
    page.locator("#id_conversation").select_option(label="Autumn campaign brief")
    page.locator("#id_text").fill("Dear Charlotte, the media plan comes on Thursday.")
    with page.expect_navigation():
        page.locator("#composer").get_by_role("button").last.click()
    expect(page.locator(".msg.out").last).to_contain_text("media plan comes on Thursday")
    expect(page.locator(".msg.out").last).to_contain_text("Sent")

    assert len(smtp.messages) == 1
    sent = smtp.parsed()[0]
    assert sent["To"] == "charlotte.hughes@northwind.example"
    assert sent["In-Reply-To"] == "<brief-42@northwind.example>"
    assert sent["Subject"].startswith("Re: Autumn campaign brief")
    assert "media plan comes on Thursday" in sent.get_body(("plain",)).get_content()
