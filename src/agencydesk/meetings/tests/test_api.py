"""The contracts of ``/api/v1/meetings``: shapes, both time zones, warnings, minutes once, visibility."""

from __future__ import annotations

import pytest
import time_machine

from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.messaging.models import OutboundMessage
from agencydesk.work.models import Deliverable

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 2, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def meeting_body(client, contacts, **kw):
    return {
        "client": client.pk,
        "title": "Статус по запуску",
        "starts_at": "2026-03-03T08:00:00Z",
        "duration_minutes": 60,
        "rrule": "FREQ=WEEKLY;INTERVAL=2;COUNT=10",
        "agenda": "Запуск; баннеры",
        "contacts": [c.pk for c in contacts],
        "people": ["anna"],
        **kw,
    }


def minutes_body(**kw):
    return {
        "held_at": "2026-03-03T11:00:00+03:00",
        "decisions": ["Запуск 10 марта"],
        "action_items": [
            {
                "what": "Пресс-релиз о запуске",
                "owner": "anna",
                "due_at": "2026-03-05T12:00:00+03:00",
                "becomes": "deliverable",
                "type": "press_release",
            },
            {"what": "Список СМИ", "owner": "petr", "due_at": "2026-03-05T12:00:00+03:00"},
        ],
        **kw,
    }


def test_create_answers_in_the_clients_and_your_time_zone(api, team, acme, contacts):
    team["am"].timezone = "Asia/Almaty"
    team["am"].save()
    response = api(team["am"]).post(
        "/api/v1/meetings", meeting_body(acme, contacts), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["starts_at"] == "2026-03-03T11:00:00+03:00"
    assert data["starts_at_yours"] == "2026-03-03T13:00:00+05:00"
    assert data["client_timezone"] == "Europe/Moscow"
    assert data["rrule"] == "FREQ=WEEKLY;INTERVAL=2;COUNT=10"
    assert data["contacts"] == [c.pk for c in contacts] and data["people"] == ["anna"]
    assert data["warnings"] == []
    assert data["next_occurrences"][:2] == [
        "2026-03-03T11:00:00+03:00",
        "2026-03-17T11:00:00+03:00",
    ]


def test_outside_the_window_is_created_with_a_warning(api, team, acme, contacts):
    response = api(team["am"]).post(
        "/api/v1/meetings",
        meeting_body(acme, contacts, starts_at="2026-03-03T16:30:00+03:00", rrule=""),
        content_type="application/json",
    )
    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert warning["code"] == "outside_meeting_window" and "10:00–16:00" in warning["message"]


def test_bad_input_is_422_naming_the_field(api, team, acme, contacts):
    other = ClientFactory(account_manager=team["am"])
    stranger = other.contacts.create(name="Чужой")
    cases = [
        ({"starts_at": "2026-03-03T11:00:00"}, "starts_at"),
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"contacts": [stranger.pk]}, "contacts"),
        ({"people": ["nobody"]}, "people"),
        ({"title": "x" * 201}, "title"),
    ]
    for change, field in cases:
        response = api(team["am"]).post(
            "/api/v1/meetings",
            {**meeting_body(acme, contacts), **change},
            content_type="application/json",
        )
        assert response.status_code == 422, (change, response.content)
        assert response.json()["detail"][0]["loc"][-1] == field, change


def _meeting(api, team, acme, contacts):
    response = api(team["am"]).post(
        "/api/v1/meetings", meeting_body(acme, contacts), content_type="application/json"
    )
    return response.json()["id"]


def test_minutes_twice_make_one_deliverable_and_one_task(api, team, acme, contacts):
    meeting = _meeting(api, team, acme, contacts)
    client = api(team["am"])
    with time_machine.travel(msk(2026, 3, 3, 13, 0), tick=False):
        first = client.post(
            f"/api/v1/meetings/{meeting}/minutes", minutes_body(), content_type="application/json"
        )
        second = client.post(
            f"/api/v1/meetings/{meeting}/minutes", minutes_body(), content_type="application/json"
        )
    assert first.status_code == 201, first.content
    assert first.json()["id"] == second.json()["id"]
    items = {i["text"]: i for i in second.json()["action_items"]}
    deliverable = Deliverable.objects.get()
    assert items["Пресс-релиз о запуске"]["deliverable"] == deliverable.pk
    assert items["Список СМИ"]["becomes"] == "task" and items["Список СМИ"]["task_opened"]
    assert second.json()["state"] == "draft" and second.json()["version"] == 1
    detail = client.get(f"/api/v1/meetings/{meeting}").json()
    assert [m["id"] for m in detail["minutes"]] == [first.json()["id"]]
    assert detail["minutes"][0]["decisions"][0]["text"] == "Запуск 10 марта"


def test_minutes_sent_return_one_link_per_participant(api, team, acme, contacts):
    meeting = _meeting(api, team, acme, contacts)
    with time_machine.travel(msk(2026, 3, 3, 13, 0), tick=False):
        response = api(team["am"]).post(
            f"/api/v1/meetings/{meeting}/minutes",
            minutes_body(send=True),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "sent"
    # Two business days of the client's calendar: Thursday 5 March 13:00.
    assert data["confirm_due_at"] == "2026-03-05T13:00:00+03:00"
    assert sorted(link["contact"] for link in data["links"]) == sorted(c.pk for c in contacts)
    assert all(link["url"].startswith("http://testserver/minutes/") for link in data["links"])
    assert OutboundMessage.objects.filter(client=acme).count() == 2


def test_minutes_bad_input_is_422(api, team, acme, contacts):
    meeting = _meeting(api, team, acme, contacts)
    with time_machine.travel(msk(2026, 3, 3, 13, 0), tick=False):
        wrong_type = minutes_body()
        wrong_type["action_items"][0]["type"] = "nope"
        for payload, field in (
            (wrong_type, "action_items"),
            (minutes_body(held_at="2026-03-04T11:00:00+03:00"), "held_at"),
            (minutes_body(decisions=["x" * 501]), "decisions"),
        ):
            response = api(team["am"]).post(
                f"/api/v1/meetings/{meeting}/minutes", payload, content_type="application/json"
            )
            assert response.status_code == 422, (payload, response.content)
            assert field in response.json()["detail"][0]["loc"]
    assert not Deliverable.objects.exists()


def test_hidden_meetings_answer_like_missing_ones(api, team, acme, contacts):
    meeting = _meeting(api, team, acme, contacts)
    acme.confidential = True
    acme.save()
    assert api(team["outsider"]).get(f"/api/v1/meetings/{meeting}").status_code == 404
    assert api(team["outsider"]).get("/api/v1/meetings/999999").status_code == 404
    # A specialist of the agency sees an ordinary client's meeting but may not write minutes.
    acme.confidential = False
    acme.save()
    assert api(team["writer"]).get(f"/api/v1/meetings/{meeting}").status_code == 200
    with time_machine.travel(msk(2026, 3, 3, 13, 0), tick=False):
        response = api(team["writer"]).post(
            f"/api/v1/meetings/{meeting}/minutes", minutes_body(), content_type="application/json"
        )
    assert response.status_code == 403
