"""Background work of business calendars."""

from __future__ import annotations

from django_tasks import task

from agencydesk.calendars.models import BusinessCalendar
from agencydesk.calendars.recompute import calendar_recompute
from agencydesk.core.workers import rerun_when_abandoned


@rerun_when_abandoned  # a stale revision makes a second run a no-op
@task()
def calendar_recompute_task(calendar_id: int, revision: int) -> int:
    """Recompute the open timers of a calendar after a change; a stale revision does nothing."""
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None or calendar.revision != revision:
        # Deleted, or changed again since: the newer change enqueued its own run.
        return 0
    return calendar_recompute(calendar=calendar)
