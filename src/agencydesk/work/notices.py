"""The delay notice to the client, in the client's language and form of address.

Placeholders: ``{name}`` (how the contact is addressed), ``{title}``, ``{due}``
(the new due moment in the client's time) and ``{reason}``.
"""

from __future__ import annotations

DELAY_NOTICE: dict[str, dict[str, str]] = {
    "ru": {
        "formal": "{name}, добрый день! К сожалению, «{title}» будет готов позже обещанного: {reason}. Новый срок — {due}. Приносим извинения за задержку.",
        "informal": "{name}, привет! «{title}» немного задерживается: {reason}. Новый срок — {due}. Извини за задержку!",
    },
    "uk": {
        "formal": "{name}, добрий день! На жаль, «{title}» буде готовий пізніше обіцяного: {reason}. Новий термін — {due}. Перепрошуємо за затримку.",
        "informal": "{name}, привіт! «{title}» трохи затримується: {reason}. Новий термін — {due}. Вибач за затримку!",
    },
    "bg": {
        "formal": "{name}, добър ден! За съжаление „{title}“ ще бъде готов по-късно от обещаното: {reason}. Новият срок е {due}. Извиняваме се за забавянето.",
        "informal": "{name}, здрасти! „{title}“ малко се забавя: {reason}. Новият срок е {due}. Извинявай за забавянето!",
    },
    "en": {
        "formal": "Dear {name}, we are sorry: “{title}” will be ready later than promised ({reason}). The new due time is {due}. We apologise for the delay.",
        "informal": "Hi {name}, “{title}” is running a little late ({reason}). New due time: {due}. Sorry for the delay!",
    },
    "kk": {
        "formal": "{name}, сәлеметсіз бе! Өкінішке орай, «{title}» уәде етілгеннен кешірек дайын болады: {reason}. Жаңа мерзім — {due}. Кешіккеніміз үшін кешірім сұраймыз.",
        "informal": "{name}, сәлем! «{title}» сәл кешігіп жатыр: {reason}. Жаңа мерзім — {due}. Кешіккенім үшін кешір!",
    },
}

# The new due moment as the client reads it: day, month and time of the client's zone.
DUE_FORMAT = {
    "ru": "%d.%m.%Y %H:%M",
    "uk": "%d.%m.%Y %H:%M",
    "bg": "%d.%m.%Y %H:%M",
    "en": "%d %b %Y %H:%M",
    "kk": "%d.%m.%Y %H:%M",
}
