"""Every change of the client register leaves an audit row with its real before and after.

Through the web form and through the API alike: the services get the stored
row and typed values, never an instance a form has already changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django import forms
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.calendars.forms import CALENDAR_FORM_FIELDS
from agencydesk.calendars.selectors import client_calendar
from agencydesk.clients import dossier
from agencydesk.clients.forms import ClientForm, ContactForm, ContractForm
from agencydesk.clients.models import Contract, Service
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
from agencydesk.core.forms import initial_of
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    """A Wednesday morning: every audit row of a test carries the same moment."""
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC), tick=False):
        yield


def _as_posted(form: forms.Form) -> dict[str, Any]:
    """What the browser posts back for an unbound form left as it was shown."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = getattr(value, "pk", value)
    return data


def _rows(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action).order_by("pk"))


def _contact_post(contact, **changes) -> dict[str, Any]:
    return {
        **_as_posted(ContactForm(initial=initial_of(contact, list(ContactForm.base_fields)))),
        **changes,
    }


def _client_post(client, **changes) -> dict[str, Any]:
    return {**_as_posted(ClientForm(client=client, calendar=client_calendar(client))), **changes}


# Contacts -------------------------------------------------------------------


def test_a_contact_renamed_through_the_web_form_records_the_old_and_the_new_name(client, am):
    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned, name="Ivan", position="CMO")
    client.force_login(am)
    response = client.post(
        reverse("clients:child_edit", args=[owned.pk, "contacts", contact.pk]),
        _contact_post(contact, name="Ivan Petrov"),
    )
    assert response.status_code == 302
    (entry,) = _rows("contact.update")
    assert entry.changes == {"name": ["Ivan", "Ivan Petrov"]}
    assert entry.client_id == owned.pk and entry.actor == am


def test_a_contact_renamed_through_the_api_records_the_old_and_the_new_name(api, am):
    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned, name="Ivan", position="CMO")
    response = api(am).patch(
        f"/api/v1/contacts/{contact.pk}", {"name": "Ivan Petrov"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ivan Petrov"
    (entry,) = _rows("contact.update")
    assert entry.changes == {"name": ["Ivan", "Ivan Petrov"]}


def test_a_contact_form_saved_unchanged_writes_no_empty_audit_row(client, am):
    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned, name="Ivan")
    client.force_login(am)
    response = client.post(
        reverse("clients:child_edit", args=[owned.pk, "contacts", contact.pk]),
        _contact_post(contact),
    )
    assert response.status_code == 302
    assert _rows("contact.update") == []


def test_a_refused_contact_edit_changes_nothing_and_audits_nothing(client, api, am):
    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned, name="Ivan", email="ivan@client.example")
    client.force_login(am)
    response = client.post(
        reverse("clients:child_edit", args=[owned.pk, "contacts", contact.pk]),
        _contact_post(contact, name="Ivan Petrov", email="not an address"),
    )
    assert response.status_code == 200
    response = api(am).patch(
        f"/api/v1/contacts/{contact.pk}", {"email": "still wrong"}, content_type="application/json"
    )
    assert response.status_code == 422
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Ivan", "ivan@client.example")
    assert _rows("contact.update") == []


def test_the_service_takes_its_before_from_the_stored_row_not_the_callers_copy(am, now):
    contact = ContactFactory(name="Ivan")
    contact.name = "Changed in memory by someone else"
    saved = dossier.contact_update(contact=contact, by=am, at=now, name="Ivan Petrov")
    assert saved.name == "Ivan Petrov"
    (entry,) = _rows("contact.update")
    assert entry.changes == {"name": ["Ivan", "Ivan Petrov"]}


def test_a_new_contact_from_the_web_form_is_audited_with_what_it_holds(client, am):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    response = client.post(
        reverse("clients:child_create", args=[owned.pk, "contacts"]),
        {"name": "Maria", "decision_power": "approves", "email": "maria@client.example"},
    )
    assert response.status_code == 302
    (entry,) = _rows("contact.create")
    assert entry.changes["name"] == "Maria" and entry.changes["decision_power"] == "approves"
    assert entry.client_id == owned.pk


# Clients --------------------------------------------------------------------


