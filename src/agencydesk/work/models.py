"""Deliverables (C6): what the agency promised to hand the client, by when, and its slip log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client
from agencydesk.core.validators import NAME_MAX_LENGTH, NOTES_MAX_LENGTH, REASON_MAX_LENGTH
from agencydesk.work.choices import DueChangeKind, Priority, Status

CHECKLIST_MAX = 30


class DeliverableType(models.Model):
    """A kind of deliverable from the catalogue, with its review rules.

    Names and checklist items are stored in English and shown through gettext
    (see :mod:`agencydesk.work.catalogue`), like the services of a contract.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    review_buffer_minutes = models.PositiveIntegerField(
        _("review buffer (business minutes)"),
        default=120,
        help_text=_("The internal review is due this much business time before the deadline."),
    )
    checklist = models.JSONField(
        _("review checklist"),
        default=list,
        blank=True,
        help_text=_("What the reviewer checks, one item a line."),
    )
    approval_required = models.BooleanField(_("client approval required"), default=False)
    launch_needs_approval = models.BooleanField(
        _("launch needs an approved version"),
        default=False,
        help_text=_(
            "Spend gate: it cannot be launched without the client's approval of its version."
        ),
    )

    class Meta:
        verbose_name = _("deliverable type")
        verbose_name_plural = _("deliverable types")
        ordering = ["name"]

    def __str__(self) -> str:
        return gettext(self.name)

    def checklist_items(self) -> list[str]:
        return [str(item) for item in self.checklist or []][:CHECKLIST_MAX]


class DeliverableSchedule(models.Model):
    """A recurring deliverable: an RFC 5545 rule (or the Nth working day of the month) at a time
    of the client's day; the desk's clock creates its occurrences ahead, each exactly once."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="schedules"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    type = models.ForeignKey(
        DeliverableType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rrule = models.CharField(_("recurrence rule (RFC 5545)"), max_length=500, blank=True)
    working_day = models.PositiveSmallIntegerField(
        _("working day of the month"),
        null=True,
        blank=True,
        help_text=_("1 for the first working day of each month in the client's calendar."),
    )
    time = models.TimeField(_("time of day (client time)"))
    on_closed_day = models.CharField(
        _("on a closed day"),
        max_length=10,
        choices=[
            ("next", _("move to the next working moment")),
            ("previous", _("move to the previous working moment")),
        ],
        default="next",
    )
    active = models.BooleanField(_("active"), default=True)
    created_until = models.DateTimeField(_("occurrences created until"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recurring deliverable")
        verbose_name_plural = _("recurring deliverables")
        ordering = ["client", "title"]
        indexes = [models.Index(fields=["active", "created_until"], name="schedule_due_idx")]

    def __str__(self) -> str:
        return self.title


class Deliverable(models.Model):
    """Something promised to a client for a due moment in the client's working hours.

    ``due_at`` is the current due moment; every moment it ever had is a
    :class:`DueChange` (the slip log), so moving a date never erases that the
    first one was missed. The review, the delivery and the delay notice are
    commitments of the ledger about this row.
    """

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    type = models.ForeignKey(
        DeliverableType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="deliverables",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="deliverables_owned",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="deliverables_reviewed",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    priority_reason = models.CharField(
        _("why this priority"), max_length=REASON_MAX_LENGTH, blank=True
    )
    links = models.JSONField(_("links to files"), default=list, blank=True)
    due_at = models.DateTimeField(_("due at"))
    original_due_at = models.DateTimeField(_("first due at"))
    review_due_at = models.DateTimeField(_("review due at"))
    at_risk = models.BooleanField(_("at risk"), default=False)
    at_risk_reason = models.CharField(_("why at risk"), max_length=REASON_MAX_LENGTH, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    late_without_notice = models.BooleanField(_("late without a delay notice"), default=False)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The spend it commits (a media plan's budget)."),
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    schedule = models.ForeignKey(
        DeliverableSchedule,
        verbose_name=_("recurring series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    commitments = GenericRelation(
        "commitments.Commitment", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["client", "status", "due_at"], name="deliverable_client_idx"),
            models.Index(fields=["status", "due_at"], name="deliverable_status_idx"),
        ]
        constraints = [
            # One occurrence of a series per due moment, however many clocks run.
            models.UniqueConstraint(
                fields=["schedule", "original_due_at"],
                condition=models.Q(schedule__isnull=False),
                name="deliverable_occurrence_once",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("work:detail", args=[self.pk])


class DueChange(models.Model):
    """One due moment a deliverable had: set at creation, moved, or announced in a delay notice."""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="due_history",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DueChangeKind.choices)
    due_at = models.DateTimeField(_("due at"))
    previous_due_at = models.DateTimeField(_("was due at"), null=True, blank=True)
    set_at = models.DateTimeField(_("set at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    message_id = models.PositiveBigIntegerField(
        _("notice message"), null=True, blank=True, help_text=_("The outbound delay notice.")
    )

    class Meta:
        verbose_name = _("due moment")
        verbose_name_plural = _("due moments (slip log)")
        ordering = ["set_at", "id"]

    def __str__(self) -> str:
        return f"{self.deliverable_id} · {self.due_at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """One internal review of a deliverable: the type's checklist worked through, passed or not."""

    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("deliverable"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    passed = models.BooleanField(_("passed"))
    comment = models.TextField(_("comment"), blank=True, max_length=NOTES_MAX_LENGTH)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.deliverable_id} · {'+' if self.passed else '-'} · {self.at:%Y-%m-%d %H:%M}"
