"""Meetings with clients (C9), their minutes, and the calendar feeds of the agency's people (C17)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client, Contact
from agencydesk.core.validators import NAME_MAX_LENGTH, NOTES_MAX_LENGTH, REASON_MAX_LENGTH
from agencydesk.meetings.choices import AcceptedHow, MinutesState, Outcome, PointKind, Verdict
from agencydesk.work.models import Deliverable, DeliverableType

POINT_MAX_LENGTH = 500
POINTS_MAX = 50


class Meeting(models.Model):
    """A meeting with a client, one-off or recurring (an RFC 5545 rule in the client's calendar).

    ``starts_at`` is the first occurrence; the time of day of every occurrence is
    the client's wall clock. ``warnings`` keep what the meeting window and the
    client's calendar said when it was planned (it is kept, not refused: a
    client may well agree to meet outside them).
    """

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    agenda = models.TextField(_("agenda"), blank=True, max_length=NOTES_MAX_LENGTH)
    location = models.CharField(_("place or call link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    rrule = models.CharField(
        _("repeats (RFC 5545 rule)"),
        max_length=500,
        blank=True,
        help_text=_("E.g. FREQ=WEEKLY;INTERVAL=2 for every two weeks; empty for a one-off."),
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("client participants"), related_name="meetings", blank=True
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency participants"),
        related_name="meetings",
        blank=True,
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    minutes_due_until = models.DateTimeField(
        _("minutes reminders opened until"),
        help_text=_("Occurrences up to here have their minutes commitment."),
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
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["client", "starts_at"], name="meeting_client_idx"),
            models.Index(fields=["minutes_due_until"], name="meeting_minutes_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])


class Minutes(models.Model):
    """What one occurrence of a meeting decided and who does what by when.

    Sent to every client participant through a signed link; accepted when
    everyone confirmed, or when nobody disputed by ``confirm_due_at``.
    ``version`` grows with every change after sending: older links then show
    that the minutes changed and decide nothing.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    held_at = models.DateTimeField(_("held at"))
    summary = models.TextField(_("summary"), blank=True, max_length=NOTES_MAX_LENGTH)
    state = models.CharField(
        _("state"), max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    sent_version = models.PositiveIntegerField(_("version sent"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirm_due_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_how = models.CharField(
        _("accepted how"), max_length=10, choices=AcceptedHow.choices, blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "held_at"], name="minutes_once_per_meeting")
        ]
        indexes = [models.Index(fields=["state", "confirm_due_at"], name="minutes_due_idx")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.held_at:%Y-%m-%d}"


class Point(models.Model):
    """A decision or an action item of the minutes.

    An action item (what, who, by when) becomes a deliverable or a task (a
    commitment of its owner) exactly once: ``deliverable`` is one-to-one and
    ``task_opened_at`` is set by a conditional update, and a point is found
    again by its text when the minutes are saved again.
    """

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="points"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PointKind.choices)
    text = models.CharField(_("text"), max_length=POINT_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("by when"), null=True, blank=True)
    outcome = models.CharField(_("becomes"), max_length=12, choices=Outcome.choices, blank=True)
    deliverable_type = models.ForeignKey(
        DeliverableType,
        verbose_name=_("deliverable type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deliverable = models.OneToOneField(
        Deliverable,
        verbose_name=_("deliverable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minutes_point",
    )
    task_opened_at = models.DateTimeField(_("task opened at"), null=True, blank=True)

    commitments = GenericRelation(
        "commitments.Commitment", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("point of the minutes")
        verbose_name_plural = _("points of the minutes")
        ordering = ["minutes", "kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "kind", "text"], name="point_once")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PointResponse(models.Model):
    """A participant's answer to one point of one version of the minutes, given through their link."""

    point = models.ForeignKey(
        Point, verbose_name=_("point"), on_delete=models.CASCADE, related_name="responses"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    verdict = models.CharField(_("answer"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=REASON_MAX_LENGTH)
    at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer to the minutes")
        verbose_name_plural = _("answers to the minutes")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "contact", "version"], name="point_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.contact_id} · {self.verdict}"


class FeedToken(models.Model):
    """The secret of a person's calendar feed: only its SHA-256 digest is kept.

    It opens the feed and nothing else (not the API, not a session); a new one
    revokes the old one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.prefix}…"
