"""What a client's message says: question, needs_response, approval, urgent.

Django-free and explainable: every true label comes with the phrase or rule
that fired. Quoted reply text, signatures and URLs are dropped first, so a
link with ``?id=42`` is not a question and a quoted "When?" is not the
client's. ``needs_response`` leans towards True: a message needs no answer
only when, once cleaned, it is nothing but thanks, acknowledgements, emoji,
a shared link or a forward without a comment.

Russian, Ukrainian, Bulgarian and English, mixed freely in one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABELS = ("question", "needs_response", "approval", "urgent")

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_QUOTE_HEADER = re.compile(
    r"^(?:-{2,}\s*(?:original message|исходное сообщение|оригінальне повідомлення|"
    r"оригинално съобщение)|on .{3,80} wrote:|.{3,80} (?:писал|писала|написал|написала|"
    r"написав|написала|писа)\s*:)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:--\s*$|с уважением|с наилучшими|з повагою|поздрави|с уважение|best regards|"
    r"kind regards|regards|best,|cheers,|sent from my)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?\n;]+")
_CLAUSE = re.compile(r"[,:—–]+|\s-\s")
_WORD = re.compile(r"[^\W\d_][\w'ʼ’-]*", re.UNICODE)


def clean(text: str) -> str:
    """The client's own words: no quoted reply, no signature, no URLs."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if _QUOTE_HEADER.match(stripped) or _SIGNATURE.match(stripped):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return _URL.sub(" ", "\n".join(kept)).strip()


def _rx(*phrases: str) -> re.Pattern[str]:
    """Phrases matched at a word start; a trailing ``*`` allows any ending."""
    parts = []
    for phrase in phrases:
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(body + (r"\w*" if phrase.endswith("*") else r"(?!\w)"))
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Interrogatives and information requests opening a clause (after fillers).
_OPENERS = _rx(
    # ru
    "кто",
    "кто-нибудь",
    "что",
    "где",
    "куда",
    "когда",
    "почему",
    "зачем",
    "как",
    "какой",
    "какая",
    "какие",
    "каким",
    "сколько",
    "во сколько",
    "подскажите",
    "не подскажете",
    "скажите",
    "уточните",
    "напомните",
    "напишите",
    "расскажите",
    "объясните",
    "вы не знаете",
    "мы можем",
    "вы можете",
    "можете",
    "сможете",
    "вопрос",
    "интересно",
    "мы правильно понимаем",
    "хотели бы уточнить",
    "хотелось бы узнать",
    "было бы здорово понять",
    "не понимаю",
    "есть возможность",
    "есть ли",
    "что скажете",
    "что по",
    # uk
    "хто",
    "хтось",
    "що",
    "де",
    "коли",
    "чому",
    "навіщо",
    "як",
    "який",
    "яка",
    "які",
    "скільки",
    "о котрій",
    "підкажіть",
    "не підкажете",
    "скажіть",
    "уточніть",
    "нагадайте",
    "напишіть",
    "розкажіть",
    "поясніть",
    "ви не знаєте",
    "ми можемо",
    "ви можете",
    "питання",
    "цікаво",
    "ми правильно розуміємо",
    "хотіли б уточнити",
    "хотілося б дізнатися",
    "було б добре зрозуміти",
    "не розумію",
    # bg
    "кой",
    "коя",
    "кое",
    "кои",
    "някой",
    "какво",
    "къде",
    "кога",
    "защо",
    "колко",
    "кажете",
    "уточнете",
    "напомнете",
    "пишете",
    "обяснете",
    "не знаете",
    "въпрос",
    "чудя се",
    "бихме искали да уточним",
    "бихме искали да знаем",
    "би било добре да разберем",
    "не разбирам",
    "в колко",
    # en
    "who",
    "what",
    "what's",
    "where",
    "when",
    "why",
    "how",
    "which",
    "any news",
    "any update*",
    "please confirm",
    "please clarify",
    "could you",
    "can you",
    "would you",
    "let me know",
    "do you know",
    "i wonder",
    "curious",
    "we'd like to clarify",
    "we'd love to know",
    "it would be great to understand",
    "i don't understand",
    "question",
    "thoughts",
    "is there",
    "are we right",
    "can we",
    "could we",
)
# English auxiliary + subject opening a clause: "Is the banner live".
_EN_AUX = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|would|will|has|have|should|shall|may)\s+"
    r"(?:you|we|i|it|the|there|this|that|they|he|she|anyone|someone|our|your|my)\b",
    re.IGNORECASE,
)
_FILLERS = _words(
    "а и ну кстати слушайте ребята друзья коллеги добрый день привет здравствуйте "
    "і до речі слухайте привіт вітаю "
    "и между другото хора здравейте "
    "and so btw hi hello hey guys ok also"
)
# A particle that makes a question anywhere in a clause.
_PARTICLES = _rx("ли", "чи")
_WAITING_FOR_COMMENTS = _rx(
    "жду ваших коммент*",
    "ждём ваших коммент*",
    "чекаю ваших комент*",
    "чекаємо ваших комент*",
    "очаквам вашите коментари",
    "очакваме вашите коментари",
    "waiting for your comment*",
    "looking forward to your comment*",
    "ждем ваших коммент*",
)

