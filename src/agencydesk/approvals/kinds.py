"""The promises of approvals (C8), declared once in the ledger's registry of kinds."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.approvals.choices import APPROVAL_MESSAGE, CHASE, DISAGREEMENT, ROUND_OVERRUN
from agencydesk.approvals.from_messages import approval_offer_record
from agencydesk.commitments.kinds import Extra, Item, KindSpec, Reason, kind_register

Reverse = Callable[..., str]


def _record(item: Item, reverse: Reverse) -> str:
    return reverse("work:detail", item.params.get("deliverable", 0)) + "#approval"


def _chase_sentence(r: Reason) -> str:
    return _(
        "The client has not decided on “%(title)s” (round %(round)s) within the agreed "
        "turnaround: follow up by %(due)s; after two follow-ups, suggest a call."
    ) % {"title": r.params.get("title", ""), "round": r.params.get("round", ""), "due": r.due}


def _overrun_sentence(r: Reason) -> str:
    return _(
        "Round %(round)s of “%(title)s” goes beyond the %(included)s revision rounds of the "
        "contract: propose a change request (there is no change request in the desk yet: "
        "agree it with the client and note it on the deliverable)."
    ) % {
        "title": r.params.get("title", ""),
        "round": r.params.get("round", ""),
        "included": r.params.get("included", ""),
    }


def _disagreement_sentence(r: Reason) -> str:
    return _(
        "The approvers of “%(title)s” (round %(round)s) disagree: propose one option and "
        "record the client's choice by %(due)s."
    ) % {"title": r.params.get("title", ""), "round": r.params.get("round", ""), "due": r.due}


def _offer_sentence(r: Reason) -> str:
    return _(
        "The client's message “%(excerpt)s” reads as an approval of “%(title)s” (round "
        "%(round)s): record it as approved from this message, or mark it done if it is not."
    ) % {
        "excerpt": r.params.get("excerpt", ""),
        "title": r.params.get("title", ""),
        "round": r.params.get("round", ""),
    }


def kinds_register() -> None:
    """Called from :class:`ApprovalsConfig.ready`."""
    kind_register(
        KindSpec(
            code=CHASE,
            label=gettext_lazy("Chase the client's approval"),
            subject="approvals.approvalrequest",
            sentence=_chase_sentence,
            action=gettext_lazy("Follow up"),
            url=_record,
        )
    )
    kind_register(
        KindSpec(
            code=ROUND_OVERRUN,
            label=gettext_lazy("Revision rounds beyond the contract"),
            subject="approvals.approvalrequest",
            sentence=_overrun_sentence,
            action=gettext_lazy("Propose a change request"),
            url=_record,
        )
    )
    kind_register(
        KindSpec(
            code=DISAGREEMENT,
            label=gettext_lazy("Approvers disagree"),
            subject="approvals.approvalrequest",
            sentence=_disagreement_sentence,
            action=gettext_lazy("Record the client's choice"),
            url=_record,
        )
    )
    kind_register(
        KindSpec(
            code=APPROVAL_MESSAGE,
            label=gettext_lazy("Approval in a message"),
            subject="messaging.message",
            sentence=_offer_sentence,
            action=gettext_lazy("Open the approval"),
            url=_record,
            extras=(
                Extra(
                    code="record_approved",
                    label=gettext_lazy("Record as approved (from this message)"),
                    perform=approval_offer_record,
                ),
            ),
        )
    )
