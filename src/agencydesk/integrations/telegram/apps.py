from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramConfig(AppConfig):
    name = "agencydesk.integrations.telegram"
    label = "telegram"
    verbose_name = _("Telegram")

    def ready(self) -> None:
        from agencydesk.integrations.telegram.adapter import TelegramAdapter
        from agencydesk.messaging.channels import register_adapter

        register_adapter("telegram", TelegramAdapter())
