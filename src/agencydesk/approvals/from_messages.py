"""Approvals from messages (#16): a client's message that reads as an approval, while an approval
request of that client waits, becomes an offer in Today to record it; the desk never decides alone.

The offer is a commitment about the message (kind ``approval_message``), opened by
messaging's inbound hook. Its Today action records the decision through
:func:`approval_decide` with the message linked; "done" with a reason dismisses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencydesk.approvals.choices import APPROVAL_MESSAGE, DecisionChannel, RequestState, Verdict
from agencydesk.approvals.models import ApprovalRequest
from agencydesk.approvals.services import DecisionRefused, approval_decide
from agencydesk.calendars.selectors import client_calendar
from agencydesk.clients.responsible import responsible_for
from agencydesk.commitments.services import commitment_build, commitment_meet
from agencydesk.messaging.models import Message

if TYPE_CHECKING:
    from agencydesk.accounts.models import User
    from agencydesk.commitments.models import Commitment


def approval_offer_build(message: Message, at: datetime) -> list[Commitment]:
    """The offer for a client's message read as an approval, if a request of the client waits."""
    if not message.labels.get("approval"):
        return []  # an ordinary message costs no query
    waiting = (
        ApprovalRequest.objects.filter(client_id=message.client_id, state=RequestState.WAITING)
        .select_related("deliverable")
        .order_by("-updated_at", "-pk")
    )
    if message.author_contact_id:
        # The author's own request first: the message answers what they were asked.
        mine = waiting.filter(approvers=message.author_contact_id).first()
        request = mine or waiting.first()
    else:
        request = waiting.first()
    if request is None:
        return []
    client = message.client
    return [
        commitment_build(
            kind=APPROVAL_MESSAGE,
            subject=message,
            client=client,
            owner=responsible_for(client=client, at=at),
            calendar=client_calendar(client),
            start_at=message.sent_at,
            minutes=client.first_response_minutes,
            reason_params={
                "request": request.pk,
                "round": request.round,
                "deliverable": request.deliverable_id,
                "title": request.deliverable.title[:200],
                "excerpt": message.text[:120],
            },
            at=at,
        )
    ]


@transaction.atomic
def approval_offer_record(*, commitment: Commitment, by: User, at: datetime) -> bool:
    """Today's "record as approved (from this message)": the author's decision, with the message."""
    message = Message.objects.select_related("author_contact", "client").get(
        pk=commitment.subject_id
    )
    request = ApprovalRequest.objects.filter(pk=commitment.reason_params.get("request")).first()
    if request is None:
        raise ValidationError({"action": _("That approval request no longer exists.")})
    contact = message.author_contact
    if contact is None or not request.approvers.filter(pk=contact.pk).exists():
        raise ValidationError(
            {
                "action": _(
                    "The author of this message is not an approver of the request: record the "
                    "decision on the deliverable's page."
                )
            }
        )
    # Met first: the decision closes the round, and with it every other open offer of it.
    met = commitment_meet(commitment=commitment, at=at, by=by, met_by=message)
    try:
        approval_decide(
            request=request,
            round_number=int(commitment.reason_params.get("round", request.round)),
            contact=contact,
            verdict=Verdict.APPROVED,
            at=at,
            channel=DecisionChannel.MESSAGE,
            message=message,
            by=by,
        )
    except DecisionRefused as exc:
        raise ValidationError({"action": str(exc)}) from exc
    return met
