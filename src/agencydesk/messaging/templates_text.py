"""Client-facing texts, in the client's language and form of address.

Stored in ``MessageTemplate`` rows (editable in the back office); these are
the defaults the migration seeds and the fallback when a row is missing.
"""

from __future__ import annotations

DEFAULTS: dict[str, dict[str, dict[str, str]]] = {
    "acknowledgement": {
        "ru": {
            "formal": "{name}, добрый день! Сообщение получили, вернёмся к вам с решением в ближайшее время.",
            "informal": "{name}, привет! Сообщение получили, скоро вернёмся с решением.",
        },
        "uk": {
            "formal": "{name}, добрий день! Повідомлення отримали, повернемося до вас із рішенням найближчим часом.",
            "informal": "{name}, привіт! Повідомлення отримали, скоро повернемося з рішенням.",
        },
        "bg": {
            "formal": "{name}, добър ден! Получихме съобщението Ви и ще се върнем с решение съвсем скоро.",
            "informal": "{name}, здрасти! Получихме съобщението ти, скоро се връщаме с решение.",
        },
        "en": {
            "formal": "Dear {name}, thank you: your message is received and we will come back with a solution shortly.",
            "informal": "Hi {name}, got your message: we'll come back with a solution shortly.",
        },
        "kk": {
            "formal": "{name}, сәлеметсіз бе! Хабарламаңызды алдық, жақын арада шешіммен хабарласамыз.",
            "informal": "{name}, сәлем! Хабарламаңды алдық, жақында шешіммен хабарласамыз.",
        },
    },
    "follow_up": {
        "ru": {
            "formal": "{name}, добрый день! Напоминаем о нашем вопросе — подскажите, пожалуйста, когда сможете ответить?",
            "informal": "{name}, привет! Напоминаю про наш вопрос — когда сможешь ответить?",
        },
        "uk": {
            "formal": "{name}, добрий день! Нагадуємо про наше питання — підкажіть, будь ласка, коли зможете відповісти?",
            "informal": "{name}, привіт! Нагадую про наше питання — коли зможеш відповісти?",
        },
        "bg": {
            "formal": "{name}, добър ден! Напомняме за нашия въпрос — кога бихте могли да отговорите?",
            "informal": "{name}, здрасти! Напомням за въпроса ни — кога ще можеш да отговориш?",
        },
        "en": {
            "formal": "Dear {name}, a gentle reminder about our question: when could you get back to us?",
            "informal": "Hi {name}, just checking in on our question: when can you get back to us?",
        },
        "kk": {
            "formal": "{name}, сәлеметсіз бе! Біздің сұрағымызды еске саламыз — қашан жауап бере аласыз?",
            "informal": "{name}, сәлем! Сұрағымызды еске саламын — қашан жауап бере аласың?",
        },
    },
    "keep_in_touch": {
        "ru": {
            "formal": "{name}, добрый день! Делимся новостями и идеями по вашему проекту — удобно ли созвониться на этой неделе?",
            "informal": "{name}, привет! Есть пара идей по проекту — созвонимся на неделе?",
        },
        "uk": {
            "formal": "{name}, добрий день! Маємо новини та ідеї щодо вашого проєкту — чи зручно зідзвонитися цього тижня?",
            "informal": "{name}, привіт! Маємо кілька ідей щодо проєкту — зідзвонимося цього тижня?",
        },
        "bg": {
            "formal": "{name}, добър ден! Имаме новини и идеи за проекта Ви — удобно ли е да говорим тази седмица?",
            "informal": "{name}, здрасти! Имаме няколко идеи за проекта — да се чуем тази седмица?",
        },
        "en": {
            "formal": "Dear {name}, we have news and a few ideas for your project: could we talk this week?",
            "informal": "Hi {name}, we've got a few ideas for the project: shall we catch up this week?",
        },
        "kk": {
            "formal": "{name}, сәлеметсіз бе! Жобаңыз бойынша жаңалықтар мен идеялар бар — осы аптада сөйлесуге ыңғайлы ма?",
            "informal": "{name}, сәлем! Жоба бойынша бірнеше идея бар — осы аптада сөйлесеміз бе?",
        },
    },
}

GREETING_FALLBACK = {
    "ru": {"formal": "Коллеги", "informal": "Коллеги"},
    "uk": {"formal": "Колеги", "informal": "Колеги"},
    "bg": {"formal": "Колеги", "informal": "Колеги"},
    "en": {"formal": "colleagues", "informal": "all"},
    "kk": {"formal": "Әріптестер", "informal": "Әріптестер"},
}
