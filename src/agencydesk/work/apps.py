from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "agencydesk.work"
    label = "work"
    verbose_name = _("Deliverables")

    def ready(self) -> None:
        from agencydesk.commitments.clock import TICKS
        from agencydesk.work.kinds import kinds_register
        from agencydesk.work.schedules import schedules_tick

        kinds_register()
        if schedules_tick not in TICKS:
            TICKS.append(schedules_tick)
