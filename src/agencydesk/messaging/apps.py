from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "agencydesk.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from agencydesk.clients.selectors import client_column_register
        from agencydesk.commitments.clock import TICKS
        from agencydesk.messaging.channels import LoggedChannel
        from agencydesk.messaging.columns import last_touch_column
        from agencydesk.messaging.kinds import kinds_register
        from agencydesk.messaging.models import OutboundMessage
        from agencydesk.messaging.tasks import outbox_send
        from agencydesk.outbox.adapters import register_adapter
        from agencydesk.outbox.services import outbox_register_table, outbox_tick

        # Client messages are one table of the one outbox; every channel without
        # an adapter of its own (e-mail, until its connector) is the logged one.
        outbox_register_table(
            model=OutboundMessage, task=outbox_send, related=["message__conversation"]
        )
        register_adapter("logged", LoggedChannel(), fallback=True)
        # Holds that end, lost hand-overs and dead workers' sends, of every outbox table.
        if outbox_tick not in TICKS:
            TICKS.append(outbox_tick)
        kinds_register()
        client_column_register("last_touch_at", last_touch_column)
