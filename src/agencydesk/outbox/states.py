from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxState(models.TextChoices):
    """Where an outbound row stands; every outbox table uses these and only these."""

    HELD = "held", _("Held for working hours")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
