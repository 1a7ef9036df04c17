from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencydesk.core.validators import COMPOSED_TEXT_MAX_LENGTH, TELEGRAM_TEXT_MAX_LENGTH
from agencydesk.messaging.choices import Channel, Direction
from agencydesk.messaging.models import Conversation
from agencydesk.messaging.services import outbound_text_check


class ComposerForm(forms.Form):
    conversation = forms.ModelChoiceField(
        label=_("Conversation"),
        queryset=Conversation.objects.none(),
        required=False,
        empty_label=_("Main thread in the preferred channel"),
    )
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMPOSED_TEXT_MAX_LENGTH,
    )
    awaiting_client = forms.BooleanField(
        label=_("We now wait for the client (follow up if they go silent)"), required=False
    )
    answers_questions = forms.BooleanField(
        label=_("This answers the client's open questions in this conversation"),
        required=False,
        initial=True,
    )
    confirm_by_email = forms.BooleanField(
        label=_("Also confirm by e-mail (messenger messages get deleted)"), required=False
    )
    # Shown only once the guard held the message: the writer confirms it may name another client.
    others_confirmed = forms.BooleanField(
        label=_("I checked: this message may name the other client"), required=False
    )

    def __init__(self, *args, client=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        if client is None:
            return
        self.fields["conversation"].queryset = Conversation.objects.filter(client=client)
        limit = {"limit": TELEGRAM_TEXT_MAX_LENGTH}
        if client.preferred_channel != Channel.TELEGRAM:
            other = Conversation.objects.filter(client=client, channel=Channel.TELEGRAM)
        else:
            other = Conversation.objects.filter(client=client).exclude(channel=Channel.TELEGRAM)
        mixed = other.exists()
        if client.preferred_channel == Channel.TELEGRAM and not mixed:
            # Every reply from here goes to Telegram: the browser can hold the limit itself.
            self.fields["text"].widget.attrs["maxlength"] = str(TELEGRAM_TEXT_MAX_LENGTH)
            self.fields["text"].help_text = (
                _("Telegram takes at most %(limit)s characters a message.") % limit
            )
        elif client.preferred_channel == Channel.TELEGRAM or mixed:
            self.fields["text"].help_text = (
                _("A message to a Telegram conversation may have at most %(limit)s characters.")
                % limit
            )

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.client is not None and data.get("text"):
            conversation = data.get("conversation")
            channel = conversation.channel if conversation else self.client.preferred_channel
            try:
                outbound_text_check(channel=channel, text=data["text"].strip())
            except forms.ValidationError as exc:
                self.add_error("text", exc.message_dict["text"])
        return data


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
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMPOSED_TEXT_MAX_LENGTH,
    )
    needs_response = forms.BooleanField(label=_("The client expects an answer"), required=False)
