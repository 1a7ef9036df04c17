from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.selectors import account_managers, active_users
from agencydesk.calendars.forms import timezone_choices
from agencydesk.clients.choices import VolumeUnit
from agencydesk.clients.models import (
    Client,
    Contact,
    Contract,
    KeyEvent,
    MonitoringTopic,
    Service,
    WorkingFileLink,
)
from agencydesk.clients.services import CLIENT_PLAIN_FIELDS
from agencydesk.core.forms import initial_of, model_fields_form
from agencydesk.core.validators import validate_web_link

CLIENT_FORM_FIELDS = [*CLIENT_PLAIN_FIELDS, "account_manager", "backup_manager", "team"]
CLIENT_TEXTAREAS = (
    "business_summary",
    "reputation_notes",
    "goals",
    "target_audiences",
    "key_messages",
    "topics_to_avoid",
    "etiquette_notes",
)


class ClientForm(
    model_fields_form(  # type: ignore[misc]
        Client,
        CLIENT_FORM_FIELDS,
        widgets={name: forms.Textarea(attrs={"rows": 3}) for name in CLIENT_TEXTAREAS}
        | {"team": forms.CheckboxSelectMultiple},
    )
):
    """The dossier, the people, the etiquette card, and the client's business time."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    working_hours = forms.CharField(
        label=_("Working hours"),
        max_length=300,
        help_text=_("For example: mon-thu 09:00-13:00,14:00-18:00; fri 09:00-16:45"),
    )
    holidays_country = forms.CharField(
        label=_("Public holidays of"),
        max_length=2,
        required=False,
        help_text=_("ISO country code, such as RU, UA, BG, KZ, GB; empty for none."),
    )

    confirm_duplicate_name = forms.BooleanField(
        label=_("Save anyway: this is a different client"), required=False
    )

    def __init__(self, *args, client=None, calendar=None, **kwargs) -> None:
        if client is not None:
            kwargs["initial"] = {
                **initial_of(client, CLIENT_FORM_FIELDS),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = account_managers()
        self.fields["backup_manager"].queryset = account_managers()
        self.fields["team"].queryset = active_users()
        # Left empty, the urgent target stays what it was (or the default for a new client).
        self.fields["urgent_response_minutes"].required = False
        if calendar is not None and not self.is_bound:
            self.initial.setdefault("timezone", calendar.timezone)
            self.initial.setdefault("working_hours", calendar.hours)
            self.initial.setdefault("holidays_country", calendar.country)

    def clean_holidays_country(self) -> str:
        return (self.cleaned_data.get("holidays_country") or "").strip().upper()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["team"] = list(data.get("team") or [])
        data["duplicate_name_ok"] = bool(data.pop("confirm_duplicate_name", False))
        if data.get("urgent_response_minutes") is None:
            data["urgent_response_minutes"] = self.initial.get(
                "urgent_response_minutes",
                Client._meta.get_field("urgent_response_minutes").get_default(),
            )
        return data


CONTACT_FORM_FIELDS = [
    "name",
    "position",
    "decision_power",
    "email",
    "phone",
    "telegram_username",
    "preferred_channel",
    "address_form",
    "address_as",
    "is_primary",
    "notes",
]


class ContactForm(
    model_fields_form(  # type: ignore[misc]
        Contact, CONTACT_FORM_FIELDS, widgets={"notes": forms.Textarea(attrs={"rows": 3})}
    )
):
    """A person at the client: who they are, how much they decide, how to address them."""


KEY_EVENT_FORM_FIELDS = ["title", "kind", "date", "prep_lead_days", "notes"]


class KeyEventForm(
    model_fields_form(  # type: ignore[misc]
        KeyEvent,
        KEY_EVENT_FORM_FIELDS,
        widgets={
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        },
    )
):
    """A dated moment in the client's year the agency prepares for."""


MONITORING_TOPIC_FORM_FIELDS = ["topic", "keywords"]


class MonitoringTopicForm(model_fields_form(MonitoringTopic, MONITORING_TOPIC_FORM_FIELDS)):  # type: ignore[misc]
    """A subject the agency watches the media for on the client's behalf."""


WORKING_FILE_LINK_FORM_FIELDS = ["title", "kind", "url", "position"]


class WorkingFileLinkForm(
    model_fields_form(WorkingFileLink, WORKING_FILE_LINK_FORM_FIELDS)  # type: ignore[misc]
):
    """A link into the client's working file (brief, media plan, report folder…)."""

    url = forms.URLField(
        label=_("Link"), max_length=500, assume_scheme="https", validators=[validate_web_link]
    )


CONTRACT_FORM_FIELDS = [
    "number",
    "starts_on",
    "ends_on",
    "revision_rounds",
    "approval_turnaround_days",
    "payment_terms",
    "payment_days",
    "monthly_fee",
    "currency",
    "notes",
]


class ContractForm(
    model_fields_form(  # type: ignore[misc]
        Contract,
        CONTRACT_FORM_FIELDS,
        widgets={
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "monthly_fee": forms.TextInput(attrs={"inputmode": "decimal"}),
        },
        localized=["monthly_fee"],
    )
):
    """The terms of a contract; its service lines are a formset beside it."""


class ContractServiceForm(forms.Form):
    """One service line; a line emptied of everything is a line removed."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.all(), required=False
    )
    # Localized: "6,0" in Russian both here and on the client's page.
    monthly_volume = forms.DecimalField(
        label=_("Monthly volume"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=[("", "—"), *VolumeUnit.choices], required=False
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("service") is None and (
            data.get("monthly_volume") is not None or data.get("unit")
        ):
            self.add_error("service", _("Choose the service of this line, or empty the line."))
        return data


class BaseContractServiceFormSet(BaseFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            service = form.cleaned_data.get("service")
            if service is None:
                continue  # a row emptied of its service: that row says so itself
            if service.pk in seen:
                raise forms.ValidationError(
                    _("%(service)s is listed twice.") % {"service": service}
                )
            seen.add(service.pk)


ContractServiceFormSet = formset_factory(
    ContractServiceForm, formset=BaseContractServiceFormSet, extra=2, can_delete=True
)
