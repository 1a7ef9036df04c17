"""While an account manager is away, new items go to the client's backup; on return, back to them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from agencydesk.accounts.services import absence_add, user_deactivate
from agencydesk.clients.responsible import responsible, responsible_for
from agencydesk.commitments.clock import clock_tick
from agencydesk.commitments.models import Commitment
from agencydesk.core.models import AuditLog
from agencydesk.messaging.models import Message

from .conftest import msk
from .test_rules import inbound

pytestmark = pytest.mark.django_db

MONDAY = msk(2026, 3, 16, 10, 0)


@pytest.fixture
def olga_away(team):
    """Olga (Moscow) is away Tue 17 to Wed 18 March 2026, marked by herself the Monday before."""
    team["am"].timezone = "Europe/Moscow"
    team["am"].save(update_fields=["timezone"])
    return absence_add(
        person=team["am"],
        by=team["am"],
        starts_on=dt.date(2026, 3, 17),
        ends_on=dt.date(2026, 3, 18),
        note="Отпуск",
        at=MONDAY,
    )


def _owner(kind: str, message: Message) -> str:
    return Commitment.objects.get(kind=kind, subject_id=message.pk).owner.username


def test_new_items_go_to_the_backup_on_the_days_away_and_come_back_on_return(acme, olga_away):
    before = inbound(acme, msk(2026, 3, 16, 17, 0), text="Когда отчёт?").message
    during = inbound(acme, msk(2026, 3, 17, 0, 30), text="А макет когда?").message
    last_day = inbound(acme, msk(2026, 3, 18, 23, 50), text="Что с планом?").message
    back = inbound(acme, msk(2026, 3, 19, 0, 10), text="Что с бюджетом?").message
    assert [_owner("question", m) for m in (before, during, last_day, back)] == [
        "olga",
        "ivan",
        "ivan",
        "olga",
    ]
    # The reply timer opened by the first message while she was there stays hers.
    assert _owner("first_response", before) == "olga"


def test_the_days_are_the_persons_own_calendar_days(acme, team, olga_away):
    # 23:30 on Monday in London is already Tuesday in Moscow, where Olga is.
    at = dt.datetime(2026, 3, 16, 21, 30, tzinfo=dt.UTC)
    assert responsible_for(client=acme, at=at) == team["backup"]
    team["am"].timezone = "America/New_York"  # 17:30 Monday there: she is still at work
    assert responsible_for(client=acme, at=at) == team["am"]


def test_the_acknowledgement_names_who_is_answering(acme, olga_away, run_on_commit):
    inbound(acme, msk(2026, 3, 17, 10, 0), text="Когда будет готов отчёт?")
    with time_machine.travel(msk(2026, 3, 17, 10, 5), tick=False), run_on_commit():
        assert clock_tick(now=msk(2026, 3, 17, 10, 5))["acknowledged"] == 1
    text = Message.objects.get(automatic=True).text
    assert text.startswith("Алексей Викторович, добрый день!")
    assert text.endswith(
        f"Пока {acme.account_manager} отсутствует, вам отвечает {acme.backup_manager}."
    )


def test_the_acknowledgement_says_nothing_more_when_the_manager_is_there(acme, run_on_commit):
    inbound(acme, msk(2026, 3, 16, 10, 0), text="Когда будет готов отчёт?")
    with time_machine.travel(msk(2026, 3, 16, 10, 5), tick=False), run_on_commit():
        clock_tick(now=msk(2026, 3, 16, 10, 5))
    assert "отсутствует" not in Message.objects.get(automatic=True).text


def test_when_the_backup_is_away_too_the_manager_keeps_the_item(acme, team, olga_away):
    absence_add(
        person=team["backup"],
        by=team["director"],
        starts_on=dt.date(2026, 3, 17),
        ends_on=dt.date(2026, 3, 17),
        at=MONDAY,
    )
    who = responsible(client=acme, at=msk(2026, 3, 17, 12, 0))
    assert who.user == team["am"] and who.covering is None


def test_a_switched_off_manager_hands_open_items_to_the_backup_and_new_ones_follow(acme, team):
    open_item = inbound(acme, MONDAY, text="Когда отчёт?").message
    moved = user_deactivate(person=team["am"], by=team["director"], at=MONDAY)
    assert moved == 2  # the reply and the question
    assert _owner("first_response", open_item) == "ivan"
    assert AuditLog.objects.filter(action="commitment.reassign").count() == 2
    assert AuditLog.objects.get(action="user.deactivate").changes["is_active"] == [True, False]
    acme.refresh_from_db()
    later = inbound(acme, MONDAY + dt.timedelta(hours=1), text="А план?").message
    assert _owner("question", later) == "ivan"
