"""Flows of issue 12 a person clicks through: days away handing items to the backup and back,
an import whose bad rows are fixed in the preview, a director handling an escalated item."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Agency, Problems

pytestmark = pytest.mark.browser


def _client_asks(agency: Agency, text: str):
    from django.utils import timezone

    from agencydesk.clients.models import Client
    from agencydesk.messaging.services import message_record

    now = timezone.now()
    # Read afresh, as ingest does: the fixture's objects predate the days away.
    return message_record(
        client=Client.objects.get(pk=agency.northwind.pk),
        channel="email",
        direction="in",
        sent_at=now,
        text=text,
        at=now,
        author="charlotte.hughes@northwind.example",
    )


def _question_owner(message) -> str:
    from agencydesk.commitments.models import Commitment

    return Commitment.objects.get(kind="question", subject_id=message.pk).owner.username


def test_days_away_hand_new_items_to_the_backup_and_back(
    agency: Agency, login_as, new_context, browser_problems: Problems
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests.browser.conftest import login

    page = login_as(agency.am, next="/accounts/profile/")
    today = dt.datetime.now(ZoneInfo(agency.am.timezone)).date()
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + dt.timedelta(days=2)).isoformat())
    page.fill("#id_note", "Conference in Sofia")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark days away").click()
    expect(page.get_by_text("Days away are marked")).to_be_visible()
    expect(page.locator("#absence-list")).to_contain_text("away now")

    # A question while she is away goes to Georgi, the client's backup, and Today says so.
    away = _client_asks(agency, "Could you send the media plan for the launch?").message
    assert _question_owner(away) == agency.other_am.username
    page.goto("/today/")
    expect(page.locator("#absence-note")).to_contain_text("You are away")

    backup = login(new_context().new_page(), agency.other_am.username, next="/today/")
    expect(backup.locator("#absence-note")).to_contain_text("Covering for Olga Smirnova")
    expect(
        backup.locator(".attention-item[data-kind=question]", has_text="Northwind")
    ).to_have_count(1)

    # She is back: the days are taken back, and the next question is hers again.
    page.goto("/accounts/profile/")
    with page.expect_navigation():
        page.get_by_role("button", name="Take back").click()
    expect(page.get_by_text("The days away are taken back.")).to_be_visible()
    back = _client_asks(agency, "And when is the press release due?").message
    assert _question_owner(back) == agency.am.username
    page.goto("/today/")
    expect(page.locator("#absence-note")).to_have_count(0)
    assert browser_problems.all() == []


BAD = (
    "name,status,language,account_manager,contact_name,contact_email\n"
    "Aurora Tea,acitve,de,olga,Mia Brown,mia@aurora.example\n"
    "Baltic Wind,active,en,ghost,Jonas Berg,not-an-email\n"
    "Cobalt Labs,active,en,olga,Ann Lee,ann@cobalt.example\n"
)
FIXED = BAD.replace("acitve,de", "active,en").replace(
    "ghost,Jonas Berg,not-an-email", "olga,Jonas Berg,jonas@baltic.example"
)


def _choose(page: Page, content: str) -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": "clients.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()


def test_an_import_with_bad_rows_fixed_in_the_preview(
    agency: Agency, director_page: Page, browser_problems: Problems
):
    from agencydesk.clients.models import Client

    page = director_page
    with page.expect_navigation():
        page.get_by_role("link", name="Import", exact=True).click()
    _choose(page, BAD)
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("status: 'acitve' is not one of")
    expect(errors).to_contain_text("language: 'de' is not one of")
    expect(errors).to_contain_text("account_manager: no active user with the username 'ghost'")
    expect(errors).to_contain_text("contact_email: Enter a valid email address.")
    expect(page.locator("#import-done-rows")).to_contain_text("new client Cobalt Labs")
    assert not Client.objects.filter(name="Cobalt Labs").exists()  # a preview writes nothing

    _choose(page, FIXED)
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.get_by_test_id("import-summary")).to_contain_text("3 rows")
    with page.expect_navigation():
        page.get_by_test_id("import-run").click()
    expect(page.get_by_test_id("import-done")).to_have_text("3 new clients and 3 new contacts.")
    assert set(
        Client.objects.filter(name__in=["Aurora Tea", "Baltic Wind", "Cobalt Labs"]).values_list(
            "account_manager__username", flat=True
        )
    ) == {agency.am.username}
    assert browser_problems.all() == []


def test_a_director_handles_an_escalated_item_from_today(
    agency: Agency, director_page: Page, browser_problems: Problems
):
    from django.utils import timezone

    from agencydesk.commitments.models import Commitment
    from agencydesk.commitments.services import commitment_escalate
    from agencydesk.core.models import AuditLog

    question = Commitment.objects.get(client=agency.northwind, kind="question")
    now = timezone.now()
    commitment_escalate(commitment=question, to=agency.other_am, at=now, minutes=60)
    commitment_escalate(commitment=question, to=agency.director, at=now, minutes=60)

    page = director_page
    with page.expect_navigation():
        page.locator("#mainnav a[href='/today/']").click()
    item = page.locator(".attention-item[data-kind=question]", has_text="Northwind")
    expect(item.get_by_test_id("escalated")).to_be_visible()
    item.locator("summary").click()
    item.locator("input[name=reason]").fill("Called Charlotte, the draft goes out on Friday")
    with page.expect_navigation():
        item.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked done.")).to_be_visible()
    expect(page.locator(".attention-item[data-kind=question]", has_text="Northwind")).to_have_count(
        0
    )
    done = AuditLog.objects.get(action="commitment.done")
    assert done.actor == agency.director
    assert Commitment.objects.get(pk=question.pk).state == "met"
    assert browser_problems.all() == []
