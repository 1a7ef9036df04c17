from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "agencydesk.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from agencydesk.messaging.kinds import kinds_register

        kinds_register()
