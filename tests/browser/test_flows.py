"""The flows a person clicks through, checked by what they see (and, after a save, by the database)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Agency, landing_path, login, switch_language

pytestmark = pytest.mark.browser

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_ABBR_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _hours_in_db(client) -> str:
    from agencydesk.calendars.selectors import client_calendar
    from agencydesk.clients.models import Client

    return client_calendar(Client.objects.select_related("calendar").get(pk=client.pk)).hours


def _url(path: str) -> re.Pattern[str]:
    """The page's address is exactly ``path`` (plus an optional fragment)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(#.*)?$")


def _field(page: Page, field_id: str):
    """The ``.field`` wrapper of an input: label, input, help and errors."""
    return page.locator(".field", has=page.locator(f"#{field_id}"))


def _save(page: Page, *, expect_errors: bool = False) -> None:
    """Press Save and wait for the answer; unless errors are expected, there must be none."""
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    if not expect_errors:
        shown = [t.strip() for t in page.locator("main .error, main .alert").all_inner_texts()]
        assert not [t for t in shown if t], f"the form was refused: {shown}"


# --- signing in ---------------------------------------------------------------------------------


def test_wrong_password_shows_an_error_then_the_right_one_signs_in(agency: Agency, page: Page):
    from agencydesk.accounts.tests.factories import TEST_PASSWORD

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("h1")).to_have_text("Sign in to AgencyDesk")

    page.fill("#id_username", "director")
    page.fill("#id_password", "not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".alert")).to_contain_text("Wrong username or password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("h1")).to_have_text("Sign in to AgencyDesk")
    expect(page.locator("#id_username")).to_have_value("director")
    expect(page.locator("#id_password")).to_have_value("")

    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # In: the start page (``LOGIN_REDIRECT_URL``), signed in, one click from the client list.
    expect(page).to_have_url(_url(landing_path()))
    expect(page.locator(".whoami")).to_have_text("Natalia Voronova")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.locator(".mainnav").get_by_role("link", name="Clients", exact=True).click()
    expect(page).to_have_url(_url("/clients/"))
    expect(page.locator("h1")).to_have_text("Clients")
    expect(page.locator("#client-table tbody tr")).to_have_count(3)


def test_five_wrong_passwords_lock_the_account_out(agency: Agency, page: Page):
    from agencydesk.accounts.tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    for attempt in range(1, 6):
        page.fill("#id_username", "olga")
        page.fill("#id_password", f"wrong {attempt}")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Sign in").click()
        if attempt < 5:
            assert answer.value.status == 200
            expect(page.locator(".alert")).to_contain_text("Wrong username or password")
    assert answer.value.status == 429
    expect(page.locator("h1")).to_have_text("Too many failed sign-in attempts")

    # Even the right password is refused now.
    page.goto("/accounts/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Too many failed sign-in attempts")


# --- the client list ----------------------------------------------------------------------------


