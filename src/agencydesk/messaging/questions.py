"""Does a client's message ask something? Russian, Ukrainian, Bulgarian and English.

Deliberately simple and explainable: a question mark, or an interrogative or
request opening a sentence. The account manager can mark or unmark any
message, so a miss costs one click, not a lost question.
"""

from __future__ import annotations

import re

# Words that open a question or a request in each language (lower case).
_OPENERS = {
    "ru": "кто что где когда почему зачем как какой какая какие каким сколько можно ли "
    "подскажите скажите пришлите сможете можете уточните расскажите нельзя ли",
    "uk": "хто що де коли чому навіщо як який яка які скільки чи можна підкажіть скажіть "
    "надішліть зможете можете уточніть розкажіть",
    "bg": "кой коя кое кои какво къде кога защо как колко дали може ли можете ли "
    "кажете изпратете бихте ли уточнете",
    "en": "who what where when why how which whose whom can could would will is are do does "
    "did should may shall",
}
_WORD = re.compile(r"[\w']+", re.UNICODE)
_SENTENCES = re.compile(r"[.!?\n]+")
_SINGLE = frozenset(w for phrases in _OPENERS.values() for w in phrases.split())
_TWO_WORD = {
    ("можно", "ли"),
    ("нельзя", "ли"),
    ("чи", "можна"),
    ("може", "ли"),
    ("можете", "ли"),
    ("бихте", "ли"),
}
_ONLY_WITH_FOLLOWER = frozenset(
    {"ли", "чи", "може", "бихте", "можна", "is", "are", "do", "does", "did", "will", "may", "shall"}
)


def looks_like_question(text: str) -> bool:
    """True when some sentence of ``text`` asks something."""
    if "?" in text:
        return True
    for sentence in _SENTENCES.split(text.lower()):
        words = _WORD.findall(sentence)
        if not words:
            continue
        first = words[0]
        if tuple(words[:2]) in _TWO_WORD:
            return True
        if first in _SINGLE and first not in _ONLY_WITH_FOLLOWER and len(words) >= 2:
            return True
    return False
