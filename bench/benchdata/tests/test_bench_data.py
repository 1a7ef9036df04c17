"""``bench/bench_data.py``: a small run has the promised shape and feeds Today."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from agencydesk.accounts.models import User
from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.clients.models import Client, Contact
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.insights.selectors import attention_items, director_overview
from agencydesk.messaging.models import Conversation, Message, OutboundMessage
from agencydesk.messaging.questions import looks_like_question
from benchdata.command import Command


def _director():
    return UserFactory(role="director")


pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def _generate(**options):
    defaults = {"clients": 5, "messages": 500, "managers": 2, "seed": 3, "verbosity": 0}
    call_command(Command(), now=NOW.isoformat(), **{**defaults, **options})


def test_small_run_counts_and_shape():
    _generate()
    managers = User.objects.filter(username__startswith="bench-am-")
    assert managers.count() == 2
    assert User.objects.filter(username__startswith="bench-director-").count() == 2
    assert Client.objects.count() == 5
    assert not Client.objects.filter(calendar__isnull=True).exists()
    assert BusinessCalendar.objects.filter(name__startswith="[bench] ").count() == 4
    assert Contact.objects.count() >= 5
    assert Conversation.objects.count() >= 5
    assert Message.objects.count() == 500
    assert Message.objects.filter(sent_at__lt=NOW - dt.timedelta(days=190)).count() == 0
    assert Message.objects.filter(sent_at__gt=NOW).count() == 0
    assert OutboundMessage.objects.count() == Message.objects.filter(automatic=True).count()
    # the texts agree with the question detector the desk itself uses
    for text, is_question in Message.objects.filter(direction="in").values_list(
        "text", "is_question"
    ):
        assert looks_like_question(text) == is_question, text

    states = Counter(Commitment.objects.values_list("state", flat=True))
    assert states["met"] > states["open"] + states["breached"]  # most were met
    assert states["open"] and states["breached"]
    active = Commitment.objects.filter(state__in=ACTIVE_STATES)
    per_client = Counter(active.values_list("client_id", flat=True))
    assert set(per_client) == set(Client.objects.values_list("pk", flat=True))
    assert all(3 <= n <= 10 for n in per_client.values()), per_client
    assert active.filter(visible_from__gt=NOW).exists() or active.filter(kind="keep_in_touch")
    assert Breach.objects.count() == Commitment.objects.filter(breached_at__isnull=False).count()


def test_today_and_overview_have_the_generated_work():
    _generate()
    am = User.objects.filter(username__startswith="bench-am-").order_by("username").first()
    items = attention_items(user=am, now=NOW)
    assert items
    assert [i.due_at for i in items] == sorted(i.due_at for i in items)
    loads = {load.user.username: load for load in director_overview(user=_director(), now=NOW)}
    assert loads[am.username].active >= len(items)
    assert sum(load.active for load in loads.values()) == (
        Commitment.objects.filter(state__in=ACTIVE_STATES, visible_from__lte=NOW).count()
    )


def test_the_clock_finds_nothing_to_do():
    """Breaches, acknowledgements and escalations are already where the rules put them."""
    _generate()
    assert not Commitment.objects.filter(state="open", due_at__lte=NOW).exists()
    assert not Commitment.objects.filter(state__in=ACTIVE_STATES, action_at__lte=NOW).exists()
    assert set(clock_tick(now=NOW).values()) == {0}


def test_reset_replaces_and_plain_bulk_create_gives_the_same_rows():
    _generate()
    with pytest.raises(CommandError, match="--reset"):
        _generate()
    first = _counts()
    _generate(reset=True, plain=True)
    assert _counts() == first
    _generate(reset=True)
    assert _counts() == first


def test_reset_keeps_other_data():
    from agencydesk.clients.tests.factories import ClientFactory

    mine = ClientFactory(name="Real client")
    _generate()
    _generate(reset=True, clients=3, messages=200)
    assert Client.objects.filter(pk=mine.pk).exists()
    assert Client.objects.count() == 4
    assert Message.objects.count() == 200


def _counts():
    return {
        "users": User.objects.filter(username__startswith="bench-").count(),
        "messages": Message.objects.count(),
        "by_state": dict(
            Commitment.objects.values_list("state").annotate(n=Count("id")).order_by()
        ),
        "breaches": Breach.objects.count(),
        "questions": Message.objects.filter(Q(is_question=True)).count(),
    }