_APPROVAL = _rx(
    # ru
    "согласовано",
    "согласован*",
    "согласовыва*",
    "согласовываю",
    "не согласовываем",
    "одобря*",
    "одобрен*",
    "утверждаю",
    "утверждаем",
    "утверждено",
    "согласны",
    "отказываемся",
    "запускайте",
    # uk
    "погоджено",
    "погоджую",
    "погоджуємо",
    "не погоджуємо",
    "схвалю*",
    "схвалено",
    "затверджую",
    "затверджено",
    "згодні",
    "відмовляємося",
    # bg
    "одобрено",
    "одобрен",
    "одобрявам",
    "одобряваме",
    "одобрява*",
    "съгласни сме",
    "отказваме",
    "пускайте",
    # en
    "approved",
    "approve",
    "we approve",
    "signed off",
    "we agree",
    "go ahead",
    "declining",
    "not approved",
)
_URGENT = _rx(
    "срочно",
    "срочн*",
    "горит",
    "пожар",
    "немедленно",
    "очень срочно",
    "терміново",
    "горить",
    "пожежа",
    "негайно",
    "спешно",
    "спешн*",
    "гори",
    "веднага",
    "asap",
    "urgent*",
    "on fire",
    "fire drill",
    "immediately",
    "misled",
    "misleading",
    "вводит в заблуждение",
    "вводять в оману",
    "заблуждават",
)
# Seed 002: wrong prices or contacts in a live ad mislead customers.
_URGENT_PROBLEM = re.compile(
    r"(?:неправильн\w*|ошибк\w*|помилк\w*|грешн\w*|wrong)\s+(?:\w+\s+){0,3}?"
    r"(?:цен\w*|ціни?\w*|price\w*|телефон\w*|номер\w*|phone\w*)",
    re.IGNORECASE,
)
# Words that, alone, make a message an acknowledgement that needs no answer.
_ACK_WORDS = _words(
    """
    спасибо спасибі спс благодарю большое огромное ок окей ok okay хорошо понял поняла поняли
    понятно ясно принято приняли получили получил получила передадим руководству всё все
    отлично супер класс круто ага ну да видели видела видел вам тебе тоже хорошего дня вечера
    до связи договорились ждём ждем в работу работе за оперативность встречу разъяснение
    пришло с наступающим праздником новым годом здорово благодарим вот наш наше новый прайс
    для информации посмотрите ссылка ссылку на новость материал переслано переслал
    медиаплан медиапланом текст макет согласовано согласован запускаем
    дякую дяк щиро отримали отримав зрозумів зрозуміло прийнято взяли передамо керівництву
    чудово добре бачили бачила і так гарного на звʼязку домовились чекаємо роботу пояснення
    зустріч прийшло наступаючим ось новий посилання новина про ринок реклами погоджено
    запускаємо дуже подивіться оперативність матеріал з медіаплан
    благодаря мерси получихме разбрах разбрахме се прието поехме го ще предадем на ръководството
    чудесно бързината видях видяхме всичко е пристигна приятен ден и вас весели празници
    ясно обяснението срещата до скоро ами аха ето ценоразпис информация линк към материала
    препратено новина рекламния пазар одобрено пускаме много вижте текстът ви чакаме медийният
    план
    thanks thank thx you much a lot got it noted sounds good great awesome nice cool received
    will pass to management saw seen yes have nice day too deal waiting aha well
    clear for explaining the quick turnaround meeting happy holidays appreciated on talk soon
    everything arrived looks here is our new price list your information look link piece
    fwd ad market news approved launching copy media plan layout with
    """
)
# Approvals that are only recorded (no instruction attached).
_ACK_APPROVAL = _rx(
    "согласовано",
    "согласован*",
    "согласны",
    "погоджено",
    "згодні",
    "одобрено",
    "одобрен*",
    "съгласни сме",
    "approved",
    "we agree",
    "agree",
)


