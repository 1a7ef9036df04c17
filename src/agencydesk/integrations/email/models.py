from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client, Contact
from agencydesk.integrations.email.choices import (
    Classification,
    InboundState,
    Security,
    SendOutcome,
)
from agencydesk.messaging.models import Message, OutboundMessage
from agencydesk.outbox.models import OutboxRow

# Bounds on what one e-mail may bring in (larger parts are listed, not kept).
MAX_RAW_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
MAX_ATTACHMENTS = 20  # as many links as a message keeps (core.validators)


class Mailbox(models.Model):
    """One agency mailbox (say one per team): where client mail is read (IMAP) and sent from (SMTP).

    The password is stored encrypted with the key from the environment
    (:mod:`.secrets`); no page, export or log shows it again. ``lease_*`` is
    the poller's lease: one worker polls a mailbox at a time, however many run.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    imap_host = models.CharField(_("IMAP host"), max_length=255)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=8, choices=Security.choices, default=Security.SSL
    )
    imap_folder = models.CharField(_("IMAP folder"), max_length=100, default="INBOX")
    smtp_host = models.CharField(_("SMTP host"), max_length=255)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=465)
    smtp_security = models.CharField(
        _("SMTP security"), max_length=8, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(_("password (encrypted)"), editable=False)
    from_address = models.EmailField(_("From address"), max_length=254)
    from_name = models.CharField(_("From name"), max_length=100, blank=True)
    reply_to = models.EmailField(_("Reply-To address"), max_length=254, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(_("last UID read"), default=0, editable=False)
    lease_owner = models.CharField(_("polled by"), max_length=64, blank=True, editable=False)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.from_address}>"


class InboundEmail(models.Model):
    """One e-mail read from a mailbox, kept as it came (bounded) and what the desk made of it.

    ``message_id`` is unique: the same mail read twice (a poller killed after
    the fetch, the mail in two mailboxes) is stored once. ``record`` is its
    record in the client's timeline; empty while the sender is unknown
    (``state`` unknown, shown on the triage page) or for a bounce, which is
    joined to the outbound message it bounces (``bounce_of``).
    """

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.CASCADE, related_name="inbound"
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    uid = models.BigIntegerField(_("IMAP UID"), null=True, blank=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(_("from"), max_length=254)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    reply_to = models.CharField(_("Reply-To"), max_length=254, blank=True)
    to = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    date = models.DateTimeField(_("date"))
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices
    )
    classification_reason = models.CharField(_("classified because"), max_length=200, blank=True)
    return_date = models.DateField(_("back on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=InboundState.choices)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    record = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email",
    )
    bounce_of = models.ForeignKey(
        "EmailSend",
        verbose_name=_("bounce of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounces",
    )
    quoted = models.TextField(_("quoted text and signature"), blank=True)
    raw = models.BinaryField(_("raw message"), blank=True)
    warning = models.CharField(_("warning"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["state", "from_address"], name="email_in_state_idx"),
            models.Index(fields=["from_address"], name="email_in_from_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject[:60]}"


class EmailAttachment(models.Model):
    """A file that came with an e-mail, kept in the database (bounded) and downloaded through the desk."""

    email = models.ForeignKey(
        InboundEmail,
        verbose_name=_("e-mail"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    content = models.BinaryField(_("content"), blank=True)
    too_large = models.BooleanField(_("too large to keep"), default=False)

    class Meta:
        verbose_name = _("e-mail attachment")
        verbose_name_plural = _("e-mail attachments")
        ordering = ["email", "pk"]

    def __str__(self) -> str:
        return self.file_name


class EmailSend(models.Model):
    """One SMTP delivery of an outbound message, reserved before the call (never sent twice).

    ``message_id`` is ours: replies name it in In-Reply-To, our own mail coming
    back is recognised by it (a loop), and a bounce is joined through it.
    """

    outbox = models.OneToOneField(
        OutboundMessage,
        verbose_name=_("outbound message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="email_send",
    )
    notice = models.OneToOneField(
        "EmailNotice",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="email_send",
    )
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="sends",
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    recipients = models.TextField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=500)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=SendOutcome.choices, default=SendOutcome.PENDING
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    reserved_at = models.DateTimeField(_("reserved at"))

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-reserved_at"]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipients}"


class SenderRule(models.Model):
    """An account manager's correction for one sender, remembered for its next mail."""

    address = models.CharField(_("address"), max_length=254, unique=True)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("sender rule")
        verbose_name_plural = _("sender rules")
        ordering = ["address"]

    def __str__(self) -> str:
        return f"{self.address}: {self.get_classification_display()}"


class Suppression(models.Model):
    """An address that bounced for good: no mail goes to it until someone clears this."""

    address = models.CharField(_("address"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=500)
    bounce = models.ForeignKey(
        InboundEmail,
        verbose_name=_("bounce"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email_suppressions",
    )
    created_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("failing address")
        verbose_name_plural = _("failing addresses")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class EmailNotice(OutboxRow):
    """A mail of the desk to one of the agency (the daily digest of Today): a table of the one outbox.

    ``key`` makes each notice unique (one digest per person and day), so a
    clock that ticks twice, or in several workers, never queues it twice.
    """

    key = models.CharField(_("key"), max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.CASCADE,
        related_name="email_notices",
    )
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("e-mail notice")
        verbose_name_plural = _("e-mail notices")
        ordering = ["send_after", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def outbox_channel(self) -> str:
        return "email"
