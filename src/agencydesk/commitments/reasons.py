"""The sentence that explains a commitment, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencydesk.commitments.kinds import KINDS, Reason
from agencydesk.core.dates import months_lower_case

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
        # Capitalised as Django's "M" writes it, except where months are lower case ("1 дек").
        lower = months_lower_case(language)
        months = [""] + [
            str(MONTHS_3[m]) if lower else str(MONTHS_3[m]).title() for m in range(1, 13)
        ]
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
        kind=commitment.kind,
        params=commitment.reason_params or {},
        start_at=commitment.start_at,
        due_at=commitment.due_at,
        minutes=commitment.business_minutes,
        escalation=commitment.escalation,
        zone=commitment.calendar.timezone,
    )


def reason_sentence(
    *,
    kind: str,
    params: dict[str, Any],
    start_at: datetime,
    due_at: datetime,
    minutes: int,
    escalation: int,
    zone: str,
    names: Names | None = None,
) -> str:
    """The sentence of a commitment from its stored values (Today reads rows, not models).

    The kind's own app writes the sentence (see :mod:`agencydesk.commitments.kinds`);
    what every kind shares, the escalation, is added here.
    """
    reason = Reason(
        params=params,
        start=local_moment(start_at, zone, names),
        due=local_moment(due_at, zone, names),
        minutes=minutes,
        zone=zone,
    )
    spec = KINDS.get(kind)
    text = spec.sentence(reason) if spec else _("Due %(due)s.") % {"due": reason.due}
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
