from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "agencydesk.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from agencydesk.approvals.choices import LINK_PURPOSE
        from agencydesk.approvals.kinds import kinds_register
        from agencydesk.core.signed_links import register_purpose

        kinds_register()
        register_purpose(LINK_PURPOSE)
