from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailConfig(AppConfig):
    name = "agencydesk.integrations.email"
    label = "email"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        from agencydesk.commitments.clock import TICKS
        from agencydesk.integrations.email.adapter import EmailAdapter
        from agencydesk.integrations.email.digest import digests_queue
        from agencydesk.integrations.email.models import EmailNotice
        from agencydesk.integrations.email.tasks import email_tick, notice_send
        from agencydesk.outbox.adapters import register_adapter
        from agencydesk.outbox.services import outbox_register_table

        # Client messages by e-mail: one more adapter of the one outbox.
        register_adapter("email", EmailAdapter())
        outbox_register_table(model=EmailNotice, task=notice_send)
        # Every worker's clock hands the mailboxes due for a poll to a worker (one at a time each).
        TICKS.append(email_tick)
        # The daily digest of Today by e-mail, at the start of each person's day.
        TICKS.append(digests_queue)