@dataclass(frozen=True, slots=True)
class Understanding:
    """The four labels of one message and, for each true label, why."""

    labels: dict[str, bool]
    reasons: dict[str, str] = field(default_factory=dict)


def _clauses(text: str) -> list[str]:
    out = []
    for sentence in _SENTENCE.split(text):
        for clause in _CLAUSE.split(sentence):
            clause = clause.strip()
            if clause:
                out.append(clause)
    return out


def _strip_fillers(clause: str) -> str:
    words = clause.split()
    while words and words[0].lower().strip("!,.") in _FILLERS:
        words = words[1:]
    return " ".join(words)


def _question(text: str) -> str | None:
    if "?" in text:
        return "?"
    if found := _WAITING_FOR_COMMENTS.search(text):
        return found.group(0)
    for clause in _clauses(text):
        head = _strip_fillers(clause)
        if found := _OPENERS.match(head):
            return found.group(0)
        if found := _EN_AUX.match(head):
            return found.group(0)
        if ("ли" in clause or "чи" in clause) and (found := _PARTICLES.search(clause)):
            return clause[:60]
    return None


def _approval(text: str) -> str | None:
    for sentence in _SENTENCE.split(text):
        found = _APPROVAL.search(sentence)
        if found is None:
            continue
        # "has it been approved?" asks, it does not consent.
        if _question(sentence) is not None or _PARTICLES.search(sentence):
            continue
        return found.group(0)
    return None


def _urgent(text: str) -> str | None:
    if found := _URGENT.search(text):
        return found.group(0)
    if found := _URGENT_PROBLEM.search(text):
        return found.group(0)
    return None


def _needs_response(text: str, question: str | None, urgent: str | None) -> str | None:
    if question:
        return "question"
    if urgent:
        return "urgent"
    rest = _ACK_APPROVAL.sub(" ", text)
    words = [w.lower() for w in _WORD.findall(rest)]
    other = [w for w in words if w not in _ACK_WORDS]
    if not other:
        return None
    return " ".join(other[:6])


def understand(text: str) -> Understanding:
    """Label ``text`` (a client's inbound message) with reasons."""
    own = clean(text).lower()
    question = _question(own)
    urgent = _urgent(own)
    approval = _approval(own)
    needs = _needs_response(own, question, urgent)
    found = {"question": question, "needs_response": needs, "approval": approval, "urgent": urgent}
    return Understanding(
        labels={label: found[label] is not None for label in LABELS},
        reasons={label: str(reason) for label, reason in found.items() if reason is not None},
    )
