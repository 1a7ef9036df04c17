from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "agencydesk.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from agencydesk.calendars.services import RECOMPUTERS
        from agencydesk.clients.services import MANAGER_HANDOVERS
        from agencydesk.commitments.services import (
            commitments_hand_over,
            commitments_recompute_for_calendar,
        )

        if commitments_recompute_for_calendar not in RECOMPUTERS:
            RECOMPUTERS.append(commitments_recompute_for_calendar)
        if commitments_hand_over not in MANAGER_HANDOVERS:
            MANAGER_HANDOVERS.append(commitments_hand_over)
