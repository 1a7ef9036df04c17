from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.access import clients_visible_to
from agencydesk.clients.models import Client


class AssignForm(forms.Form):
    """An administrator's choice of the client an unlinked chat belongs to."""

    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.none(),
        empty_label=_("Choose a client"),
        error_messages={"required": _("Choose the client this chat belongs to.")},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only clients the person assigning may see are offered (and accepted).
        self.fields["client"].queryset = clients_visible_to(user).order_by("name")
