from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramConfig(AppConfig):
    name = "agencydesk.integrations.telegram"
    label = "telegram"
    verbose_name = _("Telegram")

    def ready(self) -> None:
        from agencydesk.accounts.profile import ProfileSection, register_profile_section
        from agencydesk.commitments.clock import TICKS
        from agencydesk.integrations.telegram.adapter import TelegramAdapter
        from agencydesk.integrations.telegram.alerts import telegram_tick
        from agencydesk.integrations.telegram.kinds import kinds_register
        from agencydesk.integrations.telegram.selectors import alert_chats
        from agencydesk.integrations.telegram.tasks import updates_stale_process
        from agencydesk.messaging.channels import register_adapter

        register_adapter("telegram", TelegramAdapter())
        kinds_register()
        # Alerts and the daily digest go out from the desk's clock in every server and worker.
        TICKS.append(telegram_tick)
        # Stored updates whose task was lost are processed by the clock.
        TICKS.append(updates_stale_process)
        # The person's profile shows where their alerts go, with a way to link them.
        register_profile_section(
            ProfileSection(
                template="telegram/_profile_alerts.html",
                context=lambda user: {"alert_chats": alert_chats(user=user)},
            )
        )
