"""A meeting clicked through: plan it, write its minutes with an action item after it, open the
deliverable the action item became."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.conftest import Agency

pytestmark = pytest.mark.browser


def _typed(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_plan_a_meeting_write_minutes_and_see_the_deliverable(agency: Agency, login_as):
    from django.utils import timezone

    from agencydesk.calendars.selectors import client_engine
    from agencydesk.meetings.models import Meeting
    from agencydesk.work.models import Deliverable

    severny = agency.severny
    engine = client_engine(severny)
    opening = engine.next_open(timezone.now() + timedelta(days=1)).astimezone(engine.tz)
    start = datetime.combine(opening.date(), time(11, 0), tzinfo=engine.tz)

    page: Page = login_as(agency.am, next="/meetings/")
    page.get_by_role("link", name="New meeting").click()
    page.select_option("#id_client", label="Северный ветер")
    page.fill("#id_title", "Статус по годовому отчёту")
    page.fill("#id_starts_at", _typed(start))
    page.get_by_label("Иван Петрович Соколов (Северный ветер)").check()
    page.get_by_label(str(agency.specialist)).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Plan the meeting").click()
    expect(page.locator("h1")).to_have_text("Статус по годовому отчёту")
    expect(page.locator("[data-testid=client-time]")).to_contain_text("Europe/Moscow")
    meeting = Meeting.objects.get()
    assert meeting.starts_at == start and meeting.warnings == []

    # Three hours after the meeting began: its minutes are due; write them.
    after = start + timedelta(hours=3)
    due = engine.add(after, 600).astimezone(engine.tz).replace(second=0, microsecond=0)
    with time_machine.travel(after, tick=True):
        page.reload()
        with page.expect_navigation():
            page.locator("#minutes a.btn", has_text="Minutes of").first.click()
        page.fill("#id_decisions", "Отчёт выходит в апреле")
        row = page.locator("[data-testid=action-row]").first
        row.locator("input[name=form-0-text]").fill("Пресс-релиз о годовом отчёте")
        row.locator("select[name=form-0-owner]").select_option(label="Anna Lebedeva (Specialist)")
        row.locator("input[name=form-0-due_at]").fill(_typed(due))
        row.locator("select[name=form-0-outcome]").select_option("deliverable")
        row.locator("select[name=form-0-deliverable_type]").select_option(label="Press release")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the minutes").click()
        expect(page.locator("[data-testid=minutes-state]")).to_have_text("Draft")
        link = page.locator("[data-testid=action-deliverable]")
        expect(link).to_contain_text("Пресс-релиз о годовом отчёте")
        with page.expect_navigation():
            link.click()
        expect(page.locator("h1")).to_have_text("Пресс-релиз о годовом отчёте")
        expect(page.locator("[data-testid=deliverable-status]")).to_have_text("Planned")
    deliverable = Deliverable.objects.get()
    assert deliverable.due_at == due and deliverable.owner == agency.specialist
    assert deliverable.minutes_point.minutes.meeting == meeting
