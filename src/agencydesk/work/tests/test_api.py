"""The contracts of ``/api/v1/deliverables``: shapes, offsets, 422 naming due_at, 409, visibility."""

from __future__ import annotations

import pytest
import time_machine

from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.messaging.models import Message
from agencydesk.work.models import Deliverable

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 2, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def body(acme, **kw):
    return {
        "client": acme.pk,
        "title": "Press release: launch",
        "type": "press_release",
        "owner": "anna",
        "reviewer": "petr",
        "due_at": "2026-03-03T16:30:00+03:00",
        "priority": "urgent",
        "priority_reason": "launch on Wednesday",
        **kw,
    }


def post(api, user, payload):
    return api(user).post("/api/v1/deliverables", payload, content_type="application/json")


def test_create_returns_the_contract_with_the_clients_offset_and_warning(api, team, acme):
    response = post(api, team["am"], body(acme, due_at="2026-03-03T13:30:00Z"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["client"] == acme.pk and data["status"] == "planned"
    assert data["due_at"] == "2026-03-03T16:30:00+03:00"
    assert data["review_due_at"] == "2026-03-03T14:30:00+03:00"
    assert [w["code"] for w in data["warnings"]] == ["late_in_day"]
    assert data["warnings"][0]["message"]


def test_due_outside_working_hours_is_422_naming_due_at(api, team, acme):
    response = post(api, team["am"], body(acme, due_at="2026-03-03T19:00:00+03:00"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "due_at"]
    assert "2026-03-03T18:00+03:00" in detail[0]["msg"]
    assert "2026-03-04T09:00+03:00" in detail[0]["msg"]
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_at": "2026-03-03T12:00:00"}, "due_at"),
        ({"type": "sonnet"}, "type"),
        ({"owner": "nobody"}, "owner"),
        ({"priority": "whenever"}, "priority"),
        ({"title": "x" * 201}, "title"),
        ({"links": ["javascript:alert(1)"]}, "links"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, team, acme, change, field):
    response = post(api, team["am"], body(acme, **change))
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def test_review_deliver_and_the_409_without_a_passed_review(api, team, acme):
    pk = post(api, team["am"], body(acme)).json()["id"]
    base = f"/api/v1/deliverables/{pk}"
    refused = api(team["writer"]).post(f"{base}/deliver", {}, content_type="application/json")
    assert refused.status_code == 409
    assert "review" in refused.json()["detail"]
    assert api(team["writer"]).post(f"{base}/submit").status_code == 200
    checklist = {
        "Key messages present": True,
        "Facts and quotes checked": True,
        "Spelling and the client's terms": True,
    }
    reviewed = api(team["editor"]).post(
        f"{base}/review",
        {"passed": True, "comment": "ok", "checklist": checklist},
        content_type="application/json",
    )
    assert reviewed.status_code == 201, reviewed.content
    assert reviewed.json()["status"] == "ready"
    assert reviewed.json()["reviews"][0]["checklist"] == checklist
    delivered = api(team["writer"]).post(f"{base}/deliver")
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["delivered_at"] == "2026-03-02T10:00:00+03:00"


def test_delay_notice_returns_the_outbound_message_and_due_history(api, team, acme):
    pk = post(api, team["am"], body(acme)).json()["id"]
    response = api(team["am"]).post(
        f"/api/v1/deliverables/{pk}/delay-notice",
        {"new_due_at": "2026-03-04T12:00:00+03:00", "reason": "ждём цифры"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.direction == "out" and "ждём цифры" in message.text
    detail = api(team["am"]).get(f"/api/v1/deliverables/{pk}").json()
    assert detail["due_at"] == "2026-03-04T12:00:00+03:00"
    assert detail["original_due_at"] == "2026-03-03T16:30:00+03:00"
    assert [(h["due_at"], h["reason"]) for h in detail["due_history"]] == [
        ("2026-03-03T16:30:00+03:00", ""),
        ("2026-03-04T12:00:00+03:00", "ждём цифры"),
    ]
    assert detail["due_history"][1]["set_at"] == "2026-03-02T10:00:00+03:00"


def test_delay_notice_needs_the_right_to_write_to_the_client(api, team, acme):
    pk = post(api, team["am"], body(acme)).json()["id"]
    response = api(team["writer"]).post(
        f"/api/v1/deliverables/{pk}/delay-notice",
        {"new_due_at": "2026-03-04T12:00:00+03:00", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_patch_moves_the_due_moment_into_the_slip_log(api, team, acme):
    pk = post(api, team["am"], body(acme)).json()["id"]
    response = api(team["am"]).patch(
        f"/api/v1/deliverables/{pk}",
        {
            "due_at": "2026-03-05T11:00:00+03:00",
            "due_reason": "agreed by phone",
            "priority": "normal",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["priority"] == "normal"
    assert [h["kind"] for h in data["due_history"]] == ["set", "moved"]


def test_list_is_paginated_filtered_and_hides_confidential_clients(
    api, team, acme, django_assert_num_queries
):
    for n in range(3):
        post(api, team["am"], body(acme, title=f"Post {n}", type="post"))
    secret = ClientFactory(name="Secret", confidential=True, account_manager=team["backup"])
    hidden = post(api, team["backup"], body(secret, owner="ivan", reviewer="boss")).json()["id"]
    client = api(team["am"])
    with django_assert_num_queries(4):  # token, count, page, default calendar
        response = client.get(f"/api/v1/deliverables?client={acme.pk}&status=planned&limit=2")
    data = response.json()
    assert data["count"] == 3 and len(data["items"]) == 2
    everything = client.get("/api/v1/deliverables").json()
    assert hidden not in [d["id"] for d in everything["items"]]
    assert client.get(f"/api/v1/deliverables/{hidden}").status_code == 404
    assert client.get("/api/v1/deliverables/999999").status_code == 404
