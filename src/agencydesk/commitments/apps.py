from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "agencydesk.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from agencydesk.accounts.handovers import Handover, register_handover
        from agencydesk.calendars.services import RECOMPUTERS
        from agencydesk.clients.selectors import client_column_register
        from agencydesk.clients.services import CALENDAR_MOVES, MANAGER_HANDOVERS
        from agencydesk.commitments.clock import TICKS
        from agencydesk.commitments.columns import overdue_count_column
        from agencydesk.commitments.history import history_register
        from agencydesk.commitments.services import (
            commitments_hand_over,
            commitments_hand_over_person,
            commitments_move_calendar,
            commitments_open_of,
            commitments_recompute_for_calendar,
        )
        from agencydesk.core.workers import tasks_abandoned_sweep

        history_register()
        client_column_register("overdue_count", overdue_count_column)
        if commitments_recompute_for_calendar not in RECOMPUTERS:
            RECOMPUTERS.append(commitments_recompute_for_calendar)
        if commitments_hand_over not in MANAGER_HANDOVERS:
            MANAGER_HANDOVERS.append(commitments_hand_over)
        if commitments_move_calendar not in CALENDAR_MOVES:
            CALENDAR_MOVES.append(commitments_move_calendar)
        register_handover(Handover(count=commitments_open_of, apply=commitments_hand_over_person))
        # Task rows of a worker that died are swept by every server and worker.
        if tasks_abandoned_sweep not in TICKS:
            TICKS.append(tasks_abandoned_sweep)
