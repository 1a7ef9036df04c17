"""Deliverables clicked through: create, review, deliver; a second at risk, its delay notice sent from Today in Russian."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Agency, switch_language

pytestmark = pytest.mark.browser


def _client_local(client, minutes_ahead: int, after: datetime | None = None) -> datetime:
    """A whole minute inside the client's working hours, ``minutes_ahead`` business minutes on."""
    from django.utils import timezone

    from agencydesk.calendars.selectors import client_engine, within_hours

    engine = client_engine(client)
    moment = engine.add(after or timezone.now(), minutes_ahead).astimezone(engine.tz)
    moment = moment.replace(second=0, microsecond=0)
    if not within_hours(engine, moment):
        moment = engine.next_open(moment)
    return moment


def _typed(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_create_review_and_deliver_then_a_delay_notice_from_today_in_russian(
    agency: Agency, login_as
):
    from django.utils import timezone

    from agencydesk.messaging.models import Message
    from agencydesk.work import services
    from agencydesk.work.models import Deliverable, DeliverableType

    severny = agency.severny
    page: Page = login_as(agency.am, next="/deliverables/")

    # Create: a press release for the Russian client, written by the specialist, reviewed by the AM.
    page.get_by_role("link", name="New deliverable").click()
    page.select_option("#id_client", label="Северный ветер")
    page.select_option("#id_type", label="Press release")
    page.fill("#id_title", "Пресс-релиз о годовом отчёте")
    page.select_option("#id_owner", label="Anna Lebedeva (Specialist)")
    page.select_option("#id_reviewer", label="Olga Smirnova (Account manager)")
    due = _client_local(severny, 1200)
    page.fill("#id_due_at", _typed(due))
    with page.expect_navigation():
        page.get_by_role("button", name="Create").click()
    expect(page.locator("h1")).to_have_text("Пресс-релиз о годовом отчёте")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("Planned")
    first = Deliverable.objects.get(title="Пресс-релиз о годовом отчёте")
    assert first.due_at == due

    # Before the review it cannot be delivered (only a director could override).
    expect(page.locator("#deliver")).to_contain_text("without a passed internal review")
    expect(page.get_by_role("button", name="Mark delivered")).to_have_count(0)

    # The review: every item of the checklist, passed.
    review = page.locator("[data-testid=review-form]")
    for box in review.locator("input[type=checkbox]").all():
        box.check()
    review.get_by_label("Passed: ready for the client").check()
    with page.expect_navigation():
        review.get_by_role("button", name="Record the review").click()
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("Ready")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark delivered").click()
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("Delivered")
    first.refresh_from_db()
    assert first.status == "delivered" and first.reviews.filter(passed=True).exists()

    # A second one goes at risk: its owner flags it.
    second = services.deliverable_create(
        client=severny,
        title="Дайджест мониторинга",
        type=DeliverableType.objects.get(code="monitoring_digest"),
        owner=agency.specialist,
        reviewer=agency.am,
        due_at=_client_local(severny, 900),
        by=agency.am,
        at=timezone.now(),
    ).deliverable
    services.deliverable_flag_at_risk(
        deliverable=second, by=agency.specialist, at=timezone.now(), reason="нет данных"
    )

    # The account manager sends the delay notice from Today, in Russian.
    page.goto("/today/")
    switch_language(page, "ru")
    item = page.locator(".attention-item[data-kind=work_delay_notice]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Дайджест мониторинга")
    with page.expect_navigation():
        item.get_by_role("link", name="Отправить уведомление о задержке").click()
    new_due = _client_local(severny, 480, after=second.due_at)
    page.fill("#id_new_due_at", _typed(new_due))
    page.fill("#id_reason", "ждём выгрузку из системы мониторинга")
    with page.expect_navigation():
        page.locator("[data-testid=delay-notice-form]").get_by_role(
            "button", name="Отправить уведомление о задержке"
        ).click()
    expect(page.locator(".flash")).to_contain_text("Уведомление о задержке")
    expect(page.locator("[data-testid=slip-log] tbody tr")).to_have_count(2)

    second.refresh_from_db()
    assert second.due_at == new_due and not second.at_risk
    notice = Message.objects.filter(client=severny, direction="out").latest("pk")
    assert "добрый день" in notice.text and "ждём выгрузку из системы мониторинга" in notice.text
    assert new_due.strftime("%d.%m.%Y %H:%M") in notice.text

    page.goto("/today/")
    expect(page.locator(".attention-item[data-kind=work_delay_notice]")).to_have_count(0)
