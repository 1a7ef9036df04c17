from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "agencydesk.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from agencydesk.approvals.choices import LINK_PURPOSE
        from agencydesk.approvals.from_messages import approval_offer_build
        from agencydesk.approvals.kinds import kinds_register
        from agencydesk.core.signed_links import register_purpose
        from agencydesk.messaging.hooks import inbound_hook_register

        kinds_register()
        register_purpose(LINK_PURPOSE)
        inbound_hook_register(approval_offer_build)
