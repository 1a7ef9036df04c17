"""The promises messaging makes (C4, C5), declared once in the ledger's registry of kinds.

The rules that open and close them live in :mod:`agencydesk.messaging.services`,
next to the write that triggers them; what the clock, Today and the reasons need
to know about each kind is here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencydesk.calendars.selectors import acknowledgement_moment, acknowledgement_moments
from agencydesk.commitments.kinds import (
    Batch,
    Extra,
    Item,
    KindSpec,
    Moments,
    Reason,
    kind_register,
)
from agencydesk.commitments.services import commitment_escalate_next
from agencydesk.messaging.choices import CALL, FIRST_RESPONSE, FOLLOW_UP, KEEP_IN_TOUCH, QUESTION
from agencydesk.messaging.services import acknowledgement_send, message_no_reply_needed

if TYPE_CHECKING:
    from agencydesk.calendars.engine import WorkCalendar
    from agencydesk.commitments.models import Commitment

Reverse = Callable[..., str]


def _timeline(
    item: Item, reverse: Reverse, *, anchor: str, template: str = "", about_message: bool = True
) -> str:
    """The client's timeline with the composer (or the call log) on the subject's conversation."""
    query = [f"message={item.subject_id}"] if about_message else []
    if template:
        query.append(f"template={template}")
    url = reverse("messaging:timeline", item.client_id)
    return f"{url}?{'&'.join(query)}{anchor}" if query else f"{url}{anchor}"


def _first_response_sentence(r: Reason) -> str:
    minutes = r.params.get("minutes", r.minutes)
    if r.params.get("urgent"):
        return ngettext(
            "Urgent: the client wrote at %(start)s; a reply is due within %(minutes)s working minute in %(zone)s business time: by %(due)s.",
            "Urgent: the client wrote at %(start)s; a reply is due within %(minutes)s working minutes in %(zone)s business time: by %(due)s.",
            minutes,
        ) % {"start": r.start, "minutes": minutes, "zone": r.zone, "due": r.due}
    return ngettext(
        "The client wrote at %(start)s; a reply is due within %(minutes)s working minute in %(zone)s business time: by %(due)s.",
        "The client wrote at %(start)s; a reply is due within %(minutes)s working minutes in %(zone)s business time: by %(due)s.",
        minutes,
    ) % {"start": r.start, "minutes": minutes, "zone": r.zone, "due": r.due}


def _question_sentence(r: Reason) -> str:
    return _(
        "The client asked “%(excerpt)s” at %(start)s; an answer is due within one business day: by %(due)s."
    ) % {"excerpt": r.params.get("excerpt", ""), "start": r.start, "due": r.due}


def _keep_in_touch_sentence(r: Reason) -> str:
    days = r.params.get("days", 7)
    return ngettext(
        "No real touch since %(start)s; never more than %(days)s day without contact: write by %(due)s.",
        "No real touch since %(start)s; never more than %(days)s days without contact: write by %(due)s.",
        days,
    ) % {"start": r.start, "days": days, "due": r.due}


def _follow_up_sentence(r: Reason) -> str:
    hours = r.params.get("hours", 16)
    return ngettext(
        "Waiting for the client since %(start)s; follow up after %(hours)s working hour of silence: by %(due)s.",
        "Waiting for the client since %(start)s; follow up after %(hours)s working hours of silence: by %(due)s.",
        hours,
    ) % {"start": r.start, "hours": hours, "due": r.due}


def _call_sentence(r: Reason) -> str:
    return _(
        "Two follow-ups since %(start)s and no answer: call the client, then confirm in writing, by %(due)s."
    ) % {"start": r.start, "due": r.due}


def _acknowledgement_moment(row: Commitment, engine: WorkCalendar) -> datetime | None:
    minutes = (row.reason_params or {}).get("ack_minutes")
    if minutes is None:  # opened without its acknowledgement delay: keep what it had
        return row.action_at
    return acknowledgement_moment(engine, row.start_at, int(minutes))


def _acknowledgement_moments(batch: Batch, engine: WorkCalendar) -> Moments:
    minutes = [p.get("ack_minutes") if p else None for p in batch.params]
    given = np.array([m is not None for m in minutes], dtype=bool)
    result = batch.action.copy()
    if given.any():
        delays = np.array([int(m) for m in minutes if m is not None], dtype=np.int64)
        result[given] = acknowledgement_moments(engine, batch.start[given], delays)
    return result


def _due(row: Commitment, engine: WorkCalendar) -> datetime | None:
    return row.due_at  # escalation happens when it falls due


def _dues(batch: Batch, engine: WorkCalendar) -> Moments:
    return batch.due.copy()


def _acknowledge(*, commitment: Commitment, at: datetime) -> bool:
    return acknowledgement_send(commitment=commitment, at=at) is not None


def kinds_register() -> None:
    """Called from :class:`MessagingConfig.ready`."""
    kind_register(
        KindSpec(
            code=FIRST_RESPONSE,
            label=gettext_lazy("Reply to the client"),
            subject="messaging.message",
            sentence=_first_response_sentence,
            action=gettext_lazy("Reply"),
            url=lambda item, reverse: _timeline(item, reverse, anchor="#composer"),
            on_action=_acknowledge,
            counter="acknowledged",
            action_moment=_acknowledgement_moment,
            action_moments=_acknowledgement_moments,
            extras=(
                Extra(
                    code="no_reply",
                    label=gettext_lazy("No reply needed"),
                    perform=message_no_reply_needed,
                ),
            ),
        )
    )
    kind_register(
        KindSpec(
            code=QUESTION,
            label=gettext_lazy("Answer the question"),
            subject="messaging.message",
            sentence=_question_sentence,
            action=gettext_lazy("Answer"),
            url=lambda item, reverse: _timeline(item, reverse, anchor="#composer"),
            on_action=commitment_escalate_next,
            counter="escalated",
            action_moment=_due,
            action_moments=_dues,
        )
    )
    kind_register(
        KindSpec(
            code=KEEP_IN_TOUCH,
            label=gettext_lazy("Keep in touch"),
            subject="clients.client",
            sentence=_keep_in_touch_sentence,
            action=gettext_lazy("Write to the client"),
            url=lambda item, reverse: _timeline(
                item, reverse, anchor="#composer", template=KEEP_IN_TOUCH, about_message=False
            ),
        )
    )
    kind_register(
        KindSpec(
            code=FOLLOW_UP,
            label=gettext_lazy("Follow up"),
            subject="messaging.message",
            sentence=_follow_up_sentence,
            action=gettext_lazy("Follow up"),
            url=lambda item, reverse: _timeline(
                item, reverse, anchor="#composer", template=FOLLOW_UP
            ),
        )
    )
    kind_register(
        KindSpec(
            code=CALL,
            label=gettext_lazy("Call the client"),
            subject="messaging.message",
            sentence=_call_sentence,
            action=gettext_lazy("Call"),
            url=lambda item, reverse: _timeline(item, reverse, anchor="#log"),
        )
    )
