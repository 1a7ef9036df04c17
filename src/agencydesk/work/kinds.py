"""The promises of deliverables (C6), declared once in the ledger's registry of kinds."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.commitments.kinds import Item, KindSpec, Reason, kind_register
from agencydesk.work.choices import DELAY_NOTICE, DELIVERY, LATE_WITHOUT_NOTICE, REVIEW
from agencydesk.work.services import review_deadline_passed

Reverse = Callable[..., str]


def _detail(item: Item, reverse: Reverse, anchor: str = "") -> str:
    return reverse("work:detail", item.subject_id) + anchor


def _review_sentence(r: Reason) -> str:
    return _(
        "“%(title)s” must pass the internal review before it goes to the client: review it by %(due)s."
    ) % {"title": r.params.get("title", ""), "due": r.due}


def _delivery_sentence(r: Reason) -> str:
    return _("“%(title)s” was promised to the client for %(due)s: deliver it by then.") % {
        "title": r.params.get("title", ""),
        "due": r.due,
    }


def _delay_notice_sentence(r: Reason) -> str:
    return _(
        "“%(title)s” is at risk (%(why)s): tell the client the new date and the reason before %(due)s."
    ) % {"title": r.params.get("title", ""), "why": r.params.get("why", ""), "due": r.due}


def _late_sentence(r: Reason) -> str:
    return _("“%(title)s” was delivered after %(due)s without a delay notice.") % {
        "title": r.params.get("title", ""),
        "due": r.due,
    }


def kinds_register() -> None:
    """Called from :class:`WorkConfig.ready`."""
    kind_register(
        KindSpec(
            code=REVIEW,
            label=gettext_lazy("Review the deliverable"),
            subject="work.deliverable",
            sentence=_review_sentence,
            action=gettext_lazy("Review"),
            url=lambda item, reverse: _detail(item, reverse, "#review"),
            on_action=review_deadline_passed,
            counter="at_risk",
        )
    )
    kind_register(
        KindSpec(
            code=DELIVERY,
            label=gettext_lazy("Deliver to the client"),
            subject="work.deliverable",
            sentence=_delivery_sentence,
            action=gettext_lazy("Deliver"),
            url=lambda item, reverse: _detail(item, reverse, "#deliver"),
        )
    )
    kind_register(
        KindSpec(
            code=DELAY_NOTICE,
            label=gettext_lazy("Send a delay notice"),
            subject="work.deliverable",
            sentence=_delay_notice_sentence,
            action=gettext_lazy("Send the delay notice"),
            url=lambda item, reverse: reverse("work:delay_notice", item.subject_id),
        )
    )
    kind_register(
        KindSpec(
            code=LATE_WITHOUT_NOTICE,
            label=gettext_lazy("Late without a delay notice"),
            subject="work.deliverable",
            sentence=_late_sentence,
            action=gettext_lazy("Open"),
            url=_detail,
        )
    )
