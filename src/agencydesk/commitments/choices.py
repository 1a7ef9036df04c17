from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("Reply to the client")
    QUESTION = "question", _("Answer the question")
    KEEP_IN_TOUCH = "keep_in_touch", _("Keep in touch")
    FOLLOW_UP = "follow_up", _("Follow up")
    CALL = "call", _("Call the client")
    TELEGRAM_LOST = "telegram_lost", _("Telegram chat lost")


class State(models.TextChoices):
    OPEN = "open", _("Open")
    BREACHED = "breached", _("Missed")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


# States that still need someone to act.
ACTIVE_STATES = (State.OPEN, State.BREACHED)


class Severity(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    SOON = "soon", _("Due soon")
    LATER = "later", _("Later")
