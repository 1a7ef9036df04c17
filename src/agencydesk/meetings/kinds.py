"""The promises of meetings (C9), declared once in the ledger's registry of kinds."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.commitments.kinds import KindSpec, Reason, kind_register
from agencydesk.meetings.choices import ACTION_TASK, MINUTES_DUE


def _minutes_sentence(r: Reason) -> str:
    return _(
        "Send the minutes of “%(title)s” to the client within one business day: by %(due)s."
    ) % {"title": r.params.get("title", ""), "due": r.due}


def _task_sentence(r: Reason) -> str:
    return _("Agreed at “%(meeting)s”: %(title)s, by %(due)s.") % {
        "meeting": r.params.get("meeting", ""),
        "title": r.params.get("title", ""),
        "due": r.due,
    }


def kinds_register() -> None:
    """Called from :class:`MeetingsConfig.ready`."""
    kind_register(
        KindSpec(
            code=MINUTES_DUE,
            label=gettext_lazy("Send the minutes"),
            subject="meetings.meeting",
            sentence=_minutes_sentence,
            action=gettext_lazy("Write the minutes"),
            url=lambda item, reverse: reverse("meetings:detail", item.subject_id) + "#minutes",
        )
    )
    kind_register(
        KindSpec(
            code=ACTION_TASK,
            label=gettext_lazy("Action item from a meeting"),
            subject="meetings.point",
            sentence=_task_sentence,
            action=gettext_lazy("Open"),
            url=lambda item, reverse: reverse("meetings:point", item.subject_id),
        )
    )
