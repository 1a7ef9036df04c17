"""Approvals (C8): a deliverable's version sent to the client's approvers, round by round, and
their decisions — the written record that survives a deleted messenger message."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.approvals.choices import DecisionChannel, RequestState, RoundState, Verdict
from agencydesk.clients.models import Client, Contact
from agencydesk.core.validators import LINK_MAX_LENGTH, NOTES_MAX_LENGTH, validate_web_link
from agencydesk.messaging.models import Message
from agencydesk.work.models import Deliverable

FILE_NAME_MAX_LENGTH = 200


class ApprovalRequest(models.Model):
    """A deliverable put to the client's approvers; ``round`` is its current round.

    The state, the decision due moment and the amount are those of the current
    round (:class:`ApprovalRound` keeps every round's own), copied here so that
    lists, Today and the spend gate read one row.
    """

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="approval_requests",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    approvers = models.ManyToManyField(Contact, verbose_name=_("approvers"), related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=24, choices=RequestState.choices, default=RequestState.WAITING
    )
    decision_due_at = models.DateTimeField(_("decision due at"))
    amount = models.DecimalField(
        _("amount approved (snapshot)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    disagreement = models.BooleanField(
        _("approvers disagree"),
        default=False,
        help_text=_("The account manager proposes one option and records the client's choice."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    commitments = GenericRelation(
        "commitments.Commitment", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["deliverable", "-created_at"], name="approval_deliverable_idx"),
            models.Index(fields=["client", "state"], name="approval_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} · {self.round}"


class ApprovalRound(models.Model):
    """One version put to the approvers: the material (a link and/or a file), its due moment, its outcome."""

    request = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval request"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    number = models.PositiveSmallIntegerField(_("round"))
    material_url = models.URLField(
        _("link to the material"),
        max_length=LINK_MAX_LENGTH,
        blank=True,
        validators=[validate_web_link],
    )
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_MAX_LENGTH, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_content = models.BinaryField(_("file"), blank=True, editable=False)
    note = models.TextField(_("note"), blank=True, max_length=NOTES_MAX_LENGTH)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"))
    decision_due_at = models.DateTimeField(_("decision due at"))
    state = models.CharField(
        _("state"), max_length=12, choices=RoundState.choices, default=RoundState.WAITING
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Verdict.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    over_limit = models.BooleanField(_("beyond the contract's revision rounds"), default=False)
    disagreement = models.BooleanField(_("approvers disagreed"), default=False)

    class Meta:
        verbose_name = _("approval round")
        verbose_name_plural = _("approval rounds")
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="approval_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} · {self.number}"


class Decision(models.Model):
    """One approver's decision on a round: what, why, who, when, and through which channel."""

    request = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval request"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    round = models.ForeignKey(
        ApprovalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="decisions"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("approver"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("approver's name"), max_length=200)
    verdict = models.CharField(_("decision"), max_length=24, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=NOTES_MAX_LENGTH)
    taste_driven = models.BooleanField(
        _("taste-driven edit"),
        default=False,
        help_text=_("Changes asked for taste, not for a fault of the work."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DecisionChannel.choices)
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.BooleanField(
        _("the client's chosen option"),
        default=False,
        help_text=_("Recorded by the account manager when approvers disagreed."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["round", "at", "id"]
        constraints = [
            # One decision per approver per round (a resolution is the account manager's).
            models.UniqueConstraint(
                fields=["round", "contact"],
                condition=models.Q(resolution=False),
                name="approval_decision_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_name} · {self.verdict}"