def test_a_client_field_changed_through_the_web_form_records_old_and_new(client, am):
    owned = ClientFactory(account_manager=am, industry="Retail")
    client.force_login(am)
    response = client.post(
        reverse("clients:edit", args=[owned.pk]), _client_post(owned, industry="Fintech")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = _rows("client.update")
    assert entry.changes == {"industry": ["Retail", "Fintech"]}


def test_a_client_field_changed_through_the_api_records_old_and_new(api, am):
    owned = ClientFactory(account_manager=am, industry="Retail")
    response = api(am).patch(
        f"/api/v1/clients/{owned.pk}", {"industry": "Fintech"}, content_type="application/json"
    )
    assert response.status_code == 200
    (entry,) = _rows("client.update")
    assert entry.changes == {"industry": ["Retail", "Fintech"]}


def test_a_team_member_added_in_the_web_form_is_in_the_audit_row(client, am):
    owned = ClientFactory(account_manager=am)
    colleague = UserFactory(role="specialist")
    client.force_login(am)
    response = client.post(
        reverse("clients:edit", args=[owned.pk]), _client_post(owned, team=[colleague.pk])
    )
    assert response.status_code == 302
    (entry,) = _rows("client.update")
    assert entry.changes == {"team": [[], [colleague.pk]]}


def test_a_time_zone_changed_in_the_client_form_shows_in_the_clients_history(client, am):
    owned = ClientFactory(account_manager=am)
    before = client_calendar(owned).timezone
    assert before != "Asia/Almaty"
    client.force_login(am)
    response = client.post(
        reverse("clients:edit", args=[owned.pk]), _client_post(owned, timezone="Asia/Almaty")
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    (entry,) = _rows("client.update")
    assert entry.changes["timezone"] == [before, "Asia/Almaty"]
    assert entry.changes["calendar"] == [None, owned.calendar_id]
    # The calendar's own row is in the client's history too.
    assert AuditLog.objects.filter(client_id=owned.pk, action="calendar.create").exists()


def test_business_time_edited_on_its_page_is_in_the_clients_history(client, am, now):
    owned = ClientFactory(account_manager=am)
    dossier_calendar = client_calendar(owned)
    client.force_login(am)
    data = {
        **{name: getattr(dossier_calendar, name) for name in CALENDAR_FORM_FIELDS},
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
    }
    client.post(reverse("calendars:client_edit", args=[owned.pk]), data)  # its own copy first
    AuditLog.objects.all().delete()
    owned.refresh_from_db()
    old_hours = owned.calendar.hours
    response = client.post(
        reverse("calendars:client_edit", args=[owned.pk]),
        {**data, "hours": "mon-fri 10:00-19:00"},
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="calendar.update")
    assert entry.client_id == owned.pk
    assert entry.changes == {"hours": [old_hours, "mon-fri 10:00-19:00"]}


def test_a_refused_client_edit_leaves_no_audit_row(client, api, am):
    owned = ClientFactory(account_manager=am, industry="Retail")
    client.force_login(am)
    response = client.post(
        reverse("clients:edit", args=[owned.pk]),
        _client_post(owned, industry="Fintech", working_hours="whenever"),
    )
    assert response.status_code == 200
    response = api(am).patch(
        f"/api/v1/clients/{owned.pk}",
        {"industry": "Fintech", "working_hours": "whenever"},
        content_type="application/json",
    )
    assert response.status_code == 422
    owned.refresh_from_db()
    assert owned.industry == "Retail"
    assert _rows("client.update") == []


# Contracts ------------------------------------------------------------------


def test_a_contract_line_edited_through_the_web_form_records_old_and_new_lines(
    client, director, now
):
    owned = ClientFactory()
    pr = Service.objects.get(code="pr")
    contract = dossier.contract_create(
        client=owned,
        by=director,
        at=now,
        starts_on=dt.date(2026, 1, 1),
        monthly_fee=Decimal("150000"),
        services=[dossier.ServiceLine(pr, Decimal("8"), "publications")],
    )
    AuditLog.objects.all().delete()
    form = ContractForm(initial=initial_of(contract, list(ContractForm.base_fields)))
    data = {
        **_as_posted(form),
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "1",
        "services-0-service": pr.pk,
        "services-0-monthly_volume": "10",
        "services-0-unit": "publications",
    }
    client.force_login(director)
    response = client.post(reverse("clients:contract_edit", args=[owned.pk, contract.pk]), data)
    assert response.status_code == 302
    (lines,) = _rows("contract.services")
    before, after = (
        [(code, Decimal(volume), unit) for code, volume, unit in side]
        for side in lines.changes["services"]
    )
    assert (before, after) == ([("pr", 8, "publications")], [("pr", 10, "publications")])
    assert _rows("contract.update") == []  # the terms did not change
    assert Contract.objects.get().services.get().monthly_volume == 10
