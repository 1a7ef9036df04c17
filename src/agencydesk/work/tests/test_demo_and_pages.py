"""Demo deliverables in every state, and the pages: list (query count), detail, create, delay notice."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client as WebClient

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.commitments.models import Commitment
from agencydesk.demo_work import demo_work
from agencydesk.work.models import Deliverable

from .conftest import msk

pytestmark = pytest.mark.django_db

NOW = msk(2026, 3, 4, 11, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(acme, team):
    users = {"anna": team["writer"], "pavel": team["editor"]}
    demo_work(clients=[acme], users=users, now=NOW)
    return acme


def web(user) -> WebClient:
    client = WebClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_demo_has_every_state_and_the_worst_breach(demo):
    assert Deliverable.objects.filter(schedule__isnull=False).exists()  # the recurring series
    statuses = set(Deliverable.objects.filter(schedule=None).values_list("status", flat=True))
    assert statuses == {
        "planned",
        "in_work",
        "in_review",
        "ready",
        "delivered",
        "accepted",
        "changes_requested",
    }
    assert Deliverable.objects.filter(at_risk=True).count() == 1
    assert Deliverable.objects.filter(late_without_notice=True).count() == 1
    assert Deliverable.objects.filter(due_history__kind="notice").count() == 1
    assert Commitment.objects.filter(kind="work_delay_notice", state="open").count() == 1
    # Loading again adds nothing.
    demo_work(clients=[demo], users={"anna": UserFactory(), "pavel": UserFactory()}, now=NOW)
    assert Deliverable.objects.filter(schedule=None).count() == 10


def test_list_page_in_a_fixed_number_of_queries(demo, team, django_assert_num_queries):
    client = web(team["am"])
    client.get("/deliverables/")  # warm the session and the content types
    # session, user, can-create, count, page, the client filter
    with django_assert_num_queries(6):
        response = client.get("/deliverables/?status=&client=")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="deliverable-row"') == Deliverable.objects.count()


def test_detail_and_delay_notice_pages_in_russian(demo, team):
    client = web(team["am"])
    d = Deliverable.objects.get(at_risk=True)
    page = client.get(f"/deliverables/{d.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert "Отправить уведомление о задержке" in page.content.decode()
    form = client.get(f"/deliverables/{d.pk}/delay-notice/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Новый срок (время клиента)" in form.content.decode()
    bad = client.post(
        f"/deliverables/{d.pk}/delay-notice/",
        {"new_due_at": "2026-03-20T21:00", "reason": "ждём данные"},
    )
    assert bad.status_code == 200
    assert "2026-03-20T18:00+03:00" in bad.content.decode()
    ok = client.post(
        f"/deliverables/{d.pk}/delay-notice/",
        {"new_due_at": "2026-03-20T12:00", "reason": "ждём данные"},
    )
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.due_at == msk(2026, 3, 20, 12, 0) and not d.at_risk


def test_hidden_deliverables_answer_404(demo, team):
    from agencydesk.clients.models import Client

    Client.objects.filter(pk=demo.pk).update(confidential=True)
    d = Deliverable.objects.first()
    assert web(team["outsider"]).get(f"/deliverables/{d.pk}/").status_code == 404
    assert web(team["outsider"]).get("/deliverables/").content.count(b"deliverable-row") == 0


def test_create_page_shows_the_working_hours_error_and_creates(acme, team):
    from agencydesk.work.models import DeliverableType

    client = web(team["am"])
    data = {
        "client": acme.pk,
        "title": "Пресс-релиз",
        "type": DeliverableType.objects.get(code="post").pk,
        "owner": team["writer"].pk,
        "reviewer": team["editor"].pk,
        "due_at": "2026-03-05T19:30",
        "priority": "normal",
    }
    refused = client.post("/deliverables/new/", data)
    assert refused.status_code == 200
    assert "2026-03-05T18:00+03:00" in refused.content.decode()
    created = client.post("/deliverables/new/", {**data, "due_at": "2026-03-05T16:00"})
    assert created.status_code == 302
    d = Deliverable.objects.get()
    assert d.due_at == msk(2026, 3, 5, 16, 0)


def test_review_and_deliver_through_the_page(acme, team):
    from agencydesk.work import services
    from agencydesk.work.models import DeliverableType

    kind = DeliverableType.objects.get(code="post")
    d = services.deliverable_create(
        client=acme,
        title="Пост",
        type=kind,
        owner=team["writer"],
        reviewer=team["editor"],
        due_at=msk(2026, 3, 5, 16, 0),
        by=team["am"],
        at=NOW,
    ).deliverable
    refused = web(team["writer"]).post(f"/deliverables/{d.pk}/deliver/", {})
    assert "without a passed internal review" in refused.content.decode()
    checks = {f"check_{n}": "on" for n in range(len(kind.checklist_items()))}
    reviewed = web(team["editor"]).post(f"/deliverables/{d.pk}/review/", {"passed": "1", **checks})
    assert reviewed.status_code == 302
    assert web(team["writer"]).post(f"/deliverables/{d.pk}/deliver/", {}).status_code == 302
    d.refresh_from_db()
    assert d.status == "delivered"


def test_today_shows_reviews_deliveries_and_delay_notices_in_one_query(
    demo, team, django_assert_num_queries
):
    from agencydesk.insights.selectors import attention_items

    later = msk(2026, 3, 20, 12, 0)
    for user, kind in ((team["editor"], "work_review"), (team["writer"], "work_delivery")):
        with django_assert_num_queries(1):
            items = attention_items(user=user, now=later)
        mine = [i for i in items if i.kind == kind]
        assert mine and all(i.url.startswith("/deliverables/") for i in mine)
    with django_assert_num_queries(1):
        items = attention_items(user=team["am"], now=later)
    notice = next(i for i in items if i.kind == "work_delay_notice")
    assert notice.url.endswith("/delay-notice/")
    assert "tell the client the new date" in notice.reason
