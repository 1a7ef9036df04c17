"""A client's message that reads as an approval, while a request waits, is offered in Today (#16)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agencydesk.approvals.choices import APPROVAL_MESSAGE, RequestState
from agencydesk.approvals.models import ApprovalRequest, Decision
from agencydesk.commitments.actions import commitment_extra
from agencydesk.commitments.models import Commitment
from agencydesk.insights.selectors import attention_items
from agencydesk.messaging.services import message_record

from .conftest import NOW, msk
from .test_services import decide, send

pytestmark = pytest.mark.django_db
LATER = msk(2026, 3, 2, 15, 0)


def _from(acme, contact, text, at=LATER):
    return message_record(
        client=acme, channel="telegram", direction="in", sent_at=at, text=text, at=at,
        author_contact=contact,
    ).message  # fmt: skip


def _offers():
    return Commitment.objects.filter(kind=APPROVAL_MESSAGE)


def test_an_approval_message_is_offered_and_recorded_with_the_message(
    frozen, team, acme, media_plan, approvers
):
    sent = send(media_plan, approvers, team["am"])
    # Not an approval, or no request waiting: no offer, and no query spent on it.
    _from(acme, approvers[0], "Когда будет отчёт?")
    assert not _offers().exists()
    message = _from(acme, approvers[0], "Медиаплан согласован, запускайте")
    assert message.labels["approval"]
    offer = _offers().get()
    assert offer.state == "open" and offer.subject_id == message.pk
    assert offer.reason_params["request"] == sent.request.pk
    items = attention_items(user=team["am"], now=LATER)
    item = next(i for i in items if i.id == offer.pk)
    assert "Медиаплан на апрель" in item.reason
    assert [code for code, _label in item.extras] == ["record_approved"]
    commitment_extra(commitment=offer, code="record_approved", by=team["am"], at=LATER)
    decision = Decision.objects.get(contact=approvers[0])
    assert (decision.verdict, decision.channel, decision.message) == (
        "approved",
        "message",
        message,
    )
    offer.refresh_from_db()
    assert offer.state == "met"
    # The second approver has not decided: the request still waits for them.
    assert ApprovalRequest.objects.get().state == RequestState.WAITING


def test_the_desk_never_decides_and_a_stranger_cannot_be_recorded(
    frozen, team, acme, media_plan, approvers
):
    from agencydesk.clients.tests.factories import ContactFactory

    send(media_plan, approvers, team["am"])
    outsider = ContactFactory(client=acme, name="Бухгалтер", decision_power="informs")
    _from(acme, outsider, "Согласовано")
    offer = _offers().get()
    assert not Decision.objects.exists()
    with pytest.raises(ValidationError) as error:
        commitment_extra(commitment=offer, code="record_approved", by=team["am"], at=LATER)
    assert "approver" in str(error.value)
    offer.refresh_from_db()
    assert offer.state == "open" and not Decision.objects.exists()


def test_offers_close_when_the_round_is_decided_by_the_links(
    frozen, team, acme, media_plan, approvers
):
    sent = send(media_plan, approvers, team["am"])
    _from(acme, approvers[0], "ок, согласовано")
    for contact in approvers:
        decide(sent, contact, "approved", at=LATER)
    assert _offers().get().state == "cancelled"
    # The request is decided: a later approval message offers nothing.
    _from(acme, approvers[1], "Согласовано", at=msk(2026, 3, 3, 10, 0))
    assert _offers().count() == 1


def test_no_offer_without_a_waiting_request(frozen, team, acme, approvers):
    _from(acme, approvers[0], "Согласовано, запускайте", at=NOW)
    assert not _offers().exists()
