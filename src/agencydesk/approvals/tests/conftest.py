from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from agencydesk.clients.models import Contract
from agencydesk.clients.tests.factories import ContactFactory
from agencydesk.work import services as work_services
from agencydesk.work.models import DeliverableType
from agencydesk.work.tests.conftest import acme, msk, team  # noqa: F401  (fixtures)

NOW = msk(2026, 3, 2, 10, 0)  # a Monday, 10:00 in Moscow
BASE = "http://desk.test/"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def contract(acme):  # noqa: F811
    import datetime as dt

    return Contract.objects.create(
        client=acme, starts_on=dt.date(2026, 1, 1), revision_rounds=1, approval_turnaround_days=2
    )


@pytest.fixture
def approvers(acme):  # noqa: F811
    """The primary contact (approves) and a second one who decides; an informed one aside."""
    first = acme.contacts.get()
    second = ContactFactory(client=acme, name="Мария Ким", decision_power="decides")
    ContactFactory(client=acme, name="Пётр Информ", decision_power="informs")
    return [first, second]


@pytest.fixture
def media_plan(team, acme, contract):  # noqa: F811
    kind = DeliverableType.objects.get(code="media_plan")
    assert kind.launch_needs_approval
    return work_services.deliverable_create(
        client=acme,
        title="Медиаплан на апрель",
        type=kind,
        owner=team["writer"],
        reviewer=team["editor"],
        due_at=msk(2026, 3, 6, 12, 0),
        by=team["am"],
        at=NOW,
        amount=Decimal("100000.00"),
    ).deliverable
