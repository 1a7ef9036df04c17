from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "agencydesk.commitments"
    label = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from agencydesk.calendars.services import RECOMPUTERS
        from agencydesk.commitments.services import commitments_recompute_for_calendar

        if commitments_recompute_for_calendar not in RECOMPUTERS:
            RECOMPUTERS.append(commitments_recompute_for_calendar)
