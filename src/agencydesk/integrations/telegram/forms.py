from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client


class AssignForm(forms.Form):
    """An administrator's choice of the client an unlinked chat belongs to."""

    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.order_by("name"),
        empty_label=_("Choose a client"),
        error_messages={"required": _("Choose the client this chat belongs to.")},
    )
