from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.calendars.choices import ExceptionKind


class BusinessCalendar(models.Model):
    """A time zone, weekly working hours and days off: the time every timer of a client runs in.

    One calendar is the agency default; a client either has its own or uses
    the default. ``revision`` grows with every change so cached engines know
    they are stale.
    """

    name = models.CharField(_("name"), max_length=120)
    timezone = models.CharField(_("time zone"), max_length=64)
    hours = models.CharField(
        _("working hours"),
        max_length=300,
        default="mon-fri 09:00-18:00",
        help_text=_("For example: mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45"),
    )
    country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        help_text=_("ISO country code, such as RU, UA, BG, KZ, GB; empty for none."),
    )
    subdivision = models.CharField(_("region"), max_length=10, blank=True)
    is_default = models.BooleanField(_("agency default"), default=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="calendars_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarException(models.Model):
    """One date that differs from the weekly hours: a day off, a moved working day, other hours."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    hours = models.CharField(
        _("hours"), max_length=100, blank=True, help_text=_("For example: 09:00-17:00")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendars_exception_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
