"""The promises of approvals (C8), declared once in the ledger's registry of kinds."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.approvals.choices import CHASE, DISAGREEMENT, ROUND_OVERRUN
from agencydesk.commitments.kinds import Item, KindSpec, Reason, kind_register

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
