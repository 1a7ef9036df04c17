"""POST /api/v1/messages, GET /api/v1/clients/{id}/messages, GET /api/v1/attention: the exact contract."""

from __future__ import annotations

import pytest
import time_machine

from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.commitments.models import Commitment
from agencydesk.messaging.models import Message

from .conftest import msk

pytestmark = pytest.mark.django_db


def post(http, **body):
    return http.post("/api/v1/messages", body, content_type="application/json")


def test_the_example_of_the_issue_holds(api, acme, team):
    response = post(
        api(team["am"]),
        client=acme.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-06T17:55:00+03:00",
        text="Пришлите, пожалуйста, макет",
        external_id="tg-100",
        author="gromov",
        conversation="chat-1",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["first_response_due_at"] == "2026-03-10T09:05:00+03:00"
    assert body["conversation_key"] == "chat-1"
    assert body["author"] == "Алексей Громов"


def test_same_channel_and_external_id_returns_200_with_the_same_id(api, acme, team):
    http = api(team["am"])
    payload = {
        "client": acme.pk,
        "channel": "telegram",
        "direction": "in",
        "sent_at": "2026-03-10T10:00:00+03:00",
        "text": "Привет",
        "external_id": "tg-7",
    }
    first = post(http, **payload)
    again = post(http, **payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["first_response_due_at"] == first.json()["first_response_due_at"]
    assert (
        Message.objects.count() == 1
        and Commitment.objects.filter(kind="first_response").count() == 1
    )
    # the same id in another channel is another message
    assert post(http, **{**payload, "channel": "email"}).status_code == 201


def test_outbound_through_the_api_meets_the_first_response(api, acme, team):
    http = api(team["am"])
    post(
        http,
        client=acme.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-10T10:00:00+03:00",
        text="Добрый день",
    )
    response = post(
        http,
        client=acme.pk,
        channel="telegram",
        direction="out",
        sent_at="2026-03-10T10:04:00+03:00",
        text="Здравствуйте!",
    )
    assert response.json()["first_response_due_at"] is None
    first = Commitment.objects.get(kind="first_response")
    assert first.state == "met" and first.response_minutes == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sent_at": "2026-03-10T10:00:00"}, "sent_at"),
        ({"sent_at": "yesterday"}, "sent_at"),
        ({"direction": "sideways"}, "direction"),
        ({"channel": "pigeon"}, "channel"),
        ({"text": ""}, "text"),
        ({"client": None}, "client"),
    ],
)
def test_bad_messages_are_422_naming_the_field(api, acme, team, change, field):
    body = {
        "client": acme.pk,
        "channel": "telegram",
        "direction": "in",
        "sent_at": "2026-03-10T10:00:00+03:00",
        "text": "x",
    }
    body.update(change)
    response = post(api(team["am"]), **body)
    assert response.status_code == 422
    assert field in [e["loc"][-1] for e in response.json()["detail"]]
    assert Message.objects.count() == 0


def test_message_for_a_confidential_client_of_another_team_is_404(api, team, specialist):
    secret = ClientFactory(confidential=True, account_manager=team["am"])
    response = post(
        api(specialist),
        client=secret.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-10T10:00:00+03:00",
        text="x",
    )
    assert response.status_code == 404


def test_listing_is_newest_first_with_outbound_and_automatic(
    api, acme, team, django_capture_on_commit_callbacks
):
    from agencydesk.commitments.clock import clock_tick

    http = api(team["am"])
    post(
        http,
        client=acme.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-10T10:00:00+03:00",
        text="Когда отчёт?",
    )
    with (
        time_machine.travel(msk(2026, 3, 10, 10, 6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        clock_tick(now=msk(2026, 3, 10, 10, 6))
    post(
        http,
        client=acme.pk,
        channel="email",
        direction="out",
        sent_at="2026-03-10T11:00:00+03:00",
        text="Отчёт в пятницу",
    )
    listed = http.get(f"/api/v1/clients/{acme.pk}/messages?limit=10").json()
    assert listed["count"] == 3
    assert [m["direction"] for m in listed["items"]] == ["out", "out", "in"]
    assert [m["automatic"] for m in listed["items"]] == [False, True, False]
    assert {"id", "direction", "channel", "sent_at", "text", "external_id", "automatic"} <= set(
        listed["items"][0]
    )
    page = http.get(f"/api/v1/clients/{acme.pk}/messages?limit=1&offset=2").json()
    assert page["items"][0]["text"] == "Когда отчёт?"
    assert http.get(f"/api/v1/clients/{acme.pk}/messages?q=пятниц").json()["count"] == 1


def test_attention_lists_my_items_by_due_moment(api, acme, team):
    other = ClientFactory(name="Beta", account_manager=team["am"])
    http = api(team["am"])
    post(
        http,
        client=acme.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-10T10:05:00+03:00",
        text="Добрый день",
    )
    post(
        http,
        client=other.pk,
        channel="telegram",
        direction="in",
        sent_at="2026-03-10T10:00:00+03:00",
        text="Когда встреча?",
    )
    with time_machine.travel(msk(2026, 3, 10, 10, 12), tick=False):
        body = http.get("/api/v1/attention?user=olga").json()
    items = body["items"]
    assert [i["kind"] for i in items] == ["first_response", "first_response", "question"]
    assert [i["client"] for i in items][:2] == [other.pk, acme.pk]
    assert items[0]["overdue"] is True and items[1]["overdue"] is False
    assert set(items[0]) >= {"kind", "client", "due_at", "state", "overdue", "reason", "url"}
    assert "10 working minutes" in items[0]["reason"]
    assert items[0]["url"].startswith("http")


def test_attention_of_another_person_is_for_directors(api, acme, team):
    assert api(team["backup"]).get("/api/v1/attention?user=olga").status_code == 403
    assert api(team["director"]).get("/api/v1/attention?user=olga").status_code == 200
    assert api(team["director"]).get("/api/v1/attention?user=ghost").status_code == 404


def test_post_answers_labels_and_reasons_and_no_due_for_thanks(api, acme, team):
    http = api(team["am"])
    base = {"client": acme.pk, "channel": "telegram", "direction": "in"}
    thanks = post(http, **base, sent_at="2026-03-10T10:00:00+03:00", text="Спасибо, получили 👍")
    assert thanks.status_code == 201, thanks.content
    body = thanks.json()
    assert body["labels"] == dict.fromkeys(
        ("question", "needs_response", "approval", "urgent"), False
    )
    assert body["label_reasons"] == {} and body["first_response_due_at"] is None
    asked = post(
        http,
        **base,
        sent_at="2026-03-10T10:01:00+03:00",
        text="Есть ли новости по публикации в РБК",
    ).json()
    assert asked["labels"]["question"] and asked["labels"]["needs_response"]
    assert asked["label_reasons"]["question"] and asked["first_response_due_at"] is not None
