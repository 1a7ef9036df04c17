from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_WORK = "in_work", _("In work")
    IN_REVIEW = "in_review", _("In review")
    READY = "ready", _("Ready")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


# Not yet handed to the reviewer: at the internal deadline such a deliverable is at risk.
NOT_IN_REVIEW = (Status.PLANNED, Status.IN_WORK, Status.CHANGES_REQUESTED)
# Already with the client.
OUT = (Status.DELIVERED, Status.ACCEPTED)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    CAN_WAIT = "can_wait", _("Can wait")


class DueChangeKind(models.TextChoices):
    SET = "set", _("Set when created")
    NOTICE = "notice", _("Delay notice to the client")
    MOVED = "moved", _("Moved")


# The kinds of commitment the work app declares (see ``work/kinds.py``).
REVIEW = "work_review"
DELIVERY = "work_delivery"
DELAY_NOTICE = "work_delay_notice"
LATE_WITHOUT_NOTICE = "work_late_without_notice"
