"""The test app's one kind, "errand": about an :class:`Errand`, due in business minutes, nudged at its action moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.calendars.selectors import calendar_engine, client_calendar
from agencydesk.commitments.kinds import Extra, Item, KindSpec, Reason, kind_register
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_cancel, commitment_open
from agencydesk.commitments.tests.plugin.models import Errand

ERRAND = "errand"


def _sentence(r: Reason) -> str:
    return _("The errand “%(title)s” was promised at %(start)s: run it by %(due)s.") % {
        "title": r.params.get("title", ""),
        "start": r.start,
        "due": r.due,
    }


def _url(item: Item, reverse: Callable[..., str]) -> str:
    return f"{reverse('clients:detail', item.client_id)}#errand-{item.subject_id}"


def _nudge(*, commitment: Commitment, at: datetime) -> bool:
    claimed = Commitment.objects.filter(pk=commitment.pk, action_at__isnull=False).update(
        action_at=None
    )
    if claimed:
        Errand.objects.filter(pk=commitment.subject_id).update(nudged_at=at)
    return bool(claimed)


def _drop(*, commitment: Commitment, by, at: datetime) -> bool:
    Errand.objects.filter(pk=commitment.subject_id).update(dropped=True)
    return commitment_cancel(commitment=commitment, at=at, by=by, why="errand dropped")


def errand_open(*, errand: Errand, minutes: int, nudge_after: int, at: datetime) -> Commitment:
    """The app's own rule: an errand is due ``minutes`` business minutes from now."""
    calendar = client_calendar(errand.client)
    engine = calendar_engine(calendar)
    return commitment_open(
        kind=ERRAND,
        subject=errand,
        client=errand.client,
        owner=errand.client.account_manager,
        calendar=calendar,
        start_at=at,
        minutes=minutes,
        action_at=engine.add(at, nudge_after),
        reason_params={"title": errand.title},
        at=at,
    )


def kinds_register() -> None:
    kind_register(
        KindSpec(
            code=ERRAND,
            label=gettext_lazy("Run the errand"),
            subject="ledger_plugin.errand",
            sentence=_sentence,
            action=gettext_lazy("Open the errand"),
            url=_url,
            on_action=_nudge,
            counter="nudged",
            extras=(Extra(code="drop", label=gettext_lazy("Drop the errand"), perform=_drop),),
        )
    )
