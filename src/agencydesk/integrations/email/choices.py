from django.db import models
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (local testing only)")


class Classification(models.TextChoices):
    """What an arriving e-mail is: only ``human`` is a client's message that waits for an answer."""

    HUMAN = "human", _("Written by a person")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    OUT_OF_OFFICE = "out_of_office", _("Out of office")
    BOUNCE = "bounce", _("Delivery failure (bounce)")
    BULK = "bulk", _("Bulk or list mail")
    LOOP = "loop", _("Our own message (loop)")


class InboundState(models.TextChoices):
    RECORDED = "recorded", _("Recorded in a conversation")
    UNKNOWN = "unknown", _("Unknown sender, kept for triage")
    BOUNCE = "bounce", _("Bounce joined to our message")
    IGNORED = "ignored", _("Dismissed in triage")


class SendOutcome(models.TextChoices):
    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Accepted by the SMTP server")
    FAILED = "failed", _("Refused before sending")
