from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.choices import AddressForm, ClientLanguage
from agencydesk.clients.models import Client, Contact
from agencydesk.core.validators import validate_attachments
from agencydesk.messaging.choices import (
    Channel,
    Direction,
    MessageKind,
    Source,
    TemplateKind,
    Topic,
)
from agencydesk.messaging.understanding import LABELS
from agencydesk.outbox.models import OutboxRow


class Conversation(models.Model):
    """One thread with a client in one channel: a Telegram group topic, an e-mail thread, a call log."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="conversations"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    external_key = models.CharField(
        _("external key"),
        max_length=200,
        help_text=_("The chat, topic or thread this conversation is in the channel."),
    )
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "channel", "external_key"], name="messaging_conversation_key"
            )
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        if self.topic:
            return f"{self.get_channel_display()} · {self.topic_label}"
        if self.external_key == "main":
            main = _("main thread")
            return f"{self.get_channel_display()} · {main}"
        return f"{self.get_channel_display()} · {self.external_key}"

    @property
    def topic_label(self) -> str:
        """The topic in the reader's language when it is one of the standard ones."""
        return str(Topic(self.topic).label) if self.topic in Topic.values else self.topic


class Message(models.Model):
    """One message to or from a client, as it was recorded; never rewritten by the desk.

    An ``event`` (someone joined the client's group, a message was pinned) is
    kept in the same timeline but sets off no rule: no timer, no answer, no touch.
    """

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(
        _("kind"), max_length=8, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    author_contact = models.ForeignKey(
        Contact,
        verbose_name=_("author (client side)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author (agency)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    author_label = models.CharField(_("author as given"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    text = models.TextField(_("text"))
    attachments = models.JSONField(
        _("attachment links"), default=list, blank=True, validators=[validate_attachments]
    )
    source = models.CharField(
        _("recorded by"), max_length=10, choices=Source.choices, default=Source.API
    )
    # NULL, not "", for messages without one: the unique constraints must ignore them.
    external_id = models.CharField(_("external id"), max_length=200, null=True, blank=True)  # noqa: DJ001
    needs_response = models.BooleanField(_("expects an answer"), default=False)
    is_question = models.BooleanField(_("question"), default=False)
    # What the desk read in an inbound message (#16): the four labels and why each true one is.
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    label_reasons = models.JSONField(_("why the labels"), default=dict, blank=True)
    question_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("question marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    automatic = models.BooleanField(_("sent by the desk"), default=False)
    awaiting_client = models.BooleanField(_("awaiting the client"), default=False)
    created_at = models.DateTimeField(_("recorded at"))
    # The ledger's commitments about this message, deleted with it.
    commitments = GenericRelation(
        "commitments.Commitment", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # A connector's ids are unique in the connector's own space, whatever the client.
            models.UniqueConstraint(
                fields=["source", "channel", "external_id"],
                condition=models.Q(external_id__isnull=False) & ~models.Q(source="api"),
                name="messaging_message_connector_id",
            ),
            # Ids given through the API repeat only within the client they were given for,
            # so a repeat never answers with, or suppresses, another client's message.
            models.UniqueConstraint(
                fields=["client", "channel", "external_id"],
                condition=models.Q(external_id__isnull=False, source="api"),
                name="messaging_message_api_id",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-sent_at"], name="msg_client_time_idx"),
            models.Index(fields=["conversation", "-sent_at"], name="msg_conv_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.sent_at:%Y-%m-%d %H:%M}: {self.text[:40]}"

    def label_values(self) -> dict[str, bool]:
        """The four labels as they stand: what was read, with the rules' own fields
        (``is_question``, ``needs_response``) having the last word."""
        return {
            **{label: bool(self.labels.get(label)) for label in LABELS},
            "question": self.is_question,
            "needs_response": self.needs_response,
        }


class OutboundMessage(OutboxRow):
    """The delivery of one message the desk wrote to a client: an outbox row of its conversation's channel.

    The state, retries and reconciliation are the one outbox's
    (:class:`~agencydesk.outbox.models.OutboxRow`); this table adds what a
    client message is: the recorded ``Message``, its client and its channel.
    """

    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="outbox"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="outbox"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbox")
        ordering = ["send_after", "id"]
        indexes = [models.Index(fields=["state", "send_after"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_state_display()} · {self.message_id}"

    @property
    def outbox_channel(self) -> str:
        return self.channel


class Delivery(models.Model):
    """What the logged channel delivered: one row per idempotency key, so never twice."""

    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="deliveries"
    )
    text = models.TextField(_("text"))
    delivered_at = models.DateTimeField(_("delivered at"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries (logged channel)")
        ordering = ["-delivered_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.delivered_at:%Y-%m-%d %H:%M}"


class MessageTemplate(models.Model):
    """A client-facing text per kind, language and form of address (acknowledgement, follow-up…)."""

    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    language = models.CharField(_("language"), max_length=5, choices=ClientLanguage.choices)
    address_form = models.CharField(
        _("form of address"), max_length=10, choices=AddressForm.choices
    )
    text = models.TextField(
        _("text"), help_text=_("{name} is replaced by how the contact is addressed, if known.")
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "language", "address_form"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "address_form"], name="messaging_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.language} · {self.get_address_form_display()}"


class LabelCorrection(models.Model):
    """An account manager's correction of one label the desk read in a client's message.

    Kept as labelled data the agency can export (``agencydesk export labels``):
    the message's text with the labels people gave it, in the format of the
    desk's own test set.
    """

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="corrections"
    )
    label = models.CharField(_("label"), max_length=20)
    value = models.BooleanField(_("corrected to"))
    read_as = models.BooleanField(_("read by the desk as"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("corrected at"))

    class Meta:
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.label}={int(self.value)} · {self.message_id}"
