"""Every Today item offers done with a reason, snooze, reassign, and its kind's own actions.

In the web and the API, with the same rights: the owner or whoever may edit the
client acts; others get 403; a client they cannot see answers 404.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client as HttpClient
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.commitments.actions import (
    commitment_done,
    commitment_extra,
    commitment_for_action,
    commitment_reassign,
    commitment_snooze,
)
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.commitments.services import commitment_breach
from agencydesk.core.models import AuditLog
from agencydesk.insights.selectors import attention_items, response_stats
from agencydesk.messaging.services import message_record
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
ASKED = msk(2026, 3, 10, 10, 0)  # Tuesday 10:00 Moscow


@pytest.fixture
def first(acme):
    recorded = message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=ASKED,
        text="Посмотрели макеты, есть правки.",
        at=ASKED,
    )
    return recorded.first_response


def _today(user, now):
    return [i.id for i in attention_items(user=user, now=now)]


def test_done_with_a_reason_closes_it_and_is_audited(first, team):
    assert commitment_done(commitment=first, by=team["am"], at=ASKED, reason="Ответила по телефону")
    first.refresh_from_db()
    assert first.state == "met"
    audit = AuditLog.objects.get(action="commitment.done")
    assert audit.reason == "Ответила по телефону" and audit.actor == team["am"]
    assert _today(team["am"], ASKED) == []


def test_done_needs_a_reason(first, team):
    with pytest.raises(ValidationError) as error:
        commitment_done(commitment=first, by=team["am"], at=ASKED, reason="   ")
    assert "reason" in error.value.message_dict
    first.refresh_from_db()
    assert first.state == "open"


def test_done_after_a_miss_keeps_the_miss(first, team):
    late = first.due_at + dt.timedelta(minutes=30)
    commitment_breach(commitment=first, at=first.due_at)
    assert Breach.objects.filter(commitment=first).count() == 1
    first.refresh_from_db()
    commitment_done(commitment=first, by=team["am"], at=late, reason="Позвонила")
    breach = Breach.objects.get(commitment=first)
    assert breach.late_minutes == 30


def test_snooze_moves_when_it_shows_never_when_it_is_due(first, team):
    due = first.due_at
    until = msk(2026, 3, 10, 15, 0)
    commitment_snooze(commitment=first, by=team["am"], at=ASKED, until=until)
    first.refresh_from_db()
    assert first.visible_from == until and first.due_at == due
    assert _today(team["am"], msk(2026, 3, 10, 14, 59)) == []
    assert _today(team["am"], until) == [first.pk]
    assert AuditLog.objects.filter(action="commitment.snooze").count() == 1


@pytest.mark.parametrize(
    "until",
    [msk(2026, 3, 10, 9, 0), msk(2026, 4, 20, 9, 0), dt.datetime(2026, 3, 10, 15, 0)],
    ids=["past", "beyond-30-days", "naive"],
)
def test_snooze_refuses_a_bad_moment(first, team, until):
    with pytest.raises(ValidationError) as error:
        commitment_snooze(commitment=first, by=team["am"], at=ASKED, until=until)
    assert "until" in error.value.message_dict


def test_reassign_to_a_colleague_who_may_work_on_the_client(first, team):
    commitment_reassign(commitment=first, by=team["am"], at=ASKED, to=team["backup"])
    assert _today(team["am"], ASKED) == [] and _today(team["backup"], ASKED) == [first.pk]
    audit = AuditLog.objects.get(action="commitment.reassign")
    assert audit.changes == {"owner": [team["am"].pk, team["backup"].pk]}


@pytest.mark.parametrize("role", ["specialist", "account_manager", "finance"])
def test_reassign_refuses_someone_who_may_not_work_on_the_client(first, team, role):
    outsider = UserFactory(role=role)
    with pytest.raises(ValidationError) as error:
        commitment_reassign(commitment=first, by=team["am"], at=ASKED, to=outsider)
    assert "to" in error.value.message_dict
    first.refresh_from_db()
    assert first.owner == team["am"]


def test_no_reply_needed_closes_the_timer_without_an_acknowledgement(first, team, acme):
    assert commitment_extra(commitment=first, code="no_reply", by=team["am"], at=ASKED)
    first.refresh_from_db()
    assert first.state == "cancelled"
    assert not first.subject.needs_response
    # nothing is sent at the acknowledgement moment, and no reply is counted
    with time_machine.travel(ASKED + dt.timedelta(hours=1), tick=False):
        assert clock_tick(now=ASKED + dt.timedelta(hours=1))["acknowledged"] == 0
    assert not acme.messages.filter(automatic=True).exists()
    assert response_stats(user=team["am"], now=ASKED + dt.timedelta(hours=1))["clients"] == []


def test_an_action_the_kind_does_not_offer_is_refused(acme, team):
    recorded = message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=ASKED,
        text="Когда будет отчёт?",
        at=ASKED,
    )
    question = Commitment.objects.about(recorded.message).get(kind="question")
    with pytest.raises(ValidationError):
        commitment_extra(commitment=question, code="no_reply", by=team["am"], at=ASKED)
    with pytest.raises(ValidationError):
        commitment_extra(commitment=question, code="nonsense", by=team["am"], at=ASKED)


def test_who_may_act(first, team, acme):
    specialist = UserFactory(role="specialist")
    acme.team.add(specialist)
    other_am = UserFactory(role="account_manager")
    for person in (specialist, other_am):
        with pytest.raises(PermissionDenied):
            commitment_done(commitment=first, by=person, at=ASKED, reason="x")
    acme.confidential = True
    acme.save(update_fields=["confidential"])
    with pytest.raises(Http404):
        commitment_for_action(user=other_am, pk=first.pk)
    # the backup and a director may
    assert commitment_for_action(user=team["backup"], pk=first.pk) == first
    commitment_snooze(
        commitment=first, by=team["director"], at=ASKED, until=ASKED + dt.timedelta(hours=1)
    )


def test_a_closed_item_answers_like_a_missing_one(first, team):
    commitment_done(commitment=first, by=team["am"], at=ASKED, reason="готово")
    with pytest.raises(Http404):
        commitment_for_action(user=team["am"], pk=first.pk)


def _api(user):
    from agencydesk.accounts.services import api_token_create

    _token, raw = api_token_create(user=user, at=ASKED)
    return HttpClient(headers={"Authorization": f"Bearer {raw}"})


def _post(http, path, body=None):
    return http.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_api_offers_the_same_actions(first, team):
    http = _api(team["am"])
    with time_machine.travel(ASKED, tick=False):
        listed = http.get("/api/v1/attention").json()["items"]
        assert listed[0]["id"] == first.pk
        assert listed[0]["actions"] == ["done", "snooze", "reassign", "no_reply"]
        snoozed = _post(
            http,
            f"/api/v1/attention/{first.pk}/snooze",
            {"until": "2026-03-10T15:00:00+03:00"},
        )
        assert snoozed.status_code == 200
        shown = dt.datetime.fromisoformat(snoozed.json()["visible_from"])
        assert shown == msk(2026, 3, 10, 15, 0)
        moved = _post(http, f"/api/v1/attention/{first.pk}/reassign", {"to": "ivan"})
        assert moved.status_code == 200 and moved.json()["owner"] == "ivan"
        done = _post(http, f"/api/v1/attention/{first.pk}/done", {"reason": "Позвонила"})
        assert done.status_code == 200 and done.json()["state"] == "met"
        again = _post(http, f"/api/v1/attention/{first.pk}/done", {"reason": "Ещё раз"})
        assert again.status_code == 404


def test_the_api_says_what_is_wrong(first, team):
    http = _api(team["am"])
    with time_machine.travel(ASKED, tick=False):
        empty = _post(http, f"/api/v1/attention/{first.pk}/done", {"reason": ""})
        past = _post(
            http, f"/api/v1/attention/{first.pk}/snooze", {"until": "2026-03-09T10:00:00+03:00"}
        )
        unknown = _post(http, f"/api/v1/attention/{first.pk}/actions/explode")
        nobody = _post(http, f"/api/v1/attention/{first.pk}/reassign", {"to": "nobody"})
    assert empty.status_code == 422
    assert past.status_code == 422 and "until" in json.dumps(past.json())
    assert unknown.status_code == 422
    assert nobody.status_code == 404
    first.refresh_from_db()
    assert first.state == "open" and first.owner == team["am"]


def test_the_web_form_snoozes_in_the_persons_own_time_zone(first, team):
    team["am"].timezone = "Europe/Kyiv"  # one hour behind Moscow in March
    team["am"].save(update_fields=["timezone"])
    web = HttpClient()
    web.force_login(team["am"])
    with time_machine.travel(ASKED, tick=False):
        response = web.post(
            reverse("commitments:act", args=[first.pk]),
            {"action": "snooze", "until": "2026-03-10T14:00"},
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.visible_from == msk(2026, 3, 10, 15, 0)


def test_the_web_form_reports_a_bad_input_and_changes_nothing(first, team):
    web = HttpClient()
    web.force_login(team["am"])
    with time_machine.travel(ASKED, tick=False):
        response = web.post(
            reverse("commitments:act", args=[first.pk]),
            {"action": "done", "reason": ""},
            follow=True,
        )
    assert "Say how it was done." in response.content.decode()
    first.refresh_from_db()
    assert first.state == "open"


def test_today_page_queries_do_not_grow_with_items(acme, team, django_assert_max_num_queries):
    from agencydesk.clients.tests.factories import ClientFactory

    web = HttpClient()
    web.force_login(team["am"])

    def load(n):
        for i in range(n):
            client = ClientFactory(account_manager=team["am"], backup_manager=team["backup"])
            message_record(
                client=client,
                channel="telegram",
                direction="in",
                sent_at=ASKED,
                text="Добрый день",
                at=ASKED + dt.timedelta(seconds=i),
            )

    load(3)
    with time_machine.travel(ASKED, tick=False):
        with django_assert_max_num_queries(12) as few:
            web.get(reverse("insights:today"))
        load(30)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = web.get(reverse("insights:today"))
    assert page.content.decode().count('name="to"') == 33


def test_one_reply_meets_several_at_once_and_leaves_one_closed_meanwhile(acme, team):
    """The batch meet: one update for all, one audit row each, a commitment another
    worker closed first is left as that worker closed it, a missed one keeps its lateness."""
    from agencydesk.commitments.services import commitment_cancel, commitments_meet

    message_record(
        client=acme,
        channel="telegram",
        direction="out",
        sent_at=ASKED - dt.timedelta(hours=1),
        text="Отправили макеты.",
        at=ASKED - dt.timedelta(hours=1),
    )
    recorded = message_record(
        client=acme,
        channel="telegram",
        direction="in",
        sent_at=ASKED,
        text="Когда будет готов отчёт?",
        at=ASKED,
    )
    reply_timer = recorded.first_response
    question = Commitment.objects.get(kind="question", state="open")
    keep = Commitment.objects.filter(kind="keep_in_touch", state="open").first()
    assert keep is not None
    commitment_breach(commitment=reply_timer, at=reply_timer.due_at)
    reply_timer.refresh_from_db()
    commitment_cancel(commitment=keep, at=ASKED, by=None, why="closed elsewhere")
    late = reply_timer.due_at + dt.timedelta(minutes=15)
    answer = recorded.message
    closed = commitments_meet([reply_timer, question, keep], at=late, by=team["am"], met_by=answer)
    assert {c.pk for c in closed} == {reply_timer.pk, question.pk}
    keep.refresh_from_db()
    assert keep.state == "cancelled" and keep.met_at is None
    for c in (reply_timer, question):
        c.refresh_from_db()
        assert c.state == "met" and c.met_at == late and c.met_by_id == answer.pk
    assert Breach.objects.get(commitment=reply_timer).late_minutes == 15
    rows = AuditLog.objects.filter(action="commitment.meet").order_by("object_id")
    assert [(r.object_id, r.changes["state"], r.actor) for r in rows] == [
        (str(reply_timer.pk), ["breached", "met"], team["am"]),
        (str(question.pk), ["open", "met"], team["am"]),
    ]
    assert commitments_meet([reply_timer, question], at=late, by=team["am"], met_by=answer) == []
