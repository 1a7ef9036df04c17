"""Today, the team view and responsiveness: what each person sees, in constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.insights.selectors import attention_items, director_overview, response_stats
from agencydesk.messaging.services import message_record, message_send
from agencydesk.messaging.tests.conftest import msk


def _director():
    return UserFactory(role="director")


pytestmark = pytest.mark.django_db
NOW = msk(2026, 3, 10, 12, 0)


def _inbound(client, minute, text="Добрый день"):
    return message_record(
        client=client,
        channel="telegram",
        direction="in",
        sent_at=msk(2026, 3, 10, 11, minute),
        text=text,
        at=msk(2026, 3, 10, 11, minute),
    )


@pytest.fixture
def olga(db):
    return UserFactory(username="olga", role="account_manager", timezone="Europe/Kyiv")


def _load(olga, n):
    for i in range(n):
        _inbound(ClientFactory(account_manager=olga), i % 50, text="Когда будет отчёт?")


def test_today_query_count_does_not_grow(olga, django_assert_num_queries):
    _load(olga, 5)
    with django_assert_num_queries(1):
        small = attention_items(user=olga, now=NOW)
    _load(olga, 40)
    with django_assert_num_queries(1):
        large = attention_items(user=olga, now=NOW)
    assert (len(small), len(large)) == (10, 90)
    assert [i.due_at for i in large] == sorted(i.due_at for i in large)


def test_director_overview_query_count_does_not_grow(olga, django_assert_max_num_queries):
    boss = _director()
    _load(olga, 3)
    with django_assert_max_num_queries(2):
        director_overview(user=boss, now=NOW)
    for _ in range(5):
        _load(UserFactory(role="account_manager"), 4)
    with django_assert_max_num_queries(2):
        loads = director_overview(user=boss, now=NOW)
    # each of the 4 clients: an overdue first response, and a question due tomorrow
    assert (loads[0].active, loads[0].overdue, loads[0].due_today) == (8, 4, 4)
    assert sum(load.active for load in loads) == 46


def test_today_page_shows_client_and_own_time(client, olga):
    acme = ClientFactory(name="Acme", account_manager=olga)
    _inbound(acme, 55)
    client.force_login(olga)
    with time_machine.travel(msk(2026, 3, 10, 11, 58), tick=False):
        page = client.get(reverse("insights:today")).content.decode()
    assert "Acme" in page
    assert "12:05" in page  # due in the client's Moscow time
    assert "11:05" in page  # the same moment in Olga's Kyiv time
    assert reverse("messaging:timeline", args=[acme.pk]) in page


def test_today_htmx_refresh_returns_the_list_only(client, olga):
    client.force_login(olga)
    response = client.get(reverse("insights:today"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_today_of_someone_else_is_for_directors(client, olga, director):
    client.force_login(olga)
    assert client.get(reverse("insights:today") + "?user=director").status_code == 403
    assert client.get(reverse("insights:team")).status_code == 403
    client.force_login(director)
    assert client.get(reverse("insights:today") + "?user=olga").status_code == 200
    assert client.get(reverse("insights:team")).status_code == 200


def test_response_statistics_median_and_share_within_target(
    olga, django_capture_on_commit_callbacks
):
    acme = ClientFactory(name="Acme", account_manager=olga)
    for minute, delay in ((0, 4), (10, 8), (20, 30)):
        _inbound(acme, minute)
        with django_capture_on_commit_callbacks(execute=True):
            message_send(
                client=acme,
                text="Ответ",
                by=olga,
                at=msk(2026, 3, 10, 11, minute) + dt.timedelta(minutes=delay),
            )
    stats = response_stats(user=olga, now=msk(2026, 3, 11, 12, 0))
    row = stats["clients"][0]
    assert (row.label, row.count, row.median_minutes) == ("Acme", 3, 8.0)
    assert row.within_target == pytest.approx(2 / 3)


def test_director_overview_counts_each_persons_breaches_of_the_last_week(olga):
    from agencydesk.commitments.models import Breach, Commitment

    ivan = UserFactory(username="ivan", role="account_manager")
    _load(olga, 2)
    _load(ivan, 1)
    commitment = Commitment.objects.filter(owner=olga).first()
    for owner, days_ago in [(olga, 1), (olga, 6), (olga, 8), (ivan, 2), (None, 1)]:
        Breach.objects.create(
            commitment=commitment,
            client_id=commitment.client_id,
            owner=owner,
            kind=commitment.kind,
            due_at=NOW - dt.timedelta(days=days_ago),
            at=NOW - dt.timedelta(days=days_ago),
        )
    boss = _director()
    loads = {
        load.user.username: load.breaches_week
        for load in director_overview(user=boss, now=NOW)
        if load.user != boss
    }
    assert loads == {"olga": 2, "ivan": 1}


def test_team_overdue_groups_by_person_in_three_queries(olga, django_assert_num_queries):
    from agencydesk.insights.selectors import team_overdue

    boss = _director()
    _load(olga, 4)  # four overdue first responses at noon
    ivan = UserFactory(username="ivan", role="account_manager")
    _load(ivan, 1)
    with django_assert_num_queries(3):
        groups = team_overdue(user=boss, now=NOW, per_person=3)
    assert [(g.user.username, g.count, len(g.items)) for g in groups] == [
        ("olga", 4, 3),
        ("ivan", 1, 1),
    ]
    assert all(item.overdue for g in groups for item in g.items)
    for _ in range(3):
        _load(UserFactory(role="account_manager"), 2)
    with django_assert_num_queries(3):
        assert len(team_overdue(user=boss, now=NOW)) == 5
    assert team_overdue(user=boss, now=msk(2026, 3, 10, 11, 0)) == []  # nothing due yet


def test_directors_today_shows_escalations_and_the_teams_overdue_work(client, olga):
    from agencydesk.commitments.models import Commitment
    from agencydesk.commitments.services import commitment_escalate

    boss = _director()
    acme = ClientFactory(name="Acme", account_manager=olga)
    _inbound(acme, 5, text="Когда будет отчёт?")
    handed = Commitment.objects.filter(client=acme, kind="question").get()
    commitment_escalate(commitment=handed, to=boss, at=NOW, minutes=60)
    _load(olga, 2)
    client.force_login(boss)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("insights:today")).content.decode()
        olgas = client.get(reverse("insights:today") + "?user=olga").content.decode()
    assert 'data-testid="escalated"' in page  # the escalated item, on the director's own list
    assert 'data-testid="team-overdue"' in page
    assert 'data-person="olga"' in page and "?user=olga" in page
    assert 'data-testid="team-overdue"' not in olgas  # only on the director's own Today
