"""The approval request to the client, in the client's language and form of address.

Placeholders: ``{name}`` (how the approver is addressed), ``{title}``, ``{round}``,
``{due}`` (the decision due moment in the client's time) and ``{url}`` (the approver's own link).
"""

from __future__ import annotations

REQUEST: dict[str, dict[str, str]] = {
    "ru": {
        "formal": "{name}, добрый день! Просим согласовать «{title}» (раунд {round}) до {due}. Материал и форма решения по вашей личной ссылке: {url}",
        "informal": "{name}, привет! Посмотри, пожалуйста, «{title}» (раунд {round}) и дай решение до {due}. Твоя ссылка: {url}",
    },
    "uk": {
        "formal": "{name}, добрий день! Просимо погодити «{title}» (раунд {round}) до {due}. Матеріал і форма рішення за вашим особистим посиланням: {url}",
        "informal": "{name}, привіт! Переглянь, будь ласка, «{title}» (раунд {round}) і дай рішення до {due}. Твоє посилання: {url}",
    },
    "bg": {
        "formal": "{name}, добър ден! Молим за одобрение на „{title}“ (кръг {round}) до {due}. Материалът и формата за решение са на личния ви линк: {url}",
        "informal": "{name}, здрасти! Виж, моля, „{title}“ (кръг {round}) и кажи решението си до {due}. Твоят линк: {url}",
    },
    "en": {
        "formal": "Dear {name}, please review “{title}” (round {round}) and give your decision by {due}. The material and the decision form are at your personal link: {url}",
        "informal": "Hi {name}, please have a look at “{title}” (round {round}) and decide by {due}. Your link: {url}",
    },
    "kk": {
        "formal": "{name}, сәлеметсіз бе! «{title}» (раунд {round}) материалын {due} дейін келісуіңізді сұраймыз. Материал мен шешім формасы жеке сілтемеңізде: {url}",
        "informal": "{name}, сәлем! «{title}» (раунд {round}) қарап, {due} дейін шешіміңді айтшы. Сілтемең: {url}",
    },
}
