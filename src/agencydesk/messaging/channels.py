"""The logged channel: how the outbox delivers a client message when no real channel is set up.

It is one adapter of the outbox (:mod:`agencydesk.outbox.adapters` holds the
protocol, the failures and the registry), registered by messaging as the
fallback: Telegram registers its own adapter in its app; every other channel
(e-mail until its connector lands) is the logged channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from agencydesk.messaging.models import Delivery
from agencydesk.outbox.adapters import Failure, channel_failure

if TYPE_CHECKING:
    from agencydesk.messaging.models import OutboundMessage


class LoggedChannel:
    """Records the delivery in the database: the channel of record until a real one is set up."""

    name = "logged"

    def send(self, outbox: OutboundMessage) -> str:
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
        delivery = Delivery.objects.filter(idempotency_key=outbox.idempotency_key).first()
        return f"log-{delivery.pk}" if delivery else None
