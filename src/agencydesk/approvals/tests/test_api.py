"""The contracts of ``/api/v1/approvals`` and the spend gate's ``/launch`` (409)."""

from __future__ import annotations

import pytest

from agencydesk.approvals.models import ApprovalRequest

from .conftest import NOW

pytestmark = pytest.mark.django_db


def post(api, user, path, payload=None):
    return api(user).post(path, payload or {}, content_type="application/json")


def create(api, team, media_plan, approvers, **kw):
    return post(
        api,
        team["am"],
        "/api/v1/approvals",
        {
            "deliverable": media_plan.pk,
            "approvers": [c.pk for c in approvers],
            "material_url": "https://files.example/plan-v1.pdf",
            "note": "Апрель",
            **kw,
        },
    )


def test_create_get_decide_round_and_launch(frozen, api, team, media_plan, approvers):
    response = create(api, team, media_plan, approvers[:1])
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "round", "decision_due_at", "links"}
    assert data["round"] == 1 and data["decision_due_at"] == "2026-03-04T10:00:00+03:00"
    assert [link["contact"] for link in data["links"]] == [approvers[0].pk]
    assert "/approve/" in data["links"][0]["url"]
    pk = data["id"]

    launch = post(api, team["am"], f"/api/v1/deliverables/{media_plan.pk}/launch")
    assert launch.status_code == 409
    assert "approval" in launch.json()["detail"]

    decided = post(
        api,
        team["am"],
        f"/api/v1/approvals/{pk}/decisions",
        {
            "contact": approvers[0].pk,
            "decision": "changes_requested",
            "comment": "Меньше ТВ",
            "channel": "call",
            "taste_driven": True,
        },
    )
    assert decided.status_code == 201, decided.content
    body = api(team["am"]).get(f"/api/v1/approvals/{pk}").json()
    assert set(body) == {"id", "state", "round", "decision_due_at", "decisions"}
    assert body["state"] == "changes_requested"
    assert body["decisions"] == [
        {
            "contact": approvers[0].pk,
            "decision": "changes_requested",
            "comment": "Меньше ТВ",
            "at": "2026-03-02T10:00:00+03:00",
            "channel": "call",
        }
    ]
    again = post(
        api,
        team["am"],
        f"/api/v1/approvals/{pk}/decisions",
        {"contact": approvers[0].pk, "decision": "approved", "channel": "call"},
    )
    assert again.status_code == 409

    second = post(
        api,
        team["am"],
        f"/api/v1/approvals/{pk}/rounds",
        {"material_url": "https://files.example/plan-v2.pdf"},
    )
    assert second.status_code == 201 and second.json()["round"] == 2
    post(
        api,
        team["am"],
        f"/api/v1/approvals/{pk}/decisions",
        {"contact": approvers[0].pk, "decision": "approved", "channel": "message"},
    )
    launched = post(api, team["am"], f"/api/v1/deliverables/{media_plan.pk}/launch")
    assert launched.status_code == 200, launched.content
    assert launched.json()["launched_at"] == "2026-03-02T10:00:00+03:00"
    assert NOW


def test_bad_input_is_422_and_others_are_refused(frozen, api, team, media_plan, approvers, acme):
    informed = acme.contacts.get(decision_power="informs")
    assert create(api, team, media_plan, [informed]).status_code == 422
    assert (
        create(api, team, media_plan, approvers, material_url="javascript:alert(1)").status_code
        == 422
    )
    assert create(api, team, media_plan, [], material_url="").status_code == 422
    assert create(api, team, media_plan, approvers, material_url="").status_code == 422
    outsider = post(
        api,
        team["outsider"],
        "/api/v1/approvals",
        {
            "deliverable": media_plan.pk,
            "approvers": [approvers[0].pk],
            "material_url": "https://files.example/p.pdf",
        },
    )
    assert outsider.status_code == 403
    assert not ApprovalRequest.objects.exists()
    assert api(team["am"]).get("/api/v1/approvals/999999").status_code == 404


def test_a_decision_from_a_message_links_it_and_a_resolution_settles_a_disagreement(
    frozen, api, team, acme, media_plan, approvers
):
    from agencydesk.clients.tests.factories import ClientFactory
    from agencydesk.messaging.services import message_record

    pk = create(api, team, media_plan, approvers).json()["id"]
    said = message_record(
        client=acme, channel="telegram", direction="in", sent_at=NOW, text="Согласовано!", at=NOW
    ).message
    other = message_record(
        client=ClientFactory(), channel="telegram", direction="in", sent_at=NOW, text="Да", at=NOW
    ).message
    url = f"/api/v1/approvals/{pk}/decisions"
    foreign = post(
        api,
        team["am"],
        url,
        {
            "contact": approvers[0].pk,
            "decision": "approved",
            "channel": "message",
            "message": other.pk,
        },
    )
    assert foreign.status_code == 422
    first = post(
        api,
        team["am"],
        url,
        {
            "contact": approvers[0].pk,
            "decision": "approved",
            "channel": "message",
            "message": said.pk,
        },
    )
    assert first.status_code == 201
    from agencydesk.approvals.models import Decision

    assert Decision.objects.get().message == said
    post(
        api,
        team["am"],
        url,
        {
            "contact": approvers[1].pk,
            "decision": "rejected",
            "comment": "Дорого",
            "channel": "call",
        },
    )
    assert ApprovalRequest.objects.get(pk=pk).disagreement
    settled = post(
        api,
        team["am"],
        url,
        {"contact": approvers[1].pk, "decision": "approved", "channel": "call", "resolution": True},
    )
    assert settled.status_code == 201 and settled.json()["state"] == "approved"
    assert not ApprovalRequest.objects.get(pk=pk).disagreement
