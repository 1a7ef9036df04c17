"""Forms of the meeting pages: they clean values, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.models import User
from agencydesk.clients.models import Client, Contact
from agencydesk.core.validators import COMPOSED_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, NOTES_MAX_LENGTH
from agencydesk.meetings.choices import Outcome
from agencydesk.meetings.models import POINT_MAX_LENGTH, POINTS_MAX
from agencydesk.work.forms import LOCAL, PersonChoice, client_moment
from agencydesk.work.models import DeliverableType


class MeetingForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    starts_at = forms.DateTimeField(
        label=_("Starts (client time)"),
        widget=forms.DateTimeInput(attrs=LOCAL),
        help_text=_("The agency meets between 10:00 and 16:00, inside the client's hours."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=60
    )
    rrule = forms.CharField(
        label=_("Repeats (RFC 5545 rule)"),
        max_length=500,
        required=False,
        help_text=_("FREQ=WEEKLY;INTERVAL=2 for every two weeks; empty for a one-off."),
    )
    location = forms.CharField(label=_("Place or call link"), max_length=500, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        label=_("Client participants"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Agency participants"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, clients: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        self.fields["contacts"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            client__in=clients
        ).select_related("client")
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} ({c.client})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("client") and data.get("starts_at"):
            data["starts_at"] = client_moment(data["client"], data["starts_at"])
        return data


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        max_length=NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=POINTS_MAX * (POINT_MAX_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision a line."),
    )

    def clean_decisions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["decisions"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > POINTS_MAX:
            raise forms.ValidationError(gettext("At most %(n)s points.") % {"n": POINTS_MAX})
        return lines


class ActionForm(forms.Form):
    text = forms.CharField(label=_("What"), max_length=POINT_MAX_LENGTH, required=False)
    owner = PersonChoice(queryset=User.objects.none(), label=_("Who"), required=False)
    due_at = forms.DateTimeField(
        label=_("By when (client time)"), widget=forms.DateTimeInput(attrs=LOCAL), required=False
    )
    outcome = forms.ChoiceField(label=_("Becomes"), choices=Outcome.choices, initial="task")
    deliverable_type = forms.ModelChoiceField(
        queryset=DeliverableType.objects.order_by("name"),
        label=_("Deliverable type"),
        required=False,
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["owner"].queryset = people  # type: ignore[attr-defined]


ActionFormSet = forms.formset_factory(
    ActionForm, extra=3, max_num=POINTS_MAX, absolute_max=POINTS_MAX
)


class CallConfirmationForm(forms.Form):
    text = forms.CharField(
        label=_("Confirmation to the client"),
        max_length=COMPOSED_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Edit it as you like before it goes."),
    )
    by_email = forms.BooleanField(
        label=_("Send by e-mail (messenger messages get deleted; e-mail stays)"),
        required=False,
        initial=True,
    )
