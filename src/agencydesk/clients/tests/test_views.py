"""Client register pages: permissions, validation, nothing lost, constant query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.models import Client, Contact, Contract, KeyEvent, Service
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory, KeyEventFactory

pytestmark = pytest.mark.django_db


def _client_form(**overrides):
    data = {
        "name": "Acme",
        "industry": "Retail",
        "status": "active",
        "language": "ru",
        "timezone": "Europe/Moscow",
        "working_hours": "mon-fri 09:00-18:00",
        "holidays_country": "RU",
        "preferred_channel": "telegram",
        "address_form": "formal",
        "calls_need_arrangement": "on",
        "first_response_minutes": 10,
        "ack_delay_minutes": 5,
        "keep_in_touch_days": 7,
        "follow_up_hours": 16,
    }
    data.update(overrides)
    return data


def test_pages_need_login(client):
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_list_searches_and_filters(client, director, am):
    ClientFactory(name="Northgate Property", account_manager=am)
    ClientFactory(name="Brightline Foods", status="paused")
    client.force_login(director)
    page = client.get(reverse("clients:list"), {"q": "north"}).content.decode()
    assert "Northgate Property" in page and "Brightline Foods" not in page
    page = client.get(reverse("clients:list"), {"status": "paused"}).content.decode()
    assert "Brightline Foods" in page and "Northgate Property" not in page
    page = client.get(reverse("clients:list"), {"am": am.pk}).content.decode()
    assert "Northgate Property" in page and "Brightline Foods" not in page


def test_list_htmx_request_returns_only_the_table(client, director):
    ClientFactory(name="Acme")
    client.force_login(director)
    response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Acme" in body and "<html" not in body


def test_list_paginates(client, director):
    for i in range(30):
        ClientFactory(name=f"Client {i:02d}")
    client.force_login(director)
    first = client.get(reverse("clients:list")).content.decode()
    second = client.get(reverse("clients:list"), {"page": 2}).content.decode()
    assert "Client 00" in first and "Client 29" not in first
    assert "Client 29" in second


def test_list_query_count_is_constant(client, director, django_assert_max_num_queries):
    client.force_login(director)
    for _ in range(25):
        ContactFactory(client=ClientFactory())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("clients:list"))
    assert response.status_code == 200


def test_detail_query_count_is_constant(client, director, django_assert_max_num_queries):
    c = ClientFactory()
    for _ in range(5):
        ContactFactory(client=c)
        KeyEventFactory(client=c)
    client.force_login(director)
    client.get(reverse("clients:detail", args=[c.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("clients:detail", args=[c.pk]))
    assert response.status_code == 200


def test_create_client_with_its_own_calendar(client, am):
    client.force_login(am)
    response = client.post(
        reverse("clients:create"),
        _client_form(timezone="Europe/Sofia", holidays_country="bg", account_manager=am.pk),
    )
    assert response.status_code == 302
    created = Client.objects.get(name="Acme")
    assert created.calendar.timezone == "Europe/Sofia"
    assert created.calendar.country == "BG"
    assert created.account_manager == am


def test_invalid_hours_show_an_error_and_keep_what_was_typed(client, director):
    existing = ClientFactory(name="Acme", industry="Retail")
    client.force_login(director)
    response = client.post(
        reverse("clients:edit", args=[existing.pk]),
        _client_form(name="Acme Renamed", working_hours="mon-fri 18:00-09:00"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme Renamed" in page  # what the user typed is kept
    assert "working hours cannot be used" in page
    existing.refresh_from_db()
    assert existing.name == "Acme"
    assert existing.calendar is None


def test_unknown_holiday_country_is_an_error(client, director):
    existing = ClientFactory()
    client.force_login(director)
    response = client.post(
        reverse("clients:edit", args=[existing.pk]), _client_form(holidays_country="QQ")
    )
    assert response.status_code == 200
    assert "holidays_country" in response.context["form"].errors


def test_specialist_cannot_open_edit_or_create(client, specialist):
    existing = ClientFactory()
    client.force_login(specialist)
    assert client.get(reverse("clients:edit", args=[existing.pk])).status_code == 403
    assert client.post(reverse("clients:create"), _client_form()).status_code == 403
    assert not Client.objects.filter(name="Acme").exists()


def test_confidential_client_is_hidden(client, specialist, am):
    secret = ClientFactory(name="Secret Co", confidential=True, account_manager=am)
    client.force_login(specialist)
    assert "Secret Co" not in client.get(reverse("clients:list")).content.decode()
    assert client.get(reverse("clients:detail", args=[secret.pk])).status_code == 404
    member = UserFactory(role="specialist")
    secret.team.add(member)
    client.force_login(member)
    assert client.get(reverse("clients:detail", args=[secret.pk])).status_code == 200


def test_contact_add_edit_delete(client, am):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    url = reverse("clients:child_create", args=[owned.pk, "contacts"])
    bad = client.post(url, {"name": "", "decision_power": "decides", "email": "nope"})
    assert bad.status_code == 200 and Contact.objects.count() == 0
    client.post(url, {"name": "Ivan", "decision_power": "decides", "email": "ivan@c.example"})
    contact = Contact.objects.get()
    client.post(
        reverse("clients:child_edit", args=[owned.pk, "contacts", contact.pk]),
        {"name": "Ivan P.", "decision_power": "approves"},
    )
    contact.refresh_from_db()
    assert (contact.name, contact.decision_power) == ("Ivan P.", "approves")
    client.post(reverse("clients:child_delete", args=[owned.pk, "contacts", contact.pk]))
    assert Contact.objects.count() == 0


def test_a_contact_renamed_in_the_interface_is_audited_with_its_real_before(client, am):
    from agencydesk.core.models import AuditLog

    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned, name="Ivan", position="CMO", decision_power="decides")
    client.force_login(am)
    client.post(
        reverse("clients:child_edit", args=[owned.pk, "contacts", contact.pk]),
        {"name": "Ivan Petrov", "position": "CMO", "decision_power": "approves"},
    )
    entry = AuditLog.objects.get(action="contact.update")
    assert entry.changes["name"] == ["Ivan", "Ivan Petrov"]
    assert entry.changes["decision_power"] == ["decides", "approves"]
    assert "position" not in entry.changes  # unchanged, so not in the diff


def test_child_of_another_client_is_404(client, director):
    a, b = ClientFactory(), ClientFactory()
    contact = ContactFactory(client=b)
    client.force_login(director)
    url = reverse("clients:child_edit", args=[a.pk, "contacts", contact.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("clients:child_create", args=[a.pk, "bogus"])).status_code == 404


def test_key_event_needs_a_date(client, director):
    c = ClientFactory()
    client.force_login(director)
    url = reverse("clients:child_create", args=[c.pk, "key-events"])
    response = client.post(url, {"title": "Launch", "kind": "launch", "prep_lead_days": 5})
    assert "date" in response.context["form"].errors
    client.post(
        url, {"title": "Launch", "kind": "launch", "date": "2026-12-01", "prep_lead_days": 5}
    )
    assert KeyEvent.objects.get(client=c).title == "Launch"


def test_contract_with_services(client, director):
    c = ClientFactory()
    pr, smm = Service.objects.get(code="pr"), Service.objects.get(code="smm")
    client.force_login(director)
    data = {
        "number": "RU-1",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "revision_rounds": 2,
        "approval_turnaround_days": 2,
        "payment_terms": "prepaid",
        "payment_days": 5,
        "monthly_fee": "150000",
        "currency": "RUB",
        "services-TOTAL_FORMS": 3,
        "services-INITIAL_FORMS": 0,
        "services-0-service": pr.pk,
        "services-0-monthly_volume": "8",
        "services-0-unit": "",
        "services-1-service": smm.pk,
        "services-1-monthly_volume": "",
        "services-1-unit": "posts",
        "services-2-service": "",
        "services-2-monthly_volume": "",
        "services-2-unit": "",
    }
    response = client.post(reverse("clients:contract_create", args=[c.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    contract = Contract.objects.get(client=c)
    lines = {line.service.code: line for line in contract.services.all()}
    assert lines["pr"].unit == "publications" and lines["pr"].monthly_volume == 8
    assert lines["smm"].monthly_volume is None

    # Changing the fee and a service line: both are in the audit log with their before.
    from agencydesk.core.models import AuditLog

    edit = {**data, "monthly_fee": "180000", "services-0-monthly_volume": "10"}
    edit.update({"services-1-service": "", "services-1-unit": ""})
    response = client.post(reverse("clients:contract_edit", args=[c.pk, contract.pk]), edit)
    assert response.status_code == 302
    update = AuditLog.objects.get(action="contract.update")
    assert [Decimal(v) for v in update.changes["monthly_fee"]] == [150000, 180000]
    entry = AuditLog.objects.filter(action="contract.services").order_by("pk").last()
    before, after = (
        {code: (Decimal(volume) if volume else None, unit) for code, volume, unit in lines}
        for lines in entry.changes["services"]
    )
    assert before == {"pr": (8, "publications"), "smm": (None, "posts")}
    assert after == {"pr": (10, "publications")}
    # A line with a volume but no service is an error on the line, not a crash.
    half = {**edit, "services-1-monthly_volume": "3"}
    response = client.post(reverse("clients:contract_edit", args=[c.pk, contract.pk]), half)
    assert response.status_code == 200
    assert "Choose the service of this line" in response.content.decode()


def test_contract_cannot_end_before_it_starts_or_list_a_service_twice(client, director):
    c = ClientFactory()
    pr = Service.objects.get(code="pr")
    client.force_login(director)
    base = {
        "starts_on": "2026-06-01",
        "revision_rounds": 2,
        "approval_turnaround_days": 2,
        "payment_terms": "prepaid",
        "payment_days": 5,
        "monthly_fee": "1",
        "currency": "RUB",
        "services-TOTAL_FORMS": 2,
        "services-INITIAL_FORMS": 0,
        "services-0-service": pr.pk,
        "services-1-service": pr.pk,
    }
    response = client.post(
        reverse("clients:contract_create", args=[c.pk]), {**base, "ends_on": "2026-01-01"}
    )
    assert response.status_code == 200
    assert not Contract.objects.exists()


def test_delete_client_is_for_directors_only(client, am, director):
    c = ClientFactory(account_manager=am)
    client.force_login(am)
    assert client.post(reverse("clients:delete", args=[c.pk])).status_code == 403
    client.force_login(director)
    assert client.post(reverse("clients:delete", args=[c.pk])).status_code == 302
    assert not Client.objects.filter(pk=c.pk).exists()


def test_language_switch_is_remembered_on_the_user(client, director):
    client.force_login(director)
    response = client.post(reverse("accounts:language"), {"language": "ru", "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    director.refresh_from_db()
    assert director.language == "ru"
    page = client.get(reverse("clients:list"))
    assert page.context["LANGUAGE_CODE"] == "ru"


def test_language_switch_does_not_redirect_off_site(client, director):
    client.force_login(director)
    response = client.post(
        reverse("accounts:language"), {"language": "bg", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.fixture
def _language_restored():
    """A Russian reader's request leaves Russian active in the thread: the next test gets it back."""
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("_language_restored")
def test_a_russian_reader_sees_and_types_decimals_with_a_comma_in_form_and_page(client, director):
    """ "6,0" in the contract form as on the client's page, and "6,5" typed is 6.5 saved."""
    director.language = "ru"
    director.save(update_fields=["language"])
    c = ClientFactory()
    pr = Service.objects.get(code="pr")
    contract = Contract.objects.create(client=c, starts_on="2026-01-01", monthly_fee="1500.50")
    contract.services.create(service=pr, monthly_volume=Decimal("6.0"), unit="publications")
    client.force_login(director)
    page = client.get(reverse("clients:contract_edit", args=[c.pk, contract.pk])).content.decode()
    assert 'value="6,0"' in page and 'value="1500,50"' in page
    assert "6,0" in client.get(reverse("clients:detail", args=[c.pk])).content.decode()
    data = {
        "starts_on": "2026-01-01",
        "revision_rounds": 2,
        "approval_turnaround_days": 2,
        "payment_terms": "postpaid",
        "payment_days": 10,
        "monthly_fee": "1600,25",
        "currency": "RUB",
        "services-TOTAL_FORMS": 1,
        "services-INITIAL_FORMS": 1,
        "services-0-service": pr.pk,
        "services-0-monthly_volume": "6,5",
        "services-0-unit": "publications",
    }
    response = client.post(reverse("clients:contract_edit", args=[c.pk, contract.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    contract.refresh_from_db()
    assert contract.monthly_fee == Decimal("1600.25")
    assert contract.services.get().monthly_volume == Decimal("6.5")
    # Not a number in any language: an error beside the field, nothing saved.
    response = client.post(
        reverse("clients:contract_edit", args=[c.pk, contract.pk]),
        {**data, "services-0-monthly_volume": "шесть"},
    )
    assert response.status_code == 200
    assert contract.services.get().monthly_volume == Decimal("6.5")
