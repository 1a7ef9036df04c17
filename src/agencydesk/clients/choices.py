from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class ClientLanguage(models.TextChoices):
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    BG = "bg", _("Bulgarian")
    EN = "en", _("English")
    KK = "kk", _("Kazakh")


class Channel(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other messenger")


class AddressForm(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


class DecisionPower(models.TextChoices):
    DECIDES = "decides", _("Decides")
    APPROVES = "approves", _("Approves")
    INFORMS = "informs", _("Is informed")


class KeyEventKind(models.TextChoices):
    LAUNCH = "launch", _("Launch")
    REPORT = "report", _("Report date")
    TRADE_SHOW = "trade_show", _("Trade show")
    CRISIS = "crisis", _("Crisis")
    OTHER = "other", _("Other")


class WorkingFileKind(models.TextChoices):
    STRATEGY = "strategy", _("Strategy")
    CONTENT_PLAN = "content_plan", _("Content plan")
    MEDIA_PLAN = "media_plan", _("Media plan")
    BRAND_BOOK = "brand_book", _("Brand book")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    POSTPAID = "postpaid", _("Postpaid")


class VolumeUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    ITEMS = "items", _("items")
    POSTS = "posts", _("posts")
    PUBLICATIONS = "publications", _("publications")
    REPORTS = "reports", _("reports")
    EVENTS = "events", _("events")
