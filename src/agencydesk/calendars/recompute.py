"""Recomputing the open timers of a calendar after it changed.

Apart from ``services`` so that the task that runs it imports no service: the
services enqueue the task, and the task must not import them back.
"""

from __future__ import annotations

from collections.abc import Callable

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.calendars.selectors import calendar_engine

# Apps whose timers run on business calendars register a function here (in
# their AppConfig.ready); each gets the calendar and its new engine after every
# change and recomputes its open due moments in bulk with ``add_many``.
Recomputer = Callable[[BusinessCalendar, WorkCalendar], int]
RECOMPUTERS: list[Recomputer] = []


def calendar_recompute(*, calendar: BusinessCalendar) -> int:
    """Recompute every open timer on ``calendar``; returns how many due moments moved."""
    engine = calendar_engine(calendar)
    return sum(recompute(calendar, engine) for recompute in RECOMPUTERS)
