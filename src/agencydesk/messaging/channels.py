"""Channel adapters: how the outbox delivers a message. One interface, one adapter per channel.

An adapter must be idempotent on ``outbox.idempotency_key``: the outbox may
call ``send`` again after a crash, and ``reconcile`` tells whether an earlier
attempt was delivered. Telegram and e-mail adapters register themselves here
in their own apps; until then every channel is the logged channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from agencydesk.messaging.models import OutboundMessage


class TemporaryFailure(Exception):
    """Try again later (rate limit, network, 5xx); ``retry_after`` seconds if the channel said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """The channel refuses this message for good (no such chat, blocked)."""


class ChannelAdapter(Protocol):
    name: str

    def send(self, outbox: OutboundMessage) -> str:
        """Deliver; returns the channel's id of the delivered message."""

    def reconcile(self, outbox: OutboundMessage) -> str | None:
        """The channel's id if an earlier attempt was delivered, else None."""


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

    def reconcile(self, outbox: OutboundMessage) -> str | None:
        from agencydesk.messaging.models import Delivery

        delivery = Delivery.objects.filter(idempotency_key=outbox.idempotency_key).first()
        return f"log-{delivery.pk}" if delivery else None


_ADAPTERS: dict[str, ChannelAdapter] = {}
_LOGGED = LoggedChannel()


def register_adapter(channel: str, adapter: ChannelAdapter) -> None:
    _ADAPTERS[channel] = adapter


def adapter_for(channel: str) -> ChannelAdapter:
    return _ADAPTERS.get(channel, _LOGGED)
