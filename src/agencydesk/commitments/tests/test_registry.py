"""A kind declared by an app the ledger has never heard of (``tests/plugin``) works everywhere.

Today lists it with its own label, link and actions, the clock does what the
kind declares at its action moment, its sentence is in the reader's language
(en, ru, uk, bg), the statistics count it, and no other app names it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

import agencydesk
from agencydesk.calendars.selectors import client_calendar
from agencydesk.commitments.actions import commitment_done
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.kinds import KINDS
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_open
from agencydesk.commitments.tests.plugin.kinds import ERRAND, errand_open
from agencydesk.commitments.tests.plugin.models import Errand
from agencydesk.insights.selectors import attention_items, kind_stats
from agencydesk.messaging.tests.conftest import msk

pytestmark = pytest.mark.django_db
START = msk(2026, 3, 10, 10, 0)  # a Tuesday, 10:00 Moscow


@pytest.fixture
def errand(acme):
    item = Errand.objects.create(client=acme, title="Пресс-кит")
    commitment = errand_open(errand=item, minutes=120, nudge_after=60, at=START)
    return item, commitment


def test_the_kind_is_declared_by_its_app_and_nowhere_else():
    package = Path(agencydesk.__file__).parent
    naming = [
        path
        for path in package.rglob("*.py")
        if "tests" not in path.parts and '"errand"' in path.read_text(encoding="utf-8")
    ]
    assert ERRAND in KINDS and naming == []


def test_it_is_in_today_with_its_label_link_and_actions(errand, team):
    item, commitment = errand
    [row] = [i for i in attention_items(user=team["am"], now=START) if i.kind == ERRAND]
    assert row.id == commitment.pk
    assert row.kind_label == "Run the errand" and row.action == "Open the errand"
    assert row.url == reverse("clients:detail", args=[item.client_id]) + f"#errand-{item.pk}"
    assert row.extras == (("drop", "Drop the errand"),)
    assert row.due_local == "Tue 10 Mar 12:00"


def test_its_own_action_works_from_today_in_the_browser_form(errand, team):
    item, commitment = errand
    web = HttpClient()
    web.force_login(team["am"])
    page = web.get(reverse("insights:today"))
    assert b'data-action="drop"' in page.content
    response = web.post(reverse("commitments:act", args=[commitment.pk]), {"action": "drop"})
    assert response.status_code == 302
    item.refresh_from_db()
    commitment.refresh_from_db()
    assert item.dropped and commitment.state == "cancelled"


def test_the_clock_does_what_the_kind_declares_at_its_moment(errand):
    item, commitment = errand
    with time_machine.travel(START + dt.timedelta(minutes=59), tick=False):
        assert clock_tick(now=START + dt.timedelta(minutes=59))["nudged"] == 0
    with time_machine.travel(START + dt.timedelta(minutes=60), tick=False):
        counts = clock_tick(now=START + dt.timedelta(minutes=60))
    assert counts["nudged"] == 1
    item.refresh_from_db()
    assert item.nudged_at == START + dt.timedelta(minutes=60)
    # acted once: a second clock finds nothing
    assert clock_tick(now=START + dt.timedelta(minutes=61))["nudged"] == 0
    # and at the due moment the generic rule records the miss
    assert clock_tick(now=START + dt.timedelta(minutes=120))["breached"] == 1
    assert Commitment.objects.get(pk=commitment.pk).state == "breached"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "The errand “Пресс-кит” was promised at Tue 10 Mar 10:00: run it by Tue 10 Mar 12:00.",
        ),
        ("ru", "Поручение «Пресс-кит» обещано в Вт 10 мар 10:00: выполните до Вт 10 мар 12:00."),
        ("uk", "Доручення «Пресс-кит» обіцяно о Вт 10 бер 10:00: виконайте до Вт 10 бер 12:00."),
        (
            "bg",
            "Поръчката „Пресс-кит“ е обещана в Вт 10 мар 10:00: изпълнете я до Вт 10 мар 12:00.",
        ),
    ],
)
def test_its_reason_is_in_the_readers_language(errand, team, language, expected):
    with translation.override(language):
        [row] = [i for i in attention_items(user=team["am"], now=START) if i.kind == ERRAND]
    assert row.reason == expected


def test_the_statistics_count_it(errand, team):
    _item, commitment = errand

    commitment_done(
        commitment=commitment, by=team["am"], at=START + dt.timedelta(minutes=30), reason="готово"
    )
    [stats] = [
        s
        for s in kind_stats(user=team["am"], now=START + dt.timedelta(hours=1))
        if s.kind == ERRAND
    ]
    assert (stats.label, stats.met, stats.missed) == ("Run the errand", 1, 0)
    assert stats.median_minutes == 30 and stats.within_target == 1.0


def test_a_commitment_must_be_about_the_subject_its_kind_declares(acme):
    with pytest.raises(ValueError, match=r"cannot be about a clients\.client"):
        commitment_open(
            kind=ERRAND,
            subject=acme,
            client=acme,
            owner=None,
            calendar=client_calendar(acme),
            start_at=START,
            minutes=60,
            at=START,
        )


def test_a_kind_nobody_declares_is_refused(acme):
    commitment = Commitment(kind="nobody_declares_this")
    with pytest.raises(ValidationError) as error:
        commitment.clean_fields(
            exclude=[f.name for f in Commitment._meta.fields if f.name != "kind"]
        )
    assert "kind" in error.value.message_dict