def test_client_list_searches_live_and_filters(agency: Agency, director_page: Page):
    page = director_page
    names = page.locator("#client-table tbody tr a.strong")
    expect(names).to_have_text(["Balkan Bytes", "Northwind Foods", "Северный ветер"])
    expect(page.locator("#client-table .pager")).to_contain_text("3 clients")
    row = page.locator("#client-table tbody tr", has_text="Northwind Foods")
    expect(row).to_contain_text("Olga Smirnova")
    expect(row).to_contain_text("Europe/London")
    expect(row.locator('td[data-label="Contacts"]')).to_have_text("2")
    # Who needs attention: Northwind's unanswered message is overdue; sorted first by it.
    expect(row.get_by_test_id("overdue")).to_have_text(re.compile(r"^[1-9]"))
    page.select_option("#sort", "-overdue")
    expect(names.first).to_have_text("Northwind Foods")
    expect(page).to_have_url(re.compile(r"[?&]sort=-overdue(&|$)"))
    page.select_option("#sort", "name")
    expect(names).to_have_text(["Balkan Bytes", "Northwind Foods", "Северный ветер"])

    # Typing filters the table in place: an htmx request, no new page.
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(
        lambda r: "/clients/?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("#q").press_sequentially("north")
    expect(names).to_have_text(["Northwind Foods"])
    expect(page.locator("#client-table .pager")).to_contain_text("1 client")
    expect(page).to_have_url(re.compile(r"[?&]q=north(&|$)"))
    assert page.evaluate("window.__sameDocument") is True

    # A contact's name finds the client too.
    page.locator("#q").fill("Соколов")
    expect(names).to_have_text(["Северный ветер"])

    page.locator("#q").fill("")
    expect(names).to_have_count(3)

    page.select_option("#status", "paused")
    expect(names).to_have_text(["Balkan Bytes"])
    expect(page.locator("#client-table tbody tr").first).to_contain_text("Paused")

    page.select_option("#status", "")
    expect(names).to_have_count(3)
    page.select_option("#am", label="Olga Smirnova")
    expect(names).to_have_text(["Northwind Foods", "Северный ветер"])

    page.locator("#q").fill("no such client")
    expect(page.locator("#client-table .empty")).to_contain_text("No clients match.")
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_role("link", name="Clear the filters").click()
    expect(names).to_have_count(3)
    expect(page.locator("#q")).to_have_value("")


def test_client_list_pages_through_many_clients(agency: Agency, director_page: Page):
    from agencydesk.clients.tests.factories import ClientFactory

    ClientFactory.create_batch(27, account_manager=agency.am)  # 30 in all: two pages of 25
    page = director_page
    page.reload()
    rows = page.locator("#client-table tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator(".pager")).to_contain_text("30 clients")
    expect(page.locator(".pager")).to_contain_text("Page 1 of 2")

    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text("Page 2 of 2")
    expect(rows).to_have_count(5)
    expect(page.get_by_role("link", name="← Previous")).to_be_visible()
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)


# --- one client ---------------------------------------------------------------------------------


def test_client_page_shows_dossier_contacts_contract_and_etiquette(
    agency: Agency, director_page: Page
):
    page = director_page
    page.get_by_role("link", name="Northwind Foods").click()
    expect(page).to_have_url(_url(f"/clients/{agency.northwind.pk}/"))
    expect(page).to_have_title("Northwind Foods · AgencyDesk")

    heading = page.locator("h1")
    expect(heading).to_contain_text("Northwind Foods")
    expect(heading.locator(".badge")).to_have_text("Active")
    expect(page.locator(".page-head")).to_contain_text("Account manager: Olga Smirnova")
    expect(page.locator(".page-head")).to_contain_text("backup: Georgi Ivanov")

    dossier = page.locator("#dossier")
    expect(dossier.locator("h2")).to_have_text("Dossier")
    expect(dossier).to_contain_text("Packaged foods for UK supermarkets")
    expect(dossier).to_contain_text("Anna Lebedeva")

    contacts = page.locator("#contacts tbody tr")
    expect(contacts).to_have_count(2)
    expect(contacts.nth(0)).to_contain_text("Charlotte Hughes")
    expect(contacts.nth(0).locator(".badge")).to_have_text("main")
    expect(contacts.nth(0)).to_contain_text("Telegram: @chughes")
    expect(contacts.nth(0)).to_contain_text("charlotte.hughes@northwind.example")
    expect(contacts.nth(0)).to_contain_text("Ms Hughes")
    expect(contacts.nth(1)).to_contain_text("Harry Wilson")

    contract = page.locator("#contract")
    expect(contract).to_contain_text("NW-2026-01")
    expect(contract).to_contain_text("14,000 GBP")
    expect(contract).to_contain_text("2 business days")
    expect(contract.locator("tbody tr")).to_have_count(2)

    expect(page.locator("#key-events")).to_contain_text("Spring product launch")
    expect(page.locator("#key-events")).to_contain_text("prepare 10 business days ahead")

    etiquette = page.locator("#etiquette")
    expect(etiquette.locator("h2")).to_have_text("Etiquette card")
    expect(etiquette).to_contain_text("Channel: E-mail")
    expect(etiquette).to_contain_text("Address: Formal")
    expect(etiquette).to_contain_text("No emoji")
    expect(etiquette).to_contain_text("Meeting every 14 days")
    expect(etiquette).to_contain_text("Avoid: Politics; price comparisons with competitors.")

    time_card = page.locator("#time")
    expect(time_card).to_contain_text("Europe/London")
    expect(time_card.locator("code")).to_have_text("mon-fri 09:00-18:00")
    expect(page.locator("#working-file")).to_contain_text("PR strategy 2026")
    expect(page.locator("#topics")).to_contain_text("Brand mentions")

    actions = page.locator(".head-actions")
    expect(actions.get_by_role("link", name="Edit", exact=True)).to_be_visible()
    expect(actions.get_by_role("link", name="Delete", exact=True)).to_be_visible()


def test_edit_client_refuses_bad_working_hours_then_saves_good_ones(
    agency: Agency, director_page: Page
):
    from agencydesk.clients.models import Client

    client = agency.northwind
    page = director_page
    page.goto(f"/clients/{client.pk}/")
    page.locator(".head-actions").get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(_url(f"/clients/{client.pk}/edit/"))
    expect(page.locator("h1")).to_have_text("Edit Northwind Foods")
    hours = page.locator("#id_working_hours")
    expect(hours).to_have_value("mon-fri 09:00-18:00")

    # A night shift crossing midnight cannot be written as one interval.
    page.fill("#id_industry", "Food and drink, wholesale")
    hours.fill("mon-fri 18:00-09:00")
    _save(page, expect_errors=True)

    field = _field(page, "id_working_hours")
    expect(field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(field.locator(".error")).to_be_visible()
    expect(field.locator(".error")).not_to_be_empty()
    expect(page.locator(".alert")).to_contain_text("Please correct the fields marked below.")
    expect(page).to_have_url(_url(f"/clients/{client.pk}/edit/"))
    expect(hours).to_have_value("mon-fri 18:00-09:00")  # what the user typed is kept
    assert _hours_in_db(client) == "mon-fri 09:00-18:00"
    assert Client.objects.get(pk=client.pk).industry == "Food and drink"  # nothing half-saved

    new_hours = "mon-thu 09:00-18:00; fri 09:00-16:00"
    hours.fill(new_hours)
    _save(page)

    expect(page).to_have_url(_url(f"/clients/{client.pk}/"))
    expect(page.locator(".flash")).to_have_text("Changes saved.")
    expect(page.locator("#time code")).to_have_text(new_hours)
    expect(page.locator(".page-head")).to_contain_text("Food and drink, wholesale")
    assert _hours_in_db(client) == new_hours
    assert Client.objects.get(pk=client.pk).industry == "Food and drink, wholesale"


def test_add_a_client_then_a_contact(agency: Agency, director_page: Page):
    from agencydesk.clients.models import Client

    page = director_page
    page.get_by_role("link", name="Add client").click()
    expect(page.locator("h1")).to_have_text("New client")
    page.fill("#id_name", "Aurora Skincare")
    page.fill("#id_industry", "Cosmetics")
    page.select_option("#id_account_manager", label="Olga Smirnova")
    page.select_option("#id_timezone", "Europe/Berlin")
    page.fill("#id_holidays_country", "de")
    _save(page)

    expect(page.locator(".flash")).to_have_text("Client “Aurora Skincare” added.")
    expect(page.locator("h1")).to_contain_text("Aurora Skincare")
    expect(page.locator("#time")).to_contain_text("Europe/Berlin")
    expect(page.locator("#contacts")).to_contain_text("No contacts yet.")
    client = Client.objects.get(name="Aurora Skincare")
    assert client.account_manager == agency.am
    assert client.calendar is not None and client.calendar.country == "DE"

    page.get_by_role("link", name="+ Add contact").click()
    expect(page.locator("h1")).to_have_text("New contact")
    _save(page, expect_errors=True)  # no name yet
    expect(_field(page, "id_name").locator(".error")).to_be_visible()
    page.fill("#id_name", "Lena Fischer")
    page.fill("#id_email", "lena@aurora.example")
    _save(page)

    expect(page).to_have_url(_url(f"/clients/{client.pk}/"))
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(page.locator("#contacts tbody tr")).to_have_count(1)
    expect(page.locator("#contacts")).to_contain_text("Lena Fischer")
    assert client.contacts.get().email == "lena@aurora.example"


def test_delete_a_client_after_confirming(agency: Agency, director_page: Page):
    from agencydesk.clients.models import Client

    page = director_page
    page.goto(f"/clients/{agency.balkan.pk}/")
    page.locator(".head-actions").get_by_role("link", name="Delete", exact=True).click()
    expect(page.locator("h1")).to_have_text("Delete “Balkan Bytes”?")

    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(_url(f"/clients/{agency.balkan.pk}/"))
    assert Client.objects.filter(pk=agency.balkan.pk).exists()

    page.locator(".head-actions").get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(_url("/clients/"))
    expect(page.locator(".flash")).to_have_text("Client “Balkan Bytes” deleted.")
    expect(page.locator("#client-table tbody tr a.strong")).to_have_text(
        ["Northwind Foods", "Северный ветер"]
    )
    assert not Client.objects.filter(pk=agency.balkan.pk).exists()


# --- business time ------------------------------------------------------------------------------


def test_business_time_preview_follows_the_form_before_saving(agency: Agency, director_page: Page):
    from django.conf import settings

    client = agency.northwind
    page = director_page
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Edit business time").click()
    expect(page).to_have_url(_url(f"/clients/{client.pk}/calendar/"))
    expect(page.locator("h1")).to_have_text("Business time")
    expect(page.locator("#id_hours")).to_have_value("mon-fri 09:00-18:00")
    due = page.get_by_test_id("reply-due")
    minutes = settings.AGENCYDESK_FIRST_RESPONSE_MINUTES
    expect(due).to_contain_text(f"within {minutes} working minutes")
    before = due.inner_text()

    # One short stretch three days from now in the client's zone: whatever the time now, a
    # message now is due that day at 09:17 + the reply minutes (a holiday moves it a week).
    target = (datetime.now(ZoneInfo("Europe/London")).weekday() + 3) % 7
    new_hours = f"{DAY_NAMES[target]} 09:17-10:00"
    due_at = f"09:{17 + minutes:02d}"
    page.fill("#id_hours", new_hours)
    expect(due).to_contain_text(re.compile(rf"{DAY_ABBR_EN[target]} \d{{1,2}} \w+ {due_at}"))
    assert due.inner_text() != before
    expect(page).to_have_url(_url(f"/clients/{client.pk}/calendar/"))
    assert _hours_in_db(client) == "mon-fri 09:00-18:00"  # a preview saves nothing

    _save(page)
    expect(page).to_have_url(_url(f"/clients/{client.pk}/"))
    expect(page.locator(".flash")).to_have_text("Business time saved.")
    expect(page.locator("#time code")).to_have_text(new_hours)
    assert _hours_in_db(client) == new_hours


def test_business_time_shows_errors_for_bad_hours_and_an_unknown_zone(
    agency: Agency, director_page: Page
):
    client = agency.northwind
    page = director_page
    page.goto(f"/clients/{client.pk}/calendar/")
    preview_error = page.locator("#preview .error")
    expect(page.get_by_test_id("reply-due")).to_be_visible()
    expect(preview_error).to_have_count(0)

    page.fill("#id_hours", "mon-fri 18:00-09:00")
    expect(preview_error).to_be_visible()  # the preview says why before anything is saved
    expect(page.get_by_test_id("reply-due")).to_have_count(0)
    _save(page, expect_errors=True)
    expect(_field(page, "id_hours")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(_field(page, "id_hours").locator(".error")).not_to_be_empty()
    expect(page).to_have_url(_url(f"/clients/{client.pk}/calendar/"))
    assert _hours_in_db(client) == "mon-fri 09:00-18:00"

    # The list offers real zones only; a forged one must still be refused, not crash.
    page.fill("#id_hours", "mon-fri 09:00-18:00")
    expect(page.get_by_test_id("reply-due")).to_be_visible()
    page.evaluate(
        "document.querySelector('#id_timezone').add(new Option('Mars/Olympus', 'Mars/Olympus'))"
    )
    page.select_option("#id_timezone", "Mars/Olympus")
    expect(preview_error).to_be_visible()
    _save(page, expect_errors=True)
    expect(_field(page, "id_timezone")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(_field(page, "id_timezone").locator(".error")).not_to_be_empty()
    assert _hours_in_db(client) == "mon-fri 09:00-18:00"


# --- language -----------------------------------------------------------------------------------


def test_switch_the_interface_to_russian_and_back(agency: Agency, director_page: Page):
    from agencydesk.accounts.models import User

    page = director_page
    nav = page.locator(".mainnav a.active")  # the section the page belongs to
    expect(nav).to_have_text("Clients")
    expect(page.locator("#lang-select")).to_have_value("en")

    switch_language(page, "ru")
    expect(page).to_have_url(_url("/clients/"))  # the same page, now in Russian
    expect(nav).to_have_text("Клиенты")
    expect(page.locator("h1")).to_have_text("Клиенты")
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    expect(page.locator("#lang-select")).to_have_value("ru")
    assert User.objects.get(pk=agency.director.pk).language == "ru"

    # The next page stays Russian.
    page.get_by_role("link", name="Northwind Foods").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(nav).to_have_text("Клиенты")
    expect(page.locator("#dossier h2")).to_have_text("Досье")
    expect(page.locator("#contacts h2")).to_have_text("Контакты")
    expect(
        page.locator(".head-actions").get_by_role("link", name="Изменить", exact=True)
    ).to_be_visible()

    switch_language(page, "en")
    expect(page).to_have_url(_url(f"/clients/{agency.northwind.pk}/"))
    expect(nav).to_have_text("Clients")
    expect(page.locator("#dossier h2")).to_have_text("Dossier")
    assert User.objects.get(pk=agency.director.pk).language == "en"


def test_the_chosen_language_follows_the_user_to_another_browser(
    agency: Agency, director_page: Page, new_context
):
    switch_language(director_page, "ru")
    # No cookie in there, and an English-speaking browser.
    page = login(new_context().new_page(), "director", next="/clients/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("Клиенты")


# --- roles --------------------------------------------------------------------------------------


def test_a_specialist_reads_a_client_but_cannot_edit_it(agency: Agency, login_as):
    client = agency.northwind
    page = login_as(agency.specialist, next="/clients/")
    expect(page.locator("#client-table tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name="Add client")).to_have_count(0)

    page.get_by_role("link", name="Northwind Foods").click()
    expect(page.locator("h1")).to_contain_text("Northwind Foods")
    expect(page.locator("#contacts")).to_contain_text("Charlotte Hughes")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Delete", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit business time")).to_have_count(0)
    expect(page.get_by_role("link", name="+ Add contact")).to_have_count(0)

    for path in (f"/clients/{client.pk}/edit/", f"/clients/{client.pk}/calendar/"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.locator("h1")).to_have_text("Not allowed")
        expect(page.locator("main")).to_contain_text(
            "Only directors and this client's account managers may edit it."
        )
    page.get_by_role("link", name="Back to the start").click()
    expect(page).to_have_url(_url(landing_path()))


def test_an_account_manager_edits_only_the_clients_they_run(agency: Agency, page: Page):
    from agencydesk.accounts.tests.factories import TEST_PASSWORD

    # A page asked for before signing in opens right after it.
    detail = f"/clients/{agency.northwind.pk}/"
    page.goto(detail)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", agency.am.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(_url(detail))
    expect(page.locator("h1")).to_contain_text("Northwind Foods")
    expect(page.locator(".head-actions").get_by_role("link", name="Edit")).to_be_visible()
    expect(page.locator(".head-actions").get_by_role("link", name="Delete")).to_have_count(0)

    page.goto(f"/clients/{agency.balkan.pk}/")  # Georgi's client
    expect(page.locator("h1")).to_contain_text("Balkan Bytes")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    response = page.goto(f"/clients/{agency.balkan.pk}/edit/")
    assert response is not None and response.status == 403


# --- Today ----------------------------------------------------------------------------------------


def test_today_items_are_snoozed_and_marked_done_with_a_reason(agency: Agency, login_as):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from agencydesk.commitments.models import Commitment
    from agencydesk.core.models import AuditLog

    page = login_as(agency.am, next="/today/")
    reply = page.locator(".attention-item[data-kind=first_response]", has_text="Northwind")
    question = page.locator(".attention-item[data-kind=question]", has_text="Northwind")
    expect(reply).to_have_count(1)
    expect(question).to_have_count(1)

    # Snooze the reply for two hours (the field is in the person's own time).
    later = dt.datetime.now(ZoneInfo(agency.am.timezone)) + dt.timedelta(hours=2)
    reply.locator("summary").click()
    reply.locator("input[name=until]").fill(later.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        reply.get_by_role("button", name="Snooze").click()
    expect(
        page.locator(".attention-item[data-kind=first_response]", has_text="Northwind")
    ).to_have_count(0)

    # An empty reason is refused with a message, and the item stays.
    question.locator("summary").click()
    question.locator("input[name=reason]").evaluate("el => el.removeAttribute('required')")
    with page.expect_navigation():
        question.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Say how it was done.")).to_be_visible()
    expect(question).to_have_count(1)

    question.locator("summary").click()
    question.locator("input[name=reason]").fill("Answered on the phone")
    with page.expect_navigation():
        question.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked done.")).to_be_visible()
    expect(page.locator(".attention-item[data-kind=question]", has_text="Northwind")).to_have_count(
        0
    )

    snoozed = Commitment.objects.get(client=agency.northwind, kind="first_response")
    assert snoozed.state == "open" and snoozed.visible_from > dt.datetime.now(dt.UTC)
    done = AuditLog.objects.get(action="commitment.done")
    assert done.reason == "Answered on the phone" and done.actor == agency.am


def test_today_leads_to_the_reply_and_the_reply_clears_the_item(agency: Agency, login_as):
    from agencydesk.commitments.models import Commitment
    from agencydesk.messaging.models import Message

    page = login_as(agency.am, next="/today/")
    item = page.locator(".attention-item", has_text="Northwind").filter(
        has_text="draft press release"
    )
    expect(item).to_have_count(1)
    expect(item).to_contain_text("one business day")
    with page.expect_navigation():
        item.get_by_role("link").last.click()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("[data-testid=delivery]")).to_be_visible()
    page.locator("#id_text").fill("Dear Charlotte, the draft will reach you on Thursday.")
    with page.expect_navigation():
        page.locator("#composer").get_by_role("button").last.click()
    expect(page.locator(".msg.out").last).to_contain_text("the draft will reach you on Thursday")
    assert Message.objects.filter(direction="out", client=agency.northwind).count() == 1
    assert (
        not Commitment.objects.filter(client=agency.northwind, state__in=["open", "breached"])
        .exclude(kind="keep_in_touch")
        .exists()
    )
    with page.expect_navigation():
        page.goto(page.url.split("/clients/")[0] + "/today/")
    expect(page.locator(".attention-item", has_text="draft press release")).to_have_count(0)
