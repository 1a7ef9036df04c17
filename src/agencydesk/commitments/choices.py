from django.db import models
from django.utils.translation import gettext_lazy as _


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
