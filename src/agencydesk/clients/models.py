from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agencydesk.calendars.models import BusinessCalendar
from agencydesk.clients.choices import (
    AddressForm,
    Channel,
    ClientLanguage,
    ClientStatus,
    DecisionPower,
    KeyEventKind,
    PaymentTerms,
    VolumeUnit,
    WorkingFileKind,
)
from agencydesk.core.validators import NOTES_MAX_LENGTH, validate_web_link


class Client(models.Model):
    """A company the agency serves: its dossier, its people in the agency and its etiquette card.

    The etiquette card (preferred channel, address, tone, weekends, calls,
    meeting cadence, topics to avoid) lives on the client itself because every
    outbound message reads it.
    """

    name = models.CharField(pgettext_lazy("company", "name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    business_summary = models.TextField(
        _("business summary"), blank=True, max_length=NOTES_MAX_LENGTH
    )
    reputation_notes = models.TextField(
        _("reputation notes"), blank=True, max_length=NOTES_MAX_LENGTH
    )
    goals = models.TextField(_("goals and KPIs"), blank=True, max_length=NOTES_MAX_LENGTH)
    target_audiences = models.TextField(
        _("target audiences"), blank=True, max_length=NOTES_MAX_LENGTH
    )
    key_messages = models.TextField(_("key messages"), blank=True, max_length=NOTES_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=12, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    language = models.CharField(
        _("language"), max_length=5, choices=ClientLanguage.choices, default=ClientLanguage.RU
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("own business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        help_text=_("Empty: the agency default calendar."),
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_clients",
    )
    backup_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("backup account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backed_up_clients",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account team"),
        blank=True,
        related_name="team_clients",
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the account team and directors see a confidential client."),
    )
    # Etiquette card
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, default=Channel.TELEGRAM
    )
    address_form = models.CharField(
        _("form of address"), max_length=10, choices=AddressForm.choices, default=AddressForm.FORMAL
    )
    emoji_allowed = models.BooleanField(_("emoji welcome"), default=False)
    memes_allowed = models.BooleanField(_("memes welcome"), default=False)
    weekends_allowed = models.BooleanField(_("messages on weekends allowed"), default=False)
    calls_need_arrangement = models.BooleanField(_("calls need pre-arrangement"), default=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(
        _("meeting every (days)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    topics_to_avoid = models.TextField(
        _("topics to avoid"), blank=True, max_length=NOTES_MAX_LENGTH
    )
    etiquette_notes = models.TextField(
        _("etiquette notes"), blank=True, max_length=NOTES_MAX_LENGTH
    )
    crisis_mode = models.BooleanField(
        _("crisis mode"),
        default=False,
        help_text=_("In a crisis, messages go out at once, even outside working hours."),
    )
    # Service targets: every timer of this client is computed from these.
    first_response_minutes = models.PositiveSmallIntegerField(
        _("first response within (working minutes)"),
        default=10,
        validators=[MinValueValidator(1)],
    )
    urgent_response_minutes = models.PositiveSmallIntegerField(
        _("urgent messages: first response within (working minutes)"),
        default=5,
        db_default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A message the desk reads as urgent (\u201cсрочно\u201d, ASAP, a live problem) gets "
            "this shorter target and goes to the top of Today."
        ),
    )
    ack_delay_minutes = models.PositiveSmallIntegerField(
        _("automatic acknowledgement after (working minutes)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "If nobody has answered by then, the desk tells the client the message is received."
        ),
    )
    keep_in_touch_days = models.PositiveSmallIntegerField(
        _("keep in touch at least every (days)"), default=7, validators=[MinValueValidator(2)]
    )
    follow_up_hours = models.PositiveSmallIntegerField(
        _("follow up a silent client after (working hours)"),
        default=16,
        validators=[MinValueValidator(1)],
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["account_manager", "status"], name="clients_am_status_idx"),
            models.Index(fields=["status", "name"], name="clients_status_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("clients:detail", args=[self.pk])


class Contact(models.Model):
    """A person on the client's side: who they are, what they may decide, how to reach them."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    decision_power = models.CharField(
        _("decision power"),
        max_length=10,
        choices=DecisionPower.choices,
        default=DecisionPower.APPROVES,
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    telegram_username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, blank=True
    )
    address_form = models.CharField(
        _("form of address"), max_length=10, choices=AddressForm.choices, blank=True
    )
    address_as = models.CharField(
        _("address as"), max_length=120, blank=True, help_text=_("For example: Ivan Petrovich")
    )
    is_primary = models.BooleanField(_("main contact"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [
            models.Index(fields=["email"], name="clients_contact_email_idx"),
            models.Index(fields=["telegram_username"], name="clients_contact_tg_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # People type a Telegram username as they see it, "@dana_s": the stored name is the
        # bare one (the pages add the "@"; Telegram's own updates carry it bare).
        self.telegram_username = self.telegram_username.strip().lstrip("@").strip()


class KeyEvent(models.Model):
    """A date that matters to the client (launch, report, trade show, crisis) and how early to prepare."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="key_events"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=KeyEventKind.choices, default=KeyEventKind.OTHER
    )
    date = models.DateField(_("date"))
    prep_lead_days = models.PositiveSmallIntegerField(
        _("prepare (days ahead)"), default=14, help_text=_("Business days of preparation.")
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)

    class Meta:
        verbose_name = _("key event")
        verbose_name_plural = _("key events")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"


class MonitoringTopic(models.Model):
    """A subject of the client's news agenda the agency watches."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="monitoring_topics",
    )
    topic = models.CharField(_("topic"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("monitoring topic")
        verbose_name_plural = _("monitoring topics")
        ordering = ["topic"]

    def __str__(self) -> str:
        return self.topic


class WorkingFileLink(models.Model):
    """One entry of the client's working file: an ordered link to a key document."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="working_file"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=14, choices=WorkingFileKind.choices, default=WorkingFileKind.OTHER
    )
    url = models.URLField(_("link"), max_length=500, validators=[validate_web_link])
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        verbose_name = _("working file link")
        verbose_name_plural = _("working file")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Service(models.Model):
    """An entry of the agency's service catalogue (PR, SMM, SEO, design, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    default_unit = models.CharField(
        _("unit"), max_length=14, choices=VolumeUnit.choices, default=VolumeUnit.HOURS
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")
        ordering = ["name"]

    def __str__(self) -> str:
        # Catalogue names the agency did not rename are translated (see catalogue.py).
        return gettext(self.name)


class Contract(models.Model):
    """The agreement with a client: period, scope, revision rounds, approval turnaround, payment."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contracts"
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    revision_rounds = models.PositiveSmallIntegerField(_("revision rounds included"), default=2)
    approval_turnaround_days = models.PositiveSmallIntegerField(
        _("client approval turnaround (business days)"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=10,
        choices=PaymentTerms.choices,
        default=PaymentTerms.POSTPAID,
    )
    payment_days = models.PositiveSmallIntegerField(_("payment within (days)"), default=10)
    monthly_fee = models.DecimalField(
        _("monthly fee"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="clients_contract_period",
                violation_error_message=_("The contract cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.number or f"{self.client} {self.starts_on:%Y-%m-%d}"


class ContractService(models.Model):
    """A service included in a contract with its monthly volume."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="services"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_volume = models.DecimalField(
        _("monthly volume"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: not limited."),
    )
    unit = models.CharField(_("unit"), max_length=14, choices=VolumeUnit.choices)

    class Meta:
        verbose_name = _("contracted service")
        verbose_name_plural = _("contracted services")
        constraints = [
            models.UniqueConstraint(fields=["contract", "service"], name="clients_contract_service")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.monthly_volume or ''} {self.unit}"
