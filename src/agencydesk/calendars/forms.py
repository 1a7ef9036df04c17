from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from agencydesk.calendars.choices import ExceptionKind
from agencydesk.calendars.engine import parse_intervals
from agencydesk.calendars.models import BusinessCalendar
from agencydesk.calendars.problems import problem_text
from agencydesk.calendars.services import calendar_check
from agencydesk.core.forms import model_fields_form

CALENDAR_FORM_FIELDS = ["timezone", "hours", "country", "subdivision"]


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(
        sorted(
            n
            for n in zoneinfo.available_timezones()
            if "/" in n and not n.startswith(("Etc/", "SystemV/"))
        )
    )


def timezone_choices() -> list[tuple[str, str]]:
    """Every zone with its offset now ("Europe/Moscow · UTC+03:00"), read again per form: DST moves it."""
    now = datetime.now(UTC)
    choices = []
    for name in _zone_names():
        text = now.astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
        choices.append((name, f"{name.replace('_', ' ')} · UTC{text[:3]}:{text[3:]}"))
    return choices


class CalendarForm(model_fields_form(BusinessCalendar, CALENDAR_FORM_FIELDS)):  # type: ignore[misc]
    """A calendar's settings: cleaned values for the service, the calendar itself untouched."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.errors:
            try:
                calendar_check(
                    timezone=data["timezone"],
                    hours=data["hours"],
                    country=data.get("country", ""),
                    subdivision=data.get("subdivision", ""),
                )
            except forms.ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    # A blank first choice, so the empty extra rows of the formset stay unchanged.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *ExceptionKind.choices], required=False
    )
    hours = forms.CharField(
        label=_("Hours"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "09:00-17:00"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("kind"):
            self.add_error("kind", _("Choose what kind of day this is."))
        if data.get("kind") == ExceptionKind.SHORTENED and not data.get("hours"):
            self.add_error("hours", _("Give the hours of this day, for example 09:00-17:00."))
        if data.get("kind") == ExceptionKind.DAY_OFF:
            data["hours"] = ""
        if data.get("hours"):
            try:
                parse_intervals(data["hours"], str(data.get("date", "")))
            except ValueError as exc:
                self.add_error("hours", problem_text(exc))
        return data


class BaseExceptionFormSet(BaseFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or "date" not in data:
                continue
            if data["date"] in seen:
                raise forms.ValidationError(
                    _("%(date)s is listed twice.") % {"date": data["date"].isoformat()}
                )
            seen.add(data["date"])

    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]


ExceptionFormSet = formset_factory(
    ExceptionForm, formset=BaseExceptionFormSet, extra=2, can_delete=True
)
