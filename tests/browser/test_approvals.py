"""An approval played from both sides, in Russian: the account manager sends the request, the
client opens the link in a fresh browser with no login (on a phone) and asks for changes, the
account manager sends round 2 as a file, the client approves, the record shows both rounds."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Agency, switch_language

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/approve/[^/\s]+/")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "ru"


def _latest_link(client) -> str:
    from agencydesk.messaging.models import Message

    text = Message.objects.filter(client=client, direction="out").latest("pk").text
    found = LINK.search(text)
    assert found, text
    return found.group(0)


def _client_decides(
    new_context, url: str, decision: str, comment: str = "", *, shot: str = ""
) -> None:
    """The approver: a fresh phone browser, no session, only the link."""
    context = new_context(viewport=PHONE, locale="ru-RU")
    assert context.cookies() == []
    client_page = context.new_page()
    client_page.goto(url)
    expect(client_page.locator("html")).to_have_attribute("lang", "ru")
    expect(client_page.locator(".brand")).to_be_visible()
    form = client_page.locator("[data-testid=decision-form]")
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        client_page.screenshot(path=SHOTS / f"{shot}.390.png", full_page=True)
    form.get_by_label(decision, exact=True).check()
    if comment:
        form.get_by_label("Комментарий").fill(comment)
    with client_page.expect_navigation():
        form.get_by_role("button", name="Отправить решение").click()
    expect(client_page.locator("[data-testid=link-notice]")).to_contain_text(
        "Спасибо: ваше решение записано."
    )
    expect(client_page.locator("[data-testid=decision-form]")).to_have_count(0)
    # Nothing on the page is wider than the phone.
    width = client_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    context.close()


def test_an_approval_in_two_rounds_from_both_sides_in_russian(
    agency: Agency, login_as, new_context
):
    from django.utils import timezone

    from agencydesk.approvals.models import ApprovalRequest, Decision
    from agencydesk.work import services
    from agencydesk.work.models import DeliverableType

    severny = agency.severny
    engine_now = timezone.now()
    from agencydesk.calendars.selectors import client_engine

    engine = client_engine(severny)
    plan = services.deliverable_create(
        client=severny,
        title="Медиаплан на май",
        type=DeliverableType.objects.get(code="media_plan"),
        owner=agency.specialist,
        reviewer=agency.director,
        due_at=engine.next_open(engine.add(engine_now, 2400)),
        by=agency.am,
        at=engine_now,
        amount=Decimal("300000"),
    ).deliverable

    page: Page = login_as(agency.am, next=f"/deliverables/{plan.pk}/")
    switch_language(page, "ru")
    record = page.locator("[data-testid=approval-record]")
    expect(record.locator("[data-testid=launch-refusal]")).to_contain_text(
        "нельзя запустить без согласования"
    )

    # Round 1: the account manager asks the client's decision maker.
    form = page.locator("[data-testid=request-form]")
    form.get_by_label("Иван Петрович Соколов").check()
    form.get_by_label("Ссылка на материал").fill("https://files.example/media-plan-may-v1.pdf")
    with page.expect_navigation():
        form.get_by_role("button", name="Отправить на согласование").click()
    expect(page.locator(".flash")).to_contain_text("Раунд 1 отправлен")
    first_link = _latest_link(severny)

    _client_decides(new_context, first_link, "Запрошены правки", "Добавьте Telegram-каналы")
    request = ApprovalRequest.objects.get(deliverable=plan)
    assert request.state == "changes_requested"

    # Round 2: a file this time.
    page.reload()
    round_form = page.locator("[data-testid=round-form]")
    expect(round_form).to_be_visible()
    round_form.locator("input[type=file]").set_input_files(
        files=[
            {"name": "Медиаплан-v2.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 v2"}
        ]
    )
    with page.expect_navigation():
        round_form.get_by_role("button", name="Отправить следующий раунд").click()
    expect(page.locator(".flash")).to_contain_text("Раунд 2 отправлен")
    second_link = _latest_link(severny)
    assert second_link != first_link

    _client_decides(new_context, second_link, "Согласовано", shot="approval-link")

    # The old link now shows the newer version and cannot decide.
    stale = new_context(viewport=PHONE).new_page()
    stale.goto(first_link)
    expect(stale.locator("[data-testid=link-superseded]")).to_be_visible()
    expect(stale.locator("[data-testid=decision-form]")).to_have_count(0)

    page.reload()
    record = page.locator("[data-testid=approval-record]")
    expect(record.locator("[data-testid=approval-state]").first).to_have_text("Согласовано")
    expect(record.locator("[data-testid=round-1]")).to_contain_text("Добавьте Telegram-каналы")
    expect(record.locator("[data-testid=round-2]")).to_contain_text("Медиаплан-v2.pdf")
    expect(record.locator("[data-testid=round-2]")).to_contain_text("Согласовано")
    assert list(Decision.objects.order_by("at").values_list("verdict", "channel")) == [
        ("changes_requested", "link"),
        ("approved", "link"),
    ]
    page.screenshot(path=SHOTS / "approval-record.png", full_page=True)
    # The record fits a phone too.
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    # The spend gate opens with the approved version.
    with page.expect_navigation():
        record.get_by_role("button", name="Отметить запуск").click()
    expect(page.locator(".flash")).to_contain_text("Запущено")
    plan.refresh_from_db()
    assert plan.launched_at is not None
