"""The columns every outbox table shares; the state machine in :mod:`.machine` reads and writes only these."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.outbox.states import OutboxState


class OutboxRow(models.Model):
    """One thing the desk must deliver through a channel, and how far it got.

    Abstract on purpose: a client message (``messaging.OutboundMessage``) and a
    bot notice to a person (``telegram.TelegramNotice``) are different things
    to deliver (one is the delivery of a recorded ``Message`` in a client's
    conversation, with the client's visibility rules; the other is a text to a
    chat of a colleague, with no client at all), so each keeps its own table,
    keys and admin. What they share is exactly these columns, and one state
    machine operating on them: same states, same backoff, same stuck-send rule,
    same attempt counting. One table for both would make half of its columns
    nullable and every client-data query special-case the rows with no client.

    ``idempotency_key`` travels with the delivery so a retry after a crash is
    recognised by the channel and never delivered twice. ``claimed_at`` is
    when a worker took the row to send it: a row still ``sending`` long after
    that is a dead worker's, and is reconciled from what the channel says.
    """

    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED
    )
    send_after = models.DateTimeField(_("send after"))
    held_reason = models.CharField(_("held because"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    enqueued_at = models.DateTimeField(_("last handed to a worker"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    external_id = models.CharField(_("id in the channel"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        abstract = True

    @property
    def outbox_channel(self) -> str:
        """The name of the adapter that delivers this row."""
        raise NotImplementedError
