from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "agencydesk.work"
    label = "work"
    verbose_name = _("Deliverables")

    def ready(self) -> None:
        from agencydesk.work.kinds import kinds_register

        kinds_register()
