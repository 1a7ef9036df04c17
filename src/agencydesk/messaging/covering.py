"""The line an acknowledgement adds when the backup answers for an account manager who is away.

Client-facing, so in the client's language and form of address (like the
templates in ``templates_text``), not in the reader's interface language.
"""

from __future__ import annotations

COVERING: dict[str, dict[str, str]] = {
    "ru": {
        "formal": "Пока {away} отсутствует, вам отвечает {name}.",
        "informal": "Пока {away} отсутствует, тебе отвечает {name}.",
    },
    "uk": {
        "formal": "Поки {away} відсутній, вам відповідає {name}.",
        "informal": "Поки {away} відсутній, тобі відповідає {name}.",
    },
    "bg": {
        "formal": "Докато {away} отсъства, отговаря Ви {name}.",
        "informal": "Докато {away} отсъства, отговаря ти {name}.",
    },
    "en": {
        "formal": "While {away} is away, {name} is answering you.",
        "informal": "While {away} is away, {name} is looking after you.",
    },
    "kk": {
        "formal": "{away} жоқ кезде сізге {name} жауап береді.",
        "informal": "{away} жоқ кезде саған {name} жауап береді.",
    },
}


def covering_line(*, language: str, form: str, away: str, name: str) -> str:
    patterns = COVERING.get(language, COVERING["en"])
    return patterns.get(form, patterns["formal"]).format(away=away, name=name)
