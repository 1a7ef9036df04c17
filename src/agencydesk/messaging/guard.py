"""The other-client guard (C10): does an outbound message name another client?

Django-free. Names of other clients, their brands and contacts are matched in
any grammatical form: a word matches a name when simplemma (its data ships in
its package) gives both the same lemma, or when the word is the name's stem
(the name less its last two letters, at least four kept; a four-letter word
less its last) plus at most three letters, which covers the consonant changes
a lemmatiser does not know ("Ромашка" / "Ромашці").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import simplemma

_LANGS = ("ru", "uk", "bg", "en")
_WORD = re.compile(r"[^\W\d_][\w'ʼ’-]*", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MAX_ENDING = 3


@dataclass(frozen=True, slots=True)
class Mention:
    """One other-client name found in a text: what was named and where."""

    name: str
    start: int
    end: int

    def found(self, text: str) -> str:
        """The words of ``text`` that matched."""
        return text[self.start : self.end]


@lru_cache(maxsize=50_000)
def _lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang=_LANGS)).lower()


def _same_word(word: str, name_word: str) -> bool:
    if word == name_word or _lemma(word) == _lemma(name_word):
        return True
    if len(name_word) == 4:
        # A short word ("Вино" of "Балкан Вино"): its last letter is the ending ("Вину", "Вине").
        return word.startswith(name_word[:3]) and len(word) <= 6
    if len(name_word) < 4:
        return False
    stem = name_word[: max(4, len(name_word) - 2)]
    return word.startswith(stem) and len(word) - len(stem) <= _MAX_ENDING


def other_client_mentions(text: str, names: Iterable[str]) -> list[Mention]:
    """Every mention in ``text`` of one of ``names`` (other clients, brands, contacts)."""
    masked = _URL.sub(lambda m: " " * len(m.group(0)), text)
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(masked)]
    found: list[Mention] = []
    for name in names:
        parts = [w.lower() for w in _WORD.findall(name)]
        if not parts:
            continue
        for i in range(len(words) - len(parts) + 1):
            window = words[i : i + len(parts)]
            if all(_same_word(w[0], p) for w, p in zip(window, parts, strict=True)):
                found.append(Mention(name=name, start=window[0][1], end=window[-1][2]))
    return sorted(found, key=lambda m: m.start)
