from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.access import clients_visible_to
from agencydesk.clients.models import Client
from agencydesk.integrations.email.choices import Classification
from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.services import MAX_PASSWORD


class MailboxForm(forms.ModelForm):
    """A mailbox's servers and login; the password is written, never shown (blank keeps it)."""

    password = forms.CharField(
        label=_("Password or app password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        max_length=MAX_PASSWORD,
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the stored one."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "from_address",
            "from_name",
            "reply_to",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_folder",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "username",
            "is_active",
        ]
        widgets = {
            "imap_port": forms.NumberInput(attrs={"min": 1, "max": 65535}),
            "smtp_port": forms.NumberInput(attrs={"min": 1, "max": 65535}),
        }

    def clean_imap_port(self) -> int:
        return _port(self.cleaned_data["imap_port"])

    def clean_smtp_port(self) -> int:
        return _port(self.cleaned_data["smtp_port"])

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not (data or {}).get("password"):
            self.add_error("password", _("Give the mailbox's password."))
        return data


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise forms.ValidationError(_("A port is a number from 1 to 65535."))
    return value


class SenderAssignForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.none(),
        empty_label=_("Choose a client"),
        error_messages={"required": _("Choose the client this sender belongs to.")},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user).order_by("name")


class ClassificationForm(forms.Form):
    classification = forms.ChoiceField(
        label=_("This sender's mail is"), choices=Classification.choices
    )
