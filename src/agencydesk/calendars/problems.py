"""What the business-time engine rejects, said in the reader's language.

The engine has no Django in it and speaks English; its working-hours errors
carry a code and parameters, which this module turns into a translated sentence.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from agencydesk.calendars._hours import HoursError

HOURS_PROBLEMS = {
    "bad_time": _("“%(time)s” is not a time: use HH:MM from 00:00 to 24:00."),
    "start_at_24": _("24:00 can only end an interval, not start one."),
    "empty": _("No hours are given for %(where)s."),
    "bad_interval": _("“%(interval)s” (%(where)s) is not an interval: write it like 09:00-18:00."),
    "reversed": _(
        "%(interval)s on %(where)s ends before it starts. An interval may not cross midnight: "
        "write 22:00-24:00 on one day and 00:00-06:00 on the next."
    ),
    "overlap": _("On %(where)s the intervals %(first)s and %(second)s overlap."),
    "unknown_day": _("Unknown day “%(day)s”: use mon, tue, wed, thu, fri, sat, sun."),
    "no_days": _("Name the days before the hours, for example mon-fri 09:00-18:00."),
    "no_hours_after": _("No hours are given after “%(days)s”."),
    "day_twice": _("The day %(day)s is named twice."),
    "no_week": _("There are no working hours in the week."),
    "not_text": _("Write the hours as text, for example mon-fri 09:00-18:00."),
}


def problem_text(exc: ValueError) -> str:
    """The engine's complaint in the active language (its own English for anything else)."""
    if isinstance(exc, HoursError) and exc.code in HOURS_PROBLEMS:
        return str(HOURS_PROBLEMS[exc.code]) % exc.params
    return str(exc)
