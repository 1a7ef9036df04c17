"""The demo's approvals, the record on the deliverable's page, the client's turnaround, Today."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from agencydesk.approvals import services
from agencydesk.approvals.models import ApprovalRequest
from agencydesk.clients import services as client_services
from agencydesk.clients.tests.factories import ContactFactory
from agencydesk.demo_work import demo_work

from .conftest import BASE, NOW, msk

pytestmark = pytest.mark.django_db


def web(user) -> WebClient:
    client = WebClient(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def second(team):
    client = client_services.client_create(
        by=team["director"],
        at=msk(2026, 1, 1, 12, 0),
        name="Beta",
        language="ru",
        status="active",
        account_manager=team["am"],
        timezone="Europe/Moscow",
        working_hours="mon-fri 09:00-18:00",
        holidays_country="RU",
        preferred_channel="telegram",
    )
    ContactFactory(client=client, name="Анна Бета", decision_power="decides", is_primary=True)
    ContactFactory(client=client, name="Олег Бета", decision_power="approves")
    return client


def test_demo_has_an_approved_plan_and_approvers_who_disagree(frozen, team, acme, second):
    users = {"anna": team["writer"], "pavel": team["editor"]}
    demo_work(clients=[acme, second], users=users, now=NOW)
    approved = ApprovalRequest.objects.get(client=acme)
    assert approved.state == "approved"
    assert services.launch_refusal(approved.deliverable) == ""
    disputed = ApprovalRequest.objects.get(client=second)
    assert disputed.disagreement and disputed.state == "changes_requested"


def test_the_record_on_the_deliverable_page_and_the_refused_launch(
    frozen, team, media_plan, approvers, django_assert_max_num_queries
):
    sent = services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers,
        material_url="https://files.example/plan-v1.pdf",
        by=team["am"],
        at=NOW,
        base_url=BASE,
    )
    services.approval_decide(
        request=sent.request,
        round_number=1,
        contact=approvers[0],
        verdict="approved",
        channel="link",
        at=NOW,
    )
    services.approval_decide(
        request=sent.request,
        round_number=1,
        contact=approvers[1],
        verdict="rejected",
        comment="Не наш стиль",
        channel="link",
        at=NOW,
    )
    page = web(team["am"])
    with django_assert_max_num_queries(40):
        response = page.get(f"/deliverables/{media_plan.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="approval-record"' in body and 'data-testid="disagreement"' in body
    assert "Не наш стиль" in body and "Мария Ким" in body
    refused = page.post(f"/deliverables/{media_plan.pk}/launch/", follow=True)
    assert "нельзя запустить без согласования" in refused.content.decode()
    media_plan.refresh_from_db()
    assert media_plan.launched_at is None
    today = page.get("/today/").content.decode()
    assert "разошлись во мнениях" in today


def test_the_client_page_counts_days_waited_beyond_the_turnaround(
    frozen, team, acme, media_plan, approvers, contract
):
    services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers[:1],
        material_url="https://files.example/plan-v1.pdf",
        by=team["am"],
        at=NOW,
        base_url=BASE,
    )
    import time_machine

    from agencydesk.approvals.selectors import client_turnaround

    # Due Wednesday 10:00; on Friday 10:00 the client has made us wait two business days.
    with time_machine.travel(msk(2026, 3, 6, 10, 0), tick=False):
        t = client_turnaround(user=team["am"], client=acme, now=msk(2026, 3, 6, 10, 0))
        assert (t.rounds, t.late_rounds, str(t.days_late)) == (1, 1, "2.0")
        body = web(team["am"]).get(f"/clients/{acme.pk}/").content.decode()
    assert (
        'data-testid="client-turnaround"' in body
        and "2,0" in body.split('client-turnaround"')[1][:200]
    )
    hidden = client_turnaround(user=team["outsider"], client=acme, now=NOW)
    assert hidden.rounds == 1  # an ordinary client is seen by everyone


def _count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_record_and_the_link_page_read_in_a_fixed_number_of_queries(
    frozen, team, media_plan, approvers, django_assert_num_queries
):
    sent = services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers,
        material_url="https://files.example/plan-v1.pdf",
        by=team["am"],
        at=NOW,
        base_url=BASE,
    )
    page = web(team["am"])
    url = f"/deliverables/{media_plan.pk}/"
    link = sent.links[0][1].removeprefix(BASE.rstrip("/"))
    first, first_link = _count(page, url), _count(WebClient(), link)
    for n in (2, 3):
        services.approval_decide(
            request=sent.request,
            round_number=n - 1,
            contact=approvers[0],
            verdict="changes_requested",
            comment=f"Правка {n}",
            channel="link",
            at=NOW,
        )
        again = services.approval_round_create(
            request=sent.request,
            material_url=f"https://files.example/plan-v{n}.pdf",
            by=team["am"],
            at=NOW,
            base_url=BASE,
        )
    newest = again.links[0][1].removeprefix(BASE.rstrip("/"))
    # More rounds and decisions, the same number of queries.
    with django_assert_num_queries(first):
        page.get(url)
    with django_assert_num_queries(first_link):
        WebClient().get(newest)


def test_a_chase_shows_in_today_once_the_decision_is_late(frozen, team, media_plan, approvers):
    import time_machine

    services.approval_request_create(
        deliverable=media_plan,
        approvers=approvers[:1],
        material_url="https://files.example/plan-v1.pdf",
        by=team["am"],
        at=NOW,
        base_url=BASE,
    )
    page = web(team["am"])
    assert "approval_chase" not in page.get("/today/").content.decode()
    with time_machine.travel(msk(2026, 3, 4, 11, 0), tick=False):
        body = page.get("/today/").content.decode()
    assert 'data-kind="approval_chase"' in body
    assert "не принял решение" in body and "предложите созвониться" in body


def test_the_full_demo_shows_approvals_in_different_states():
    from agencydesk.demo import demo_load

    demo_load()
    requests = list(ApprovalRequest.objects.all())
    assert len(requests) == 4
    assert {r.state for r in requests} >= {"approved", "waiting", "changes_requested"}
    assert any(r.round == 2 for r in requests) and any(r.disagreement for r in requests)
