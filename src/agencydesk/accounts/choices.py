from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("Account director")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    SPECIALIST = "specialist", _("Specialist")
    FINANCE = "finance", _("Finance")


class Language(models.TextChoices):
    EN = "en", "English"
    RU = "ru", "Русский"
    UK = "uk", "Українська"
    BG = "bg", "Български"
