"""The sentence that explains a commitment, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from agencydesk.commitments.models import Commitment

Names = tuple[list[str], list[str]]
_NAMES: dict[str | None, Names] = {}


def day_month_names() -> Names:
    """Day and month abbreviations of the active language, looked up once per language."""
    language = get_language()
    names = _NAMES.get(language)
    if names is None:
        days = [str(WEEKDAYS_ABBR[i]) for i in range(7)]
        months = [""] + [str(MONTHS_3[m]).title() for m in range(1, 13)]
        names = _NAMES[language] = (days, months)
    return names


def local_moment(moment: datetime, zone: str, names: Names | None = None) -> str:
    """``moment`` in ``zone`` as Django's date format "D j M H:i" writes it, at a fraction of its cost.

    Today formats two moments per item for up to 200 items; Django's formatter
    looks up every name through gettext each time. A caller formatting many
    moments passes ``names`` (from :func:`day_month_names`) to skip even the
    language lookup.
    """
    days, months = names or day_month_names()
    local = moment.astimezone(ZoneInfo(zone))
    return f"{days[local.weekday()]} {local.day} {months[local.month]} {local:%H:%M}"


def commitment_reason(commitment: Commitment) -> str:
    return reason_sentence(
        code=commitment.reason_code,
        params=commitment.reason_params or {},
        start_at=commitment.start_at,
        due_at=commitment.due_at,
        minutes=commitment.business_minutes,
        escalation=commitment.escalation,
        zone=commitment.calendar.timezone,
    )


def reason_sentence(
    *,
    code: str,
    params: dict[str, Any],
    start_at: datetime,
    due_at: datetime,
    minutes: int,
    escalation: int,
    zone: str,
    names: Names | None = None,
) -> str:
    """The sentence of a commitment from its stored values (Today reads rows, not models)."""
    start = local_moment(start_at, zone, names)
    due = local_moment(due_at, zone, names)
    if code == "first_response":
        minutes = params.get("minutes", minutes)
        text = ngettext(
            "The client wrote at %(start)s; a reply is due within %(minutes)s working minute in %(zone)s business time: by %(due)s.",
            "The client wrote at %(start)s; a reply is due within %(minutes)s working minutes in %(zone)s business time: by %(due)s.",
            minutes,
        ) % {"start": start, "minutes": minutes, "zone": zone, "due": due}
    elif code == "question":
        text = _(
            "The client asked “%(excerpt)s” at %(start)s; an answer is due within one business day: by %(due)s."
        ) % {"excerpt": params.get("excerpt", ""), "start": start, "due": due}
    elif code == "keep_in_touch":
        days = params.get("days", 7)
        text = ngettext(
            "No real touch since %(start)s; never more than %(days)s day without contact: write by %(due)s.",
            "No real touch since %(start)s; never more than %(days)s days without contact: write by %(due)s.",
            days,
        ) % {"start": start, "days": days, "due": due}
    elif code == "follow_up":
        hours = params.get("hours", 16)
        text = ngettext(
            "Waiting for the client since %(start)s; follow up after %(hours)s working hour of silence: by %(due)s.",
            "Waiting for the client since %(start)s; follow up after %(hours)s working hours of silence: by %(due)s.",
            hours,
        ) % {"start": start, "hours": hours, "due": due}
    elif code == "call":
        text = _(
            "Two follow-ups since %(start)s and no answer: call the client, then confirm in writing, by %(due)s."
        ) % {"start": start, "due": due}
    elif code == "telegram_lost":
        text = _(
            "AgencyDesk no longer sees the Telegram chat “%(chat)s” of %(client)s since %(start)s: "
            "the bot was removed, and nothing said there is recorded. Add the bot back, or dismiss "
            "this on the Telegram page, by %(due)s."
        ) % {
            "chat": params.get("chat", ""),
            "client": params.get("client", ""),
            "start": start,
            "due": due,
        }
    else:
        text = _("Due %(due)s.") % {"due": due}
    if escalation:
        text += " " + _escalated(params, zone, names)
    return text


def _escalated(params: dict[str, Any], zone: str, names: Names | None) -> str:
    """Who missed which moment, so the person it came to knows why it is theirs now."""
    missed = params.get("missed_due")
    if not missed:  # escalated before the desk kept this
        return _("Escalated: the account manager did not answer in time.")
    when = local_moment(datetime.fromisoformat(missed), zone, names)
    if params.get("missed_by"):
        return _("Escalated to you: %(who)s did not answer by %(when)s.") % {
            "who": params["missed_by"],
            "when": when,
        }
    return _("Escalated to you: nobody answered by %(when)s.") % {"when": when}
