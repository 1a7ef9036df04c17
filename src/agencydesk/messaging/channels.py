"""The logged channel: how the outbox delivers a client message when no real channel is set up.

The adapter protocol, the failures and the registry are the outbox's
(:mod:`agencydesk.outbox.adapters`); they are re-exported here for the code
that reads them from messaging. Telegram registers its own adapter in its app;
every other channel (e-mail until its connector lands) is the logged channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from agencydesk.outbox.adapters import (
    ChannelAdapter,
    Failure,
    PermanentFailure,
    TemporaryFailure,
    adapter_for,
    channel_failure,
    register_adapter,
)

if TYPE_CHECKING:
    from agencydesk.messaging.models import OutboundMessage

__all__ = [
    "ChannelAdapter",
    "LoggedChannel",
    "PermanentFailure",
    "TemporaryFailure",
    "adapter_for",
    "register_adapter",
]


class LoggedChannel:
    """Records the delivery in the database: the channel of record until a real one is set up."""

    name = "logged"

    def send(self, outbox: OutboundMessage) -> str:
        from agencydesk.messaging.models import Delivery

        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    idempotency_key=outbox.idempotency_key,
                    channel=outbox.channel,
                    client_id=outbox.client_id,
                    text=outbox.message.text,
                    delivered_at=timezone.now(),
                )
        except IntegrityError:
            # Delivered by an earlier attempt: the same key never delivers twice.
            delivery = Delivery.objects.get(idempotency_key=outbox.idempotency_key)
        return f"log-{delivery.pk}"

    def classify(self, exc: Exception) -> Failure | None:
        return channel_failure(exc)

    def reconcile(self, outbox: OutboundMessage) -> str | None:
        from agencydesk.messaging.models import Delivery

        delivery = Delivery.objects.filter(idempotency_key=outbox.idempotency_key).first()
        return f"log-{delivery.pk}" if delivery else None
