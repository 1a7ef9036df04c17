from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.messaging.choices import Direction
from agencydesk.messaging.models import Conversation


class ComposerForm(forms.Form):
    conversation = forms.ModelChoiceField(
        label=_("Conversation"),
        queryset=Conversation.objects.none(),
        required=False,
        empty_label=_("Main thread in the preferred channel"),
    )
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    awaiting_client = forms.BooleanField(
        label=_("We now wait for the client (follow up if they go silent)"), required=False
    )
    answers_questions = forms.BooleanField(
        label=_("This answers the client's open questions in this conversation"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, client=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if client is not None:
            self.fields["conversation"].queryset = Conversation.objects.filter(client=client)


class LogForm(forms.Form):
    """A call, a meeting or a message in another messenger, recorded by hand."""

    channel = forms.ChoiceField(
        label=_("What"),
        choices=[
            ("phone", _("Phone call")),
            ("meeting", _("Meeting")),
            ("other", _("Other messenger")),
        ],
    )
    direction = forms.ChoiceField(label=_("Who started it"), choices=Direction.choices)
    sent_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    text = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    needs_response = forms.BooleanField(label=_("The client expects an answer"), required=False)
