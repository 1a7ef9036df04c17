from django.db import models
from django.utils.translation import gettext_lazy as _


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    EXTRA_WORKDAY = "extra_workday", _("Extra working day")
    SHORTENED = "shortened", _("Other hours")
