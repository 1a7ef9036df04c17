"""bench_data against the desk's rules: its messages replayed through ``message_record`` and the clock.

bench_data writes commitments column by column, never through the services.
Here every message it wrote for a few clients is recorded again, in time order,
for twin clients with the same settings and calendars, through the real
``message_record``; between messages the real clock runs at each moment it has
something to do (acknowledgements, breaches, escalations). The ledger the rules
build must be the one bench_data wrote, every due moment, state and owner of it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Min

from agencydesk.clients.models import Client
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Breach, Commitment
from agencydesk.messaging.models import Message
from agencydesk.messaging.services import message_record
from benchdata.command import Command

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
COMPARED = (
    "state", "due_at", "visible_from", "action_at", "start_at", "business_minutes", "met_at",
    "breached_at", "escalation", "step",
)  # fmt: skip


def _twin(client: Client) -> Client:
    return ClientFactory(
        name=f"twin of {client.name}",
        language=client.language,
        calendar=client.calendar,
        account_manager=client.account_manager,
        backup_manager=client.backup_manager,
        preferred_channel=client.preferred_channel,
        first_response_minutes=client.first_response_minutes,
        urgent_response_minutes=client.urgent_response_minutes,
        ack_delay_minutes=client.ack_delay_minutes,
        keep_in_touch_days=client.keep_in_touch_days,
        follow_up_hours=client.follow_up_hours,
        crisis_mode=client.crisis_mode,
        weekends_allowed=client.weekends_allowed,
    )


def _clock_until(moment: dt.datetime, clients: list[int], *, inclusive: bool = False) -> None:
    """Run the clock at each moment before ``moment`` when one of ``clients`` has something due."""
    while True:
        mine = Commitment.objects.filter(client__in=clients)
        due = mine.filter(state="open").aggregate(at=Min("due_at"))["at"]
        act = mine.filter(state__in=ACTIVE_STATES).aggregate(at=Min("action_at"))["at"]
        nxt = min((m for m in (due, act) if m is not None), default=None)
        if nxt is None or nxt > moment or (nxt == moment and not inclusive):
            return
        clock_tick(now=nxt)


def _replay(bench: list[Client]) -> list[Client]:
    twins = {c.pk: _twin(c) for c in bench}
    ids = [t.pk for t in twins.values()]
    messages = (
        Message.objects.filter(client__in=bench, automatic=False)
        .select_related("conversation")
        .order_by("sent_at", "pk")
    )
    for m in messages:
        _clock_until(m.sent_at, ids)
        message_record(
            client=twins[m.client_id],
            channel=m.channel,
            direction=m.direction,
            sent_at=m.sent_at,
            text=m.text,
            at=m.sent_at,
            conversation_key=m.conversation.external_key,
            topic=m.conversation.topic,
            author=m.author_label,
            awaiting_client=m.awaiting_client,
        )
    _clock_until(NOW, ids, inclusive=True)
    return list(twins.values())


def _ledger(clients: list[Client]) -> dict[tuple, dict[str, Any]]:
    """Every commitment of ``clients``, keyed by what it is about, with its moments and state."""
    name = {c.pk: i for i, c in enumerate(clients)}
    said = {
        pk: (name[client], at, automatic)
        for pk, client, at, automatic in Message.objects.filter(client__in=clients).values_list(
            "pk", "client_id", "sent_at", "automatic"
        )
    }
    message = ContentType.objects.get_for_model(Message).pk
    rows = {}
    for c in Commitment.objects.filter(client__in=clients).select_related("owner"):
        # keep in touch is about the client: one a touch, told apart by when it started
        about = said[c.subject_id] if c.subject_type_id == message else c.start_at
        key = (c.kind, name[c.client_id], about)
        assert key not in rows, key
        rows[key] = {f: getattr(c, f) for f in COMPARED} | {
            "owner": c.owner.username if c.owner else None,
            "met_by": said[c.met_by_id] if c.met_by_type_id == message else c.met_by_id,
        }
    return rows


def _breaches(clients: list[Client]) -> Counter:
    name = {c.pk: i for i, c in enumerate(clients)}
    return Counter(
        (name[b.client_id], b.kind, b.due_at, b.at, b.owner.username if b.owner else None)
        for b in Breach.objects.filter(client__in=clients).select_related("owner")
    )


def _differences(expected: dict, actual: dict) -> list[str]:
    lines = [f"only in bench_data: {k} {expected[k]}" for k in expected.keys() - actual.keys()]
    lines += [f"only from the rules: {k} {actual[k]}" for k in actual.keys() - expected.keys()]
    for key in expected.keys() & actual.keys():
        for field, value in expected[key].items():
            if actual[key][field] != value:
                lines.append(f"{key} {field}: bench_data {value}, rules {actual[key][field]}")
    return sorted(lines)


@time_machine.travel(NOW, tick=False)
def test_the_rules_replayed_open_what_bench_data_wrote():
    call_command(
        Command(), now=NOW.isoformat(), clients=5, messages=200, managers=2, seed=21, verbosity=0
    )
    bench = list(Client.objects.order_by("pk"))
    twins = _replay(bench)

    expected, actual = _ledger(bench), _ledger(twins)
    assert len(expected) > 150
    assert Message.objects.filter(client__in=twins).count() == 200  # acknowledgements included
    assert not _differences(expected, actual), "\n".join(_differences(expected, actual)[:20])
    assert _breaches(bench) == _breaches(twins)
    # the sample (this seed) holds every shape of episode the bench writes
    shapes = Counter()
    for (kind, _client, _about), row in expected.items():
        shapes[kind, row["state"]] += 1
        shapes[kind] += 1
        shapes["acknowledged"] += kind == "first_response" and bool(
            row["met_by"] and row["met_by"][2]
        )
        shapes["answered late"] += row["state"] == "met" and row["breached_at"] is not None
        shapes["escalated"] += row["escalation"] > 0
        shapes["escalated, then answered"] += row["escalation"] > 0 and row["state"] == "met"
    shapes["met by a call or meeting"] = Commitment.objects.filter(
        client__in=bench, kind="keep_in_touch", met_by_id__in=Message.objects.filter(
            direction="in", channel__in=["phone", "meeting"]
        ).values("pk"),
    ).count()  # fmt: skip
    for shape in [
        ("first_response", "met"), ("question", "met"), ("question", "breached"),
        ("keep_in_touch", "met"), ("keep_in_touch", "open"), ("follow_up", "met"),
        "call", "acknowledged", "answered late", "escalated", "escalated, then answered", "met by a call or meeting",
    ]:  # fmt: skip
        assert shapes[shape], (shape, shapes)
