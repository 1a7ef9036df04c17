"""Forms of the deliverable pages: they clean values, the services decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.models import Client
from agencydesk.core.validators import (
    ATTACHMENTS_MAX,
    NAME_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    validate_attachment_link,
)
from agencydesk.work.choices import Priority
from agencydesk.work.models import DeliverableType

LOCAL = {"type": "datetime-local"}


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def client_moment(client: Client, value: datetime) -> datetime:
    """A moment typed in the client's time (a datetime-local input has no zone of its own)."""
    return value.replace(tzinfo=client_engine(client).tz)


class DeliverableForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    type = forms.ModelChoiceField(
        queryset=DeliverableType.objects.order_by("name"), label=_("Type")
    )
    owner = PersonChoice(queryset=User.objects.none(), label=_("Owner"))
    reviewer = PersonChoice(queryset=User.objects.none(), label=_("Reviewer"))
    due_at = forms.DateTimeField(
        label=_("Due (client time)"),
        widget=forms.DateTimeInput(attrs=LOCAL),
        help_text=_("Inside the client's working hours, better before 15:00."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    priority_reason = forms.CharField(
        label=_("Why this priority"), max_length=REASON_MAX_LENGTH, required=False
    )
    links = forms.CharField(
        label=_("Links to files"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One link a line."),
        max_length=ATTACHMENTS_MAX * 1000,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("The spend it commits (a media plan's budget)."),
    )

    def __init__(self, *args: Any, clients: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["reviewer"].queryset = people  # type: ignore[attr-defined]

    def clean_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(links) > ATTACHMENTS_MAX:
            raise forms.ValidationError(gettext("At most %(n)s links.") % {"n": ATTACHMENTS_MAX})
        for link in links:
            validate_attachment_link(link)
        return links

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("client") and data.get("due_at"):
            data["due_at"] = client_moment(data["client"], data["due_at"])
        return data


class ReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Passed: ready for the client")), ("0", _("Not passed: back to work"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for n, item in enumerate(items):
            self.fields[f"check_{n}"] = forms.BooleanField(label=gettext(item), required=False)

    def checklist(self) -> dict[str, bool]:
        return {
            item: bool(self.cleaned_data.get(f"check_{n}")) for n, item in enumerate(self.items)
        }


class DeliverForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Deliver without a passed review, because"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Directors only; the override is audited."),
    )


class AtRiskForm(forms.Form):
    reason = forms.CharField(label=_("What puts it at risk"), max_length=REASON_MAX_LENGTH)


class DelayNoticeForm(forms.Form):
    new_due_at = forms.DateTimeField(
        label=_("New due moment (client time)"), widget=forms.DateTimeInput(attrs=LOCAL)
    )
    reason = forms.CharField(
        label=_("Reason, as the client will read it"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
