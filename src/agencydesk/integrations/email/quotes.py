"""The quote headers and sign-offs of Russian, Ukrainian and Bulgarian mail programs.

``mail-parser-reply`` splits a reply from the mail it quotes by each language's
header lines ("On …, … wrote:", Outlook's "From:/Sent:" block) and cuts the
sign-off; it ships no Cyrillic language. Its languages are a table of patterns
(``MAIL_LANGUAGES``) that it documents as the way to add one: this module adds
ru, uk and bg there, once, so the library still does all the parsing.

The lines, as the mail programs write them (checked against their replies):

- Gmail: ``чт, 3 дек. 2026 г. в 12:00, Иван Петров <ivan@example.ru>:`` (ru, no verb),
  ``чт, 3 груд. 2026 р. о 12:00 Іван <ivan@example.ua> пише:`` (uk),
  ``На чт, 3.12.2026 г. в 12:00 ч. Иван <ivan@example.bg> написа:`` (bg);
- Yandex Mail: ``03.12.2026, 12:00, "Иван" <ivan@yandex.ru>:``;
- Mail.ru: ``Четверг, 3 декабря 2026, 12:00 +03:00 от Иван <ivan@mail.ru>:``;
- Thunderbird: ``03.12.2026 12:00, Иван пишет:``; Apple Mail: ``… Иван <…> написал(а):``;
- Outlook: ``От: … / Отправлено: … / Кому: … / Тема: …`` (ru), ``Від: … / Надіслано: …`` (uk),
  ``От: … / Изпратено: … / До: … / Относно: …`` (bg).

Sign-offs are only those that never begin an ordinary sentence ("С уважением",
not "Спасибо,"), since the library cuts everything after one.
"""

from __future__ import annotations

from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE

# The languages a reply is split by, in this order; English is the library's own.
LANGUAGES = ["ru", "uk", "bg", "en", "de", "pl", "cs"]

# "<address>:" at the end of a line that also holds a time of day: Gmail (ru), Yandex, Mail.ru.
_DATED_ADDRESS = r"[^\n]*\d{1,2}:\d{2}[^\n]*<[^<>\s@]+@[^<>\s]+>:"


def _wrote(verbs: str) -> str:
    return rf"^({QUOTED_MATCH_INCLUDE}(?:{_DATED_ADDRESS}|[^\n]{{0,200}}\s(?:{verbs})[ \t]*:))$"


def _outlook(fields: str) -> str:
    return (
        r"((?:(?:^|\n|\n" + QUOTED_MATCH_INCLUDE + rf")[* ]*(?:{fields}):[ *]*(?:\s{{,2}}).*)"
        r"{2,}(?:\n.*){,1})"
    )


CYRILLIC = {
    "ru": {
        "wrote_header": _wrote(r"пишет|написал\(а\)|написала|написал"),
        "from_header": _outlook("От|Отправлено|Кому|Тема|Дата|Копия"),
        "disclaimers": [],
        "signatures": [
            "С уважением",
            "С наилучшими пожеланиями",
            "Всего доброго",
            "Всего хорошего",
        ],
        "sent_from": "Отправлено с|Отправлено из",
    },
    "uk": {
        "wrote_header": _wrote(r"пише|написав\(ла\)|написала|написав"),
        "from_header": _outlook("Від|Надіслано|Кому|Тема|Дата|Копія"),
        "disclaimers": [],
        "signatures": ["З повагою", "З найкращими побажаннями", "Всього найкращого"],
        "sent_from": "Надіслано з",
    },
    "bg": {
        "wrote_header": _wrote(r"написа|пише"),
        "from_header": _outlook("От|Изпратено|До|Относно|Тема|Дата|Копие"),
        "disclaimers": [],
        "signatures": ["С уважение", "Поздрави", "Сърдечни поздрави", "Всичко най-хубаво"],
        "sent_from": "Изпратено от",
    },
}


def register() -> None:
    """Add the Cyrillic languages to the parser's table (idempotent; called on import)."""
    for code, patterns in CYRILLIC.items():
        MAIL_LANGUAGES.setdefault(code, patterns)


register()
