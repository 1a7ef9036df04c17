from django.db import models
from django.utils.translation import gettext_lazy as _


class ChatType(models.TextChoices):
    PRIVATE = "private", _("Private chat")
    GROUP = "group", _("Group")
    SUPERGROUP = "supergroup", _("Supergroup")
    CHANNEL = "channel", _("Channel")


class BotStatus(models.TextChoices):
    """What Telegram says the bot is in a chat (``ChatMember.status``)."""

    CREATOR = "creator", _("owner")
    ADMINISTRATOR = "administrator", _("administrator")
    MEMBER = "member", _("member")
    RESTRICTED = "restricted", _("restricted")
    LEFT = "left", _("left the chat")
    KICKED = "kicked", _("removed from the chat")


class UpdateState(models.TextChoices):
    NEW = "new", _("Not processed yet")
    DONE = "done", _("Processed")
    PARKED = "parked", _("Waiting for the chat to be assigned")
    ERROR = "error", _("Failed to process")
    SKIPPED = "skipped", _("Nothing to record")


class SendOutcome(models.TextChoices):
    PENDING = "pending", _("In flight")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    UNKNOWN = "unknown", _("Unknown: no answer after sending")


class NoticeKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Bot confirmation")
    BREACH_WARNING = "breach_warning", _("First response about to be late")
    DIGEST = "digest", _("Daily digest")
    CHAT_LOST = "chat_lost", _("The bot was removed from a client's chat")


# The kind of commitment the connector declares (see ``telegram/kinds.py``).
TELEGRAM_LOST = "telegram_lost"
