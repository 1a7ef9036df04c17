from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.calendars.models import BusinessCalendar
from agencydesk.clients.models import Client
from agencydesk.commitments.choices import State
from agencydesk.commitments.kinds import kind_label, validate_kind


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def about(self, subject: models.Model) -> CommitmentQuerySet:
        """The commitments about ``subject`` (on the subject index)."""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )


class Commitment(models.Model):
    """One promise to a client: what, for whom, who owns it, when it falls due, and why.

    ``due_at`` is ``start_at`` plus ``business_minutes`` in ``calendar``, so a
    change to the calendar recomputes it in bulk. ``visible_from`` is when it
    enters the owner's Today queue; ``action_at`` is when the desk itself acts
    next (an automatic acknowledgement, an escalation). The reason is kept as a
    code with parameters and rendered in the reader's language.

    ``kind`` is declared by the app that owns the rule (see
    :mod:`agencydesk.commitments.kinds`), so it is validated against the
    registry, not a fixed list of choices; the kind also chooses the sentence.

    **The subject** (what the commitment is about: a message, a Telegram chat, a
    client, later a deliverable, an approval, a meeting, an invoice) is a
    generic relation (``subject_type``, ``subject_id``), and so is ``met_by``
    (the event that met it). One nullable key per subject app would make this
    table, the lowest of the domain apps, depend on every app above it, and
    grow a column and a migration with each new kind; a generic pair keeps
    ``commitments`` importing no app above it. What a generic relation costs
    is a join the database cannot follow: the subject app asks its own
    questions ("the open first response of this conversation") with an
    ``Exists`` over its own table, on the ``(subject_type, subject_id)`` index.
    Today never needs the subject, only its id, so it stays one indexed query
    over this table. Deleting a subject deletes its commitments through the
    subject model's ``GenericRelation``; deleting a client deletes them through
    ``client``.
    """

    kind = models.CharField(_("kind"), max_length=40, validators=[validate_kind])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="commitments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"))
    subject = GenericForeignKey("subject_type", "subject_id")
    start_at = models.DateTimeField(_("counted from"))
    business_minutes = models.PositiveIntegerField(_("business minutes"))
    due_at = models.DateTimeField(_("due at"))
    visible_from = models.DateTimeField(_("shown from"))
    action_at = models.DateTimeField(_("desk acts at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    breached_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by_type = models.ForeignKey(
        ContentType,
        verbose_name=_("met by (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    met_by_id = models.PositiveBigIntegerField(_("met by (id)"), null=True, blank=True)
    met_by = GenericForeignKey("met_by_type", "met_by_id")
    response_minutes = models.FloatField(_("business minutes to meet"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    step = models.PositiveSmallIntegerField(
        _("step"), default=0, help_text=_("Follow-ups sent so far, for follow-up chains.")
    )
    reason_params = models.JSONField(_("reason details"), default=dict, blank=True)
    # An urgent client message's items go to the top of Today (#16).
    urgent = models.BooleanField(_("urgent"), default=False, db_default=False)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at", "id"]
        indexes = [
            # Today: one owner's active commitments by due moment.
            models.Index(fields=["owner", "state", "-urgent", "due_at"], name="commit_today_idx"),
            # The desk's clock: what must happen next.
            models.Index(fields=["state", "action_at"], name="commit_action_idx"),
            models.Index(fields=["state", "due_at"], name="commit_due_idx"),
            models.Index(fields=["calendar", "state"], name="commit_calendar_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "kind", "state"], name="commit_subject_idx"
            ),
            models.Index(fields=["client", "kind", "state"], name="commit_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{kind_label(self.kind)} · {self.client_id} · {self.due_at:%Y-%m-%d %H:%M}"


class Breach(models.Model):
    """A commitment that was not met in time, with how late it was: the evidence health reads."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="breaches"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="breaches"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breaches",
    )
    kind = models.CharField(_("kind"), max_length=40, validators=[validate_kind])
    due_at = models.DateTimeField(_("was due at"))
    at = models.DateTimeField(_("recorded at"))
    late_minutes = models.FloatField(
        _("business minutes late"), null=True, blank=True, help_text=_("Filled in when it is met.")
    )

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["client", "at"], name="breach_client_idx"),
            models.Index(fields=["owner", "at"], name="breach_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{kind_label(self.kind)} · {self.due_at:%Y-%m-%d %H:%M}"
