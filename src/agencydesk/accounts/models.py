from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.choices import Language, Role


class User(AbstractUser):
    """A person of the agency: signs in, owns clients and work, has one role."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER
    )
    language = models.CharField(
        _("interface language"), max_length=5, choices=Language.choices, blank=True
    )
    timezone = models.CharField(_("own time zone"), max_length=64, default=settings.TIME_ZONE)
    # The absences not over yet, as [first day, last day] ISO pairs, kept by the absence
    # services beside the Absence rows: who answers a client is read on every inbound
    # message, and the account manager is loaded with the client already.
    days_away = models.JSONField(_("days away"), default=list, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_director(self) -> bool:
        return self.is_admin or self.role == Role.DIRECTOR


class ApiToken(models.Model):
    """A Bearer token for the REST API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Absence(models.Model):
    """Days a person is away (both ends included, in their own time zone).

    While an account manager is away, their clients' new items go to each
    client's backup; the first day after ``ends_on`` they come back to them.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["user", "ends_on"], name="absence_user_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.starts_on}–{self.ends_on}"
