"""The client API: the contract outside tools rely on."""

from __future__ import annotations

import pytest

from agencydesk.clients.models import Client
from agencydesk.clients.tests.factories import ClientFactory, ContactFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_post_creates_a_client_and_get_returns_it(api, director, am):
    http = api(director)
    response = http.post(
        "/api/v1/clients",
        {"name": "Acme", "timezone": "Asia/Almaty", "language": "ru", "account_manager": "olga"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Acme"
    assert created["timezone"] == "Asia/Almaty"
    assert created["account_manager"] == "olga"
    assert created["own_calendar"] is True

    fetched = http.get(f"/api/v1/clients/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert AuditLog.objects.filter(action="client.create", object_id=str(created["id"])).exists()


def test_client_on_the_default_calendar_reports_its_time_zone(api, director):
    response = api(director).post(
        "/api/v1/clients", {"name": "Plain"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["own_calendar"] is False
    assert body["timezone"] == "Europe/Moscow"
    assert body["working_hours"] == "mon-fri 09:00-18:00"
    assert body["holidays_country"] == "RU"


def test_working_hours_and_holidays_country_give_an_own_calendar(api, director):
    response = api(director).post(
        "/api/v1/clients",
        {
            "name": "Kyiv Coffee",
            "timezone": "Europe/Kyiv",
            "working_hours": "mon-fri 10:00-19:00",
            "holidays_country": None,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["working_hours"], body["holidays_country"]) == ("mon-fri 10:00-19:00", None)
    client = Client.objects.get(pk=body["id"])
    assert client.calendar.country == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "X", "timezone": "Europe/Mosco"}, "timezone"),
        ({"name": "X", "language": "fr"}, "language"),
        ({"name": "X", "account_manager": "nobody"}, "account_manager"),
        ({"name": "X", "working_hours": "mon-fri 18:00-09:00"}, "working_hours"),
        ({"name": "X", "holidays_country": "XX"}, "holidays_country"),
        ({"name": "X" * 201}, "name"),
        ({"name": "X", "meeting_cadence_days": 0}, "meeting_cadence_days"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, director, payload, field):
    response = api(director).post("/api/v1/clients", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    fields = [error["loc"][-1] for error in response.json()["detail"]]
    assert field in fields
    assert Client.objects.count() == 0


def test_malformed_json_is_422(api, director):
    response = api(director).post("/api/v1/clients", "{name: ", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_unknown_time_zone_message_says_what_to_give(api, director):
    response = api(director).post(
        "/api/v1/clients",
        {"name": "X", "timezone": "Mars/Olympus"},
        content_type="application/json",
    )
    assert "IANA" in response.json()["detail"][0]["msg"]


def test_no_token_is_401(client):
    assert client.get("/api/v1/clients").status_code == 401
    response = client.post("/api/v1/clients", {"name": "X"}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_wrong_or_revoked_token_is_401(api, director, client, now):
    from agencydesk.accounts.models import ApiToken
    from agencydesk.accounts.services import api_token_create, api_token_revoke

    bad = client.get("/api/v1/clients", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    token, raw = api_token_create(user=director, at=now)
    api_token_revoke(token=ApiToken.objects.get(pk=token.pk), by=director, at=now)
    assert (
        client.get("/api/v1/clients", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    )


def test_specialist_cannot_create_or_edit_but_can_read(api, specialist):
    existing = ClientFactory()
    http = api(specialist)
    assert (
        http.post("/api/v1/clients", {"name": "X"}, content_type="application/json").status_code
        == 403
    )
    assert (
        http.patch(
            f"/api/v1/clients/{existing.pk}", {"name": "Y"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert http.get(f"/api/v1/clients/{existing.pk}").status_code == 200


def test_account_manager_edits_own_client_not_others(api, am):
    own = ClientFactory(account_manager=am)
    other = ClientFactory()
    http = api(am)
    ok = http.patch(
        f"/api/v1/clients/{own.pk}", {"status": "paused"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "paused"
    denied = http.patch(
        f"/api/v1/clients/{other.pk}", {"status": "paused"}, content_type="application/json"
    )
    assert denied.status_code == 403
    other.refresh_from_db()
    assert other.status == "active"


def test_confidential_client_is_404_for_outsiders(api, specialist, am):
    secret = ClientFactory(confidential=True, account_manager=am)
    assert api(specialist).get(f"/api/v1/clients/{secret.pk}").status_code == 404
    assert api(am).get(f"/api/v1/clients/{secret.pk}").status_code == 200
    listed = api(specialist).get("/api/v1/clients").json()
    assert secret.pk not in [c["id"] for c in listed["items"]]


def test_missing_client_is_404(api, director):
    assert api(director).get("/api/v1/clients/999999").status_code == 404


def test_patch_changes_only_given_fields_and_audits_the_diff(api, director):
    client = ClientFactory(industry="Retail")
    response = api(director).patch(
        f"/api/v1/clients/{client.pk}", {"name": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200
    client.refresh_from_db()
    assert (client.name, client.industry) == ("Renamed", "Retail")
    entry = AuditLog.objects.get(action="client.update")
    assert entry.changes["name"][1] == "Renamed"
    assert "industry" not in entry.changes


def test_patch_time_zone_moves_the_client_to_its_own_calendar(api, director):
    client = ClientFactory()
    response = api(director).patch(
        f"/api/v1/clients/{client.pk}",
        {"timezone": "Europe/Sofia"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Sofia"
    client.refresh_from_db()
    assert client.calendar is not None and client.calendar.timezone == "Europe/Sofia"


def test_list_filters_and_paginates(api, director, am):
    for i in range(7):
        ClientFactory(name=f"Alpha {i}", account_manager=am if i % 2 else None)
    ClientFactory(name="Beta", status="paused")
    http = api(director)
    page = http.get("/api/v1/clients?limit=3&offset=0").json()
    assert page["count"] == 8 and len(page["items"]) == 3
    assert http.get("/api/v1/clients?search=beta").json()["count"] == 1
    assert http.get("/api/v1/clients?status=paused").json()["count"] == 1
    assert http.get("/api/v1/clients?account_manager=olga").json()["count"] == 3
    assert http.get("/api/v1/clients?limit=0").status_code == 422


def test_list_query_count_does_not_grow_with_clients(api, director, django_assert_max_num_queries):
    http = api(director)
    http.get("/api/v1/clients")  # warm the token's last_used_at write
    for _ in range(30):
        ClientFactory()
    with django_assert_max_num_queries(6):
        response = http.get("/api/v1/clients?limit=100")
    assert len(response.json()["items"]) == 30


def test_delete_is_for_directors(api, director, am):
    client = ClientFactory(account_manager=am)
    assert api(am).delete(f"/api/v1/clients/{client.pk}").status_code == 403
    assert api(director).delete(f"/api/v1/clients/{client.pk}").status_code == 204
    assert not Client.objects.filter(pk=client.pk).exists()
    assert AuditLog.objects.filter(action="client.delete").exists()


def test_contacts_crud(api, am):
    client = ClientFactory(account_manager=am)
    http = api(am)
    created = http.post(
        f"/api/v1/clients/{client.pk}/contacts",
        {"name": "Ivan Petrov", "email": "ivan@client.example", "decision_power": "decides"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    assert http.get(f"/api/v1/clients/{client.pk}/contacts").json()["count"] == 1
    changed = http.patch(
        f"/api/v1/contacts/{contact_id}", {"position": "CMO"}, content_type="application/json"
    )
    assert changed.json()["position"] == "CMO"
    assert http.delete(f"/api/v1/contacts/{contact_id}").status_code == 204
    assert http.get(f"/api/v1/contacts/{contact_id}").status_code == 404


def test_contact_bad_email_is_422(api, am):
    client = ClientFactory(account_manager=am)
    response = api(am).post(
        f"/api/v1/clients/{client.pk}/contacts",
        {"name": "X", "email": "not-an-email"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "email"


def test_contact_of_another_am_client_cannot_be_changed(api, am):
    contact = ContactFactory()
    response = api(am).patch(
        f"/api/v1/contacts/{contact.pk}", {"name": "Hacked"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_export_contains_the_whole_client(api, director):
    contact = ContactFactory(name="Maria")
    body = api(director).get(f"/api/v1/clients/{contact.client_id}/export").json()
    assert body["format"] == "agencydesk.client/1"
    assert body["client"]["contacts"][0]["name"] == "Maria"
    assert body["client"]["calendar"]["timezone"] == "Europe/Moscow"


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/clients" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200
