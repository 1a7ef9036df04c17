from django.db import models
from django.utils.translation import gettext_lazy as _

from agencydesk.clients.choices import Channel
from agencydesk.outbox.states import OutboxState

__all__ = ["Channel", "Direction", "MessageKind", "OutboxState", "Source", "TemplateKind", "Topic"]


class Direction(models.TextChoices):
    IN = "in", _("From the client")
    OUT = "out", _("To the client")


class Source(models.TextChoices):
    """Who recorded a message, and so whose id space its ``external_id`` lives in.

    A connector owns its ids (Telegram's ``chat:message``, e-mail's Message-ID):
    nothing written through the API or the web can take one of them first.
    Ids given through the API are scoped to the client they were given for.
    """

    API = "api", _("API or web")
    TELEGRAM = "telegram", _("Telegram connector")
    EMAIL = "email", _("E-mail connector")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    # Something that happened in the conversation (someone joined, a message was
    # pinned): shown on the timeline, never answered, never a touch.
    EVENT = "event", _("Event")


class Topic(models.TextChoices):
    GENERAL = "general", _("General")
    DESIGN = "design", _("Design")
    TEXTS = "texts", _("Texts")
    DOCUMENTS = "documents", _("Documents")
    IDEAS = "ideas", _("Ideas & requests")


class TemplateKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    FOLLOW_UP = "follow_up", _("Follow-up")
    KEEP_IN_TOUCH = "keep_in_touch", _("Keep in touch")


# The kinds of commitment messaging declares (see ``messaging/kinds.py``).
FIRST_RESPONSE = "first_response"
QUESTION = "question"
KEEP_IN_TOUCH = "keep_in_touch"
FOLLOW_UP = "follow_up"
CALL = "call"
# A conversation's kinds are closed by a message in the same conversation; the
# others belong to the whole client, and any real touch closes them.
PER_CONVERSATION = (FIRST_RESPONSE, QUESTION)
