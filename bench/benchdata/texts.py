"""Texts, names and companies the bench data set is written in."""

from __future__ import annotations

# Text categories of messages.
SAY, ASK, ACK, REPLY, TOUCH, WAIT = range(6)
TEXTS: dict[str, list[list[str]]] = {
    "ru": [
        [
            "Добрый день! Отправили вам бриф на квартал.",
            "Коллеги, посмотрели макеты, есть правки от юристов.",
            "Нужно срочно согласовать комментарий для РБК.",
            "Пресс-релиз одобрен, можно рассылать.",
            "Завтра у нас совет директоров, прошу подготовить тезисы.",
            "Прикладываю данные для отчёта, проверьте, пожалуйста.",
        ],
        [
            "Когда будет готов отчёт за месяц?",
            "Подскажите, пожалуйста, статус по пресс-релизу?",
            "Можно ли перенести созвон на четверг?",
            "Что с публикацией в отраслевом СМИ?",
            "Сколько будет стоить спецпроект к выставке?",
            "Кто из журналистов подтвердил участие?",
        ],
        ["Здравствуйте! Сообщение получили, вернёмся с решением в ближайшее время."],
        [
            "Добрый день! Отчёт будет в пятницу до 15:00.",
            "Пресс-релиз на финальной вычитке, пришлём сегодня.",
            "Да, четверг в 11:00 подходит.",
            "Макеты во вложении, ждём комментарии.",
            "Спасибо! Внесли правки, новая версия по ссылке.",
            "Журналист подтвердил интервью на вторник.",
        ],
        [
            "Делимся свежим дайджестом упоминаний бренда.",
            "Есть идея спецпроекта к выставке, расскажем на встрече.",
            "Вышла публикация в Ведомостях, ссылка ниже.",
            "Напоминаем про встречу в среду в 12:00.",
        ],
        [
            "Согласуйте, пожалуйста, медиаплан на следующий месяц.",
            "Ждём от вас комментарии по тексту интервью.",
            "Нужен ваш ответ по бюджету спецпроекта до пятницы.",
        ],
    ],
    "uk": [
        [
            "Добрий день! Надіслали вам бриф на квартал.",
            "Колеги, переглянули макети, є правки від юристів.",
            "Треба терміново погодити коментар для видання.",
            "Прес-реліз схвалено, можна розсилати.",
        ],
        [
            "Коли буде готовий звіт за місяць?",
            "Підкажіть, будь ласка, статус прес-релізу?",
            "Чи можна перенести дзвінок на четвер?",
            "Скільки коштуватиме спецпроєкт до виставки?",
        ],
        ["Вітаємо! Повідомлення отримали, повернемося з рішенням найближчим часом."],
        [
            "Добрий день! Звіт буде в пʼятницю до 15:00.",
            "Прес-реліз на фінальній вичитці, надішлемо сьогодні.",
            "Так, четвер об 11:00 підходить.",
            "Дякуємо! Внесли правки, нова версія за посиланням.",
        ],
        [
            "Ділимося свіжим дайджестом згадок бренду.",
            "Вийшла публікація в галузевому виданні, посилання нижче.",
            "Нагадуємо про зустріч у середу о 12:00.",
        ],
        [
            "Погодьте, будь ласка, медіаплан на наступний місяць.",
            "Чекаємо на ваші коментарі до тексту інтервʼю.",
        ],
    ],
    "bg": [
        [
            "Добър ден! Изпратихме ви брифа за тримесечието.",
            "Колеги, прегледахме макетите, има корекции от юристите.",
            "Прессъобщението е одобрено, може да се разпраща.",
        ],
        [
            "Кога ще бъде готов месечният отчет?",
            "Какъв е статусът на прессъобщението?",
            "Може ли да преместим срещата за четвъртък?",
        ],
        ["Здравейте! Получихме съобщението ви и ще се върнем с решение скоро."],
        [
            "Добър ден! Отчетът ще е готов в петък до 15:00.",
            "Прессъобщението е на финална редакция, ще го пратим днес.",
            "Благодарим! Нанесохме корекциите, новата версия е на линка.",
        ],
        [
            "Споделяме свеж дайджест на споменаванията на марката.",
            "Напомняме за срещата в сряда от 12:00.",
        ],
        ["Очакваме вашите коментари по текста на интервюто."],
    ],
    "en": [
        [
            "Good morning! We have sent you the brief for the quarter.",
            "We reviewed the layouts, legal has a few edits.",
            "The press release is approved, please send it out.",
            "Our board meets tomorrow, please prepare the talking points.",
        ],
        [
            "When will the monthly report be ready?",
            "What is the status of the press release?",
            "Can we move the call to Thursday?",
            "Which journalists have confirmed?",
        ],
        ["Hello, thank you: your message is received and we will come back shortly."],
        [
            "Good afternoon! The report will be ready on Friday by 3 pm.",
            "The press release is in final proofreading, you will have it today.",
            "Thursday at 11:00 works for us.",
            "Thanks! The edits are in, the new version is at the link.",
        ],
        [
            "Here is the latest digest of brand mentions.",
            "The article is out in the trade press, link below.",
            "A reminder of our meeting on Wednesday at noon.",
        ],
        [
            "Please approve the media plan for next month.",
            "We are waiting for your comments on the interview text.",
        ],
    ],
}
LANG_INDEX = {"ru": 0, "uk": 1, "bg": 2, "en": 3}
LANGS = list(LANG_INDEX)

FIRST = [
    "Olga", "Ivan", "Maria", "Dmytro", "Oksana", "Georgi", "Aigerim", "James", "Anna", "Pavel",
    "Elena", "Sergey", "Natalia", "Andriy", "Iryna", "Petar", "Dana", "Emily", "Timur", "Sofia",
]  # fmt: skip
LAST = [
    "Petrova", "Sidorov", "Kovalenko", "Shevchenko", "Ivanova", "Dimitrov", "Nurlanova", "Smith",
    "Volkova", "Orlov", "Bondar", "Georgieva", "Abenov", "Taylor", "Morozova", "Melnyk",
]  # fmt: skip
COMPANY_A = [
    "Nord", "Altyn", "Sever", "Volga", "Baltic", "Steppe", "Danube", "Carpathian", "Ural",
    "Pontic", "Thames", "Sunrise", "Granite", "Silver", "Amber", "Cedar", "Falcon", "Harbor",
]  # fmt: skip
COMPANY_B = [
    "Dairy", "Logistics", "Telecom", "Bank", "Pharma", "Motors", "Foods", "Energy", "Retail",
    "Mining", "Airlines", "Media", "Insurance", "Developers", "Brewery", "Clinics",
]  # fmt: skip
INDUSTRY = {
    "Dairy": "FMCG", "Logistics": "Logistics", "Telecom": "Telecom", "Bank": "Finance",
    "Pharma": "Healthcare", "Motors": "Automotive", "Foods": "FMCG", "Energy": "Energy",
    "Retail": "Retail", "Mining": "Mining", "Airlines": "Travel", "Media": "Media",
    "Insurance": "Finance", "Developers": "Real estate", "Brewery": "FMCG", "Clinics": "Healthcare",
}  # fmt: skip
