from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramConfig(AppConfig):
    name = "agencydesk.integrations.telegram"
    label = "telegram"
    verbose_name = _("Telegram")

    def ready(self) -> None:
        from agencydesk.accounts.profile import ProfileSection, register_profile_section
        from agencydesk.commitments.clock import TICKS
        from agencydesk.core.history import HistorySubject, history_subject_register
        from agencydesk.integrations.telegram.adapter import TelegramAdapter
        from agencydesk.integrations.telegram.alerts import telegram_tick
        from agencydesk.integrations.telegram.kinds import kinds_register
        from agencydesk.integrations.telegram.models import TelegramNotice
        from agencydesk.integrations.telegram.selectors import alert_chats
        from agencydesk.integrations.telegram.tasks import notice_send, updates_stale_process
        from agencydesk.outbox.adapters import register_adapter
        from agencydesk.outbox.services import outbox_register_table

        # Client messages in Telegram and the bot's notices to people: one adapter, one outbox.
        register_adapter("telegram", TelegramAdapter())
        outbox_register_table(model=TelegramNotice, task=notice_send)
        kinds_register()
        # A link code is a secret: the client's history says one was made, never which.
        history_subject_register("telegram.linkcode", HistorySubject(secret=True))
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
