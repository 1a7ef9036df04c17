from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.models import Client, Contact
from agencydesk.integrations.telegram.choices import (
    BotStatus,
    ChatType,
    NoticeKind,
    SendOutcome,
    UpdateState,
)
from agencydesk.messaging.models import Message, OutboundMessage
from agencydesk.outbox.models import OutboxRow


class TelegramUpdate(models.Model):
    """One update from the Bot API exactly as it arrived, stored before anything is done with it.

    ``update_id`` is Telegram's own number: storing the same update twice is
    impossible, so a redelivered webhook or a poller restarted after a crash
    changes nothing. Processing is a separate step that marks the row.

    An update that is not well formed (no usable ``update_id``, a chat id out of
    range, a field of the wrong type) is kept too, already ``error`` with the
    reason: ``update_id`` is then empty and ``fingerprint`` (a hash of the body)
    keeps a redelivery of the same body from being stored twice.
    """

    update_id = models.BigIntegerField(_("update id"), unique=True, null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"))
    chat_id = models.BigIntegerField(_("chat id"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=UpdateState.choices, default=UpdateState.NEW
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    error = models.TextField(_("error or note"), blank=True)

    class Meta:
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")
        ordering = ["update_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="tg_update_fingerprint_unique",
            )
        ]
        indexes = [
            models.Index(fields=["state", "update_id"], name="tg_update_state_idx"),
            models.Index(fields=["chat_id", "state"], name="tg_update_chat_idx"),
        ]

    def __str__(self) -> str:
        number = self.update_id if self.update_id is not None else "?"
        return f"#{number} ({self.get_state_display()})"


class TelegramChat(models.Model):
    """A chat the bot is in: a client's group, a private chat, or one nobody has assigned yet.

    ``client`` empty means unlinked: its updates are kept (parked) until an
    administrator assigns it or someone in it sends ``/link CODE``. ``user``
    set means an account manager's personal chat, where their alerts go.
    ``disconnected_at`` set means the bot was removed (or blocked): the chat and
    its history stay, nothing new arrives until the bot is added back.
    """

    chat_id = models.BigIntegerField(_("chat id"), unique=True)
    type = models.CharField(_("type"), max_length=12, choices=ChatType.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    username = models.CharField(_("username"), max_length=64, blank=True)
    is_forum = models.BooleanField(_("has forum topics"), default=False)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_chats",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager (alerts)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_chats",
    )
    first_seen_at = models.DateTimeField(_("first seen at"))
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    bot_status = models.CharField(
        _("the bot's status"),
        max_length=16,
        blank=True,
        help_text=_("As Telegram last said: member, administrator, left, kicked…"),
    )
    disconnected_at = models.DateTimeField(_("bot removed at"), null=True, blank=True)
    lost = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment to reconnect"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")
        ordering = ["title", "chat_id"]

    def __str__(self) -> str:
        return self.title or self.username or str(self.chat_id)

    @property
    def bot_status_label(self) -> str:
        """The bot's status in the reader's language (as Telegram said it, if unknown)."""
        if self.bot_status in BotStatus.values:
            return str(BotStatus(self.bot_status).label)
        return self.bot_status

    @property
    def is_group(self) -> bool:
        return self.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    @property
    def is_disconnected(self) -> bool:
        return self.disconnected_at is not None


class TelegramTopic(models.Model):
    """A forum topic of a group (Design, Texts, …) and the conversation topic it stands for."""

    chat = models.ForeignKey(
        TelegramChat, verbose_name=_("chat"), on_delete=models.CASCADE, related_name="topics"
    )
    thread_id = models.BigIntegerField(_("message thread id"))
    name = models.CharField(_("name"), max_length=128)
    topic = models.CharField(_("conversation topic"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("forum topic")
        verbose_name_plural = _("forum topics")
        ordering = ["chat", "thread_id"]
        constraints = [
            models.UniqueConstraint(fields=["chat", "thread_id"], name="telegram_topic_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TelegramUser(models.Model):
    """A Telegram account seen by the bot, and who it is: a client's contact or one of the agency."""

    telegram_id = models.BigIntegerField(_("Telegram user id"), unique=True)
    username = models.CharField(_("username"), max_length=64, blank=True)
    full_name = models.CharField(_("name"), max_length=255, blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_accounts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_accounts",
    )

    class Meta:
        verbose_name = _("Telegram account")
        verbose_name_plural = _("Telegram accounts")
        ordering = ["username", "telegram_id"]

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else self.full_name or str(self.telegram_id)


class LinkCode(models.Model):
    """A one-time code: ``/link CODE`` ties the chat it is sent from to a client or an agency user."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="telegram_link_codes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="telegram_link_codes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_in = models.ForeignKey(
        TelegramChat,
        verbose_name=_("used in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("link code")
        verbose_name_plural = _("link codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class MessageVersion(models.Model):
    """A later version of a recorded message (an edit); the first version stays in the message."""

    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="telegram_versions",
    )
    text = models.TextField(_("text"))
    edited_at = models.DateTimeField(_("edited at"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("message version")
        verbose_name_plural = _("message versions")
        ordering = ["message", "edited_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "edited_at"], name="telegram_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.edited_at:%Y-%m-%d %H:%M:%S}"


class TelegramReply(models.Model):
    """A client's message that answers another one: what it quoted, and our record of that, if any."""

    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="telegram_reply"
    )
    reply_to = models.ForeignKey(
        Message,
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_answers",
    )
    excerpt = models.CharField(_("quoted text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["message"]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.reply_to_id}"


class TelegramAttachment(models.Model):
    """A file sent with a message (document, photo, sticker, video note…): Telegram keeps it, we keep its record."""

    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="telegram_attachments",
    )
    kind = models.CharField(_("kind"), max_length=12)
    file_id = models.CharField(_("file id"), max_length=255)
    file_unique_id = models.CharField(_("unique file id"), max_length=128)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "file_unique_id"], name="telegram_attachment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} {self.file_unique_id}"


class SendSlot(models.Model):
    """One call to sendMessage, reserved before it is made: the pacing windows count these rows.

    ``reserved_at`` moves to the moment the call ended, when it ends.

    The row also remembers how the call ended, so a worker that died mid-call
    leaves an ``unknown`` trace instead of a silent resend.
    """

    chat_id = models.BigIntegerField(_("chat id"))
    is_group = models.BooleanField(_("group chat"), default=False)
    reserved_at = models.DateTimeField(_("reserved at"))
    outbox = models.ForeignKey(
        OutboundMessage,
        verbose_name=_("outbound message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="telegram_slots",
    )
    notice = models.ForeignKey(
        "TelegramNotice",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slots",
    )
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=SendOutcome.choices, default=SendOutcome.PENDING
    )
    telegram_message_id = models.BigIntegerField(_("Telegram message id"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("send slot")
        verbose_name_plural = _("send slots")
        ordering = ["-reserved_at"]
        indexes = [
            models.Index(fields=["reserved_at"], name="tg_slot_time_idx"),
            models.Index(fields=["chat_id", "reserved_at"], name="tg_slot_chat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chat_id} {self.reserved_at:%H:%M:%S.%f} {self.outcome}"


class PacingLock(models.Model):
    """A row locked to take turns across workers and machines.

    ``send``: while a send slot is reserved; ``process``: while a batch of
    updates is processed, so they are handled in order.
    """

    name = models.CharField(_("name"), max_length=20, primary_key=True)

    class Meta:
        verbose_name = _("pacing lock")
        verbose_name_plural = _("pacing locks")

    def __str__(self) -> str:
        return self.name


class TelegramNotice(OutboxRow):
    """A message of the bot itself: a confirmation in a chat, or an alert or digest to a person.

    One table of the one outbox (:class:`~agencydesk.outbox.models.OutboxRow`):
    the same states, backoff, stuck-send rule and attempt counting as a client
    message, delivered by the same Telegram adapter. It is its own table
    because its recipient is a chat (often a colleague's, with no client),
    not a recorded message in a client's conversation.

    ``key`` makes each notice unique (one digest per user and day, one warning
    per commitment), so a tick that runs twice never queues twice.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True)
    chat_id = models.BigIntegerField(_("chat id"))
    thread_id = models.BigIntegerField(_("message thread id"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="telegram_notices",
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("bot notice")
        verbose_name_plural = _("bot notices")
        ordering = ["send_after", "pk"]
        indexes = [models.Index(fields=["state", "send_after"], name="tg_notice_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.chat_id}"

    @property
    def outbox_channel(self) -> str:
        return "telegram"
