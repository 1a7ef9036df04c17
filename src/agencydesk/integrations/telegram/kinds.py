"""The promise the Telegram connector makes, declared once in the ledger's registry of kinds."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.commitments.kinds import Item, KindSpec, Reason, kind_register
from agencydesk.integrations.telegram.choices import TELEGRAM_LOST


def _sentence(r: Reason) -> str:
    return _(
        "AgencyDesk no longer sees the Telegram chat “%(chat)s” of %(client)s since %(start)s: "
        "the bot was removed, and nothing said there is recorded. Add the bot back, or dismiss "
        "this on the Telegram page, by %(due)s."
    ) % {
        "chat": r.params.get("chat", ""),
        "client": r.params.get("client", ""),
        "start": r.start,
        "due": r.due,
    }


def _url(item: Item, reverse: Callable[..., str]) -> str:
    return f"{reverse('telegram:chats')}#disconnected"


def kinds_register() -> None:
    """Called from :class:`TelegramConfig.ready`."""
    kind_register(
        KindSpec(
            code=TELEGRAM_LOST,
            label=gettext_lazy("Telegram chat lost"),
            subject="telegram.telegramchat",
            sentence=_sentence,
            action=gettext_lazy("See the Telegram page"),
            url=_url,
        )
    )
