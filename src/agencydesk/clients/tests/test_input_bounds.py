"""Bounded input in the client register: note lengths in forms and API, safe working-file links."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencydesk.clients.models import Client, Contact, KeyEvent, WorkingFileLink
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
from agencydesk.core.validators import NOTES_MAX_LENGTH

from .test_views import _client_form

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(document.cookie)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:ivan@acme.example",  # a document is a page, not an address
    "ftp://files.example/brief.pdf",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", UNSAFE)
def test_the_working_file_form_refuses_links_that_are_not_web_pages(client, am, url):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    response = client.post(
        reverse("clients:child_create", args=[owned.pk, "working-file"]),
        {"title": "Brief", "kind": "other", "url": url, "position": 0},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["url"]
    if url.startswith("ftp"):
        assert errors == ["Only links starting with http:, https: are accepted."]
    assert not WorkingFileLink.objects.exists()


def test_the_working_file_form_keeps_https_links(client, am):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    response = client.post(
        reverse("clients:child_create", args=[owned.pk, "working-file"]),
        {"title": "Brief", "kind": "other", "url": "docs.example/brief", "position": 0},
    )
    assert response.status_code == 302
    assert WorkingFileLink.objects.get().url == "https://docs.example/brief"


def test_the_model_refuses_an_unsafe_working_file_link_for_every_writer(am):
    link = WorkingFileLink(client=ClientFactory(account_manager=am), title="x", url=UNSAFE[0])
    with pytest.raises(ValidationError) as exc:
        link.full_clean()
    assert "url" in exc.value.message_dict


def test_a_stored_javascript_working_file_link_is_shown_as_text(client, am):
    owned = ClientFactory(account_manager=am)
    WorkingFileLink.objects.bulk_create(
        [
            WorkingFileLink(client=owned, title="Evil", url="javascript:alert(1)", position=0),
            WorkingFileLink(client=owned, title="Brief", url="https://docs.example/b", position=1),
        ]
    )
    client.force_login(am)
    page = client.get(owned.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in page
    assert "Evil (javascript:alert(1))" in page
    assert 'href="https://docs.example/b"' in page


def test_client_notes_over_the_limit_are_an_error_on_the_field(client, am):
    client.force_login(am)
    response = client.post(
        reverse("clients:create"),
        _client_form(business_summary="a" * (NOTES_MAX_LENGTH + 1), goals="b" * 20_000),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert str(NOTES_MAX_LENGTH) in errors["business_summary"][0].replace(",", "")
    assert "goals" in errors
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "model"),
    [
        ("contacts", {"name": "Ivan", "decision_power": "decides"}, Contact),
        ("key-events", {"title": "Launch", "kind": "launch", "date": "2026-05-01"}, KeyEvent),
    ],
)
def test_child_notes_over_the_limit_are_refused(client, am, kind, data, model):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    url = reverse("clients:child_create", args=[owned.pk, kind])
    response = client.post(url, {**data, "prep_lead_days": 14, "notes": "n" * 10_001})
    assert response.status_code == 200
    assert response.context["form"].errors["notes"]
    assert not model.objects.exists()
    assert 'maxlength="10000"' in client.get(url).content.decode()


def test_the_monitoring_topic_keywords_are_bounded(client, am):
    owned = ClientFactory(account_manager=am)
    client.force_login(am)
    response = client.post(
        reverse("clients:child_create", args=[owned.pk, "topics"]),
        {"topic": "Retail", "keywords": "k" * 401},
    )
    assert response.status_code == 200 and response.context["form"].errors["keywords"]


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("name", "N" * 100_000, "200"),
        ("business_summary", "s" * 10_001, "10000"),
        ("etiquette_notes", "s" * 10_001, "10000"),
    ],
)
def test_the_api_names_the_field_and_the_limit_of_an_overlong_client_text(
    api, am, field, value, limit
):
    body = {"name": "Acme", field: value}
    response = api(am).post("/api/v1/clients", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field] and limit in error["msg"]
    assert not Client.objects.exists()


def test_the_api_bounds_contact_notes_and_the_list_filters(api, am):
    owned = ClientFactory(account_manager=am)
    contact = ContactFactory(client=owned)
    http = api(am)
    response = http.patch(
        f"/api/v1/contacts/{contact.pk}",
        json.dumps({"notes": "n" * 10_001}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "notes"]
    search = http.get("/api/v1/clients", {"search": "s" * 201})
    assert search.status_code == 422
    assert search.json()["detail"][0]["loc"] == ["query", "search"]
