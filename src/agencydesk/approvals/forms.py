"""Forms of the approval pages: they clean values, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.approvals.choices import DecisionChannel, Verdict
from agencydesk.approvals.files import MAX_FILE_BYTES, Upload
from agencydesk.clients.models import Contact
from agencydesk.core.validators import LINK_MAX_LENGTH, NOTES_MAX_LENGTH, validate_web_link
from agencydesk.messaging.models import Message

ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx"


class MaterialForm(forms.Form):
    """A version of the deliverable: a link and/or a file, and a note to the approvers."""

    material_url = forms.URLField(
        label=_("Link to the material"),
        required=False,
        max_length=LINK_MAX_LENGTH,
        validators=[validate_web_link],
        assume_scheme="https",
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX or PPTX, up to 10 MB."),
    )
    note = forms.CharField(
        label=_("Note to the approvers"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def upload(self) -> Upload | None:
        """The file as the service takes it (read only up to its limit)."""
        file = self.cleaned_data.get("file")
        if not file:
            return None
        if file.size is not None and file.size > MAX_FILE_BYTES:
            return Upload(file.name or "", file.read(MAX_FILE_BYTES + 1))
        return Upload(file.name or "", file.read())


class RequestForm(MaterialForm):
    approvers = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        label=_("Approvers"),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["approvers", "material_url", "file", "note"]

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = contacts  # type: ignore[attr-defined]


class ClientDecisionForm(forms.Form):
    """What the approver decides on the link's page."""

    decision = forms.ChoiceField(
        label=_("Your decision"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has to change, if anything."),
    )


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class MessageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.sent_at:%d.%m %H:%M} · {obj.text[:80]}"


class RecordDecisionForm(forms.Form):
    """A decision the client told the account manager, or the option chosen when approvers disagreed."""

    contact = ContactChoice(queryset=Contact.objects.none(), label=_("Approver"))
    decision = forms.ChoiceField(label=_("Decision"), choices=Verdict.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    taste_driven = forms.BooleanField(label=_("Taste-driven edit"), required=False)
    channel = forms.ChoiceField(
        label=_("How the client told you"),
        choices=[c for c in DecisionChannel.choices if c[0] != DecisionChannel.LINK],
    )
    message = MessageChoice(
        queryset=Message.objects.none(), label=_("The client's message"), required=False
    )
    resolution = forms.BooleanField(label=_("The client's chosen option"), required=False)

    def __init__(self, *args: Any, contacts: Any, messages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["message"].queryset = messages  # type: ignore[attr-defined]


class AmountForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
