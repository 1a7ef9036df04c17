from django.db import models
from django.utils.translation import gettext_lazy as _


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for confirmation")
    DISPUTED = "disputed", _("Disputed")
    ACCEPTED = "accepted", _("Accepted")


class PointKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action item")


class Outcome(models.TextChoices):
    DELIVERABLE = "deliverable", _("Deliverable")
    TASK = "task", _("Task")


class Verdict(models.TextChoices):
    CONFIRM = "confirm", _("Confirmed")
    DISPUTE = "dispute", _("Disputed")


class AcceptedHow(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed by every participant")
    SILENCE = "silence", _("no dispute by the confirmation deadline")


# The kinds of commitment the meetings app declares (see ``meetings/kinds.py``).
MINUTES_DUE = "meetings_minutes"
ACTION_TASK = "meetings_action"

# Signed links of minutes (core/signed_links).
LINK_PURPOSE = "minutes"
