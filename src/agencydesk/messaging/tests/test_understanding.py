"""Understanding client messages (Django-free) and the other-client guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from agencydesk.messaging.guard import other_client_mentions
from agencydesk.messaging.understanding import LABELS, clean, understand

DATA = Path(__file__).parent / "data" / "client_messages.tsv"


def _rows() -> list[tuple[str, dict[str, bool], str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, flags, text = line.split("\t", 2)
            labels = {k: f == "1" for k, f in zip(LABELS, flags, strict=True)}
            rows.append((lang, labels, text.replace("\\n", "\n")))
    return rows


@pytest.mark.parametrize(
    "text", ["Спасибо, получили 👍", "👍👍", "ок", "Дякую!", "Благодаря ви!", "thx :)"]
)
def test_thanks_and_emoji_need_no_response(text):
    got = understand(text)
    assert got.labels == dict.fromkeys(LABELS, False)
    assert got.reasons == {}


@pytest.mark.parametrize(
    "text",
    [
        "Интересно, успеем ли к выставке",
        "I wonder if the journalist got our comment",
        "Please confirm the timeline for the December plan",
        "Есть ли новости по публикации в РБК",
        "Жду ваших комментариев",
        "Цікаво, чи встигнемо до виставки",
        "Чудя се дали ще успеем за изложението",
    ],
)
def test_indirect_questions_are_questions_needing_a_response(text):
    got = understand(text)
    assert got.labels["question"] and got.labels["needs_response"]
    assert got.reasons["question"]


def test_link_query_string_is_not_a_question():
    assert not understand("Посмотрите https://rbc.ru/news?id=42").labels["question"]


def test_quoted_text_and_signature_are_not_the_clients_words():
    text = "Спасибо, получили\n> Когда будет отчёт?\n\nС уважением,\nИрина\nЧто-то ещё? звоните"
    assert clean(text) == "Спасибо, получили"
    assert understand(text).labels["question"] is False


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Согласовано", "согласовано"),
        ("погоджено", "погоджено"),
        ("одобрявам", "одобрявам"),
        ("approved, go ahead", "approved"),
        ("Нет, не согласовываем", "не согласовываем"),
    ],
)
def test_approvals_and_refusals(text, phrase):
    got = understand(text)
    assert got.labels["approval"] and got.reasons["approval"] == phrase


def test_asking_about_an_approval_is_not_one():
    got = understand("А бюджет уже утвердили? Одобрен ли он")
    assert got.labels["question"] and not got.labels["approval"]


@pytest.mark.parametrize(
    "text",
    [
        "Срочно пришлите отчёт",
        "Горит!",
        "ASAP please",
        "терміново",
        "Спешно е",
        "В рекламе неправильные цены, уберите",
    ],
)
def test_urgent(text):
    got = understand(text)
    assert got.labels["urgent"] and got.labels["needs_response"]


def test_labelled_set_size_and_languages():
    rows = _rows()
    assert len(rows) >= 400
    for lang in ("ru", "uk", "bg", "en"):
        assert sum(r[0] == lang for r in rows) >= 100


def test_targets_on_the_labelled_set():
    rows = _rows()
    for lang in ("ru", "uk", "bg", "en"):
        mine = [
            (labels, understand(text).labels) for r_lang, labels, text in rows if r_lang == lang
        ]
        for label, p_min, r_min in (
            ("question", 0.95, 0.92),
            ("needs_response", 0.90, 0.97),
            ("approval", 0.95, 0.0),
        ):
            tp = sum(g[label] and w[label] for w, g in mine)
            fp = sum(g[label] and not w[label] for w, g in mine)
            fn = sum(w[label] and not g[label] for w, g in mine)
            assert tp / (tp + fp) >= p_min, (lang, label)
            assert tp / (tp + fn) >= r_min, (lang, label)


OTHERS = ["Ромашка", "Семенова", "Колосок"]


@pytest.mark.parametrize(
    "text",
    [
        "Ромашка",
        "у Ромашки",
        "Ромашке",
        "про Ромашку",
        "с Ромашкой",
        "о Ромашке",
        "Ромашці",
        "Семенова",
        "Семеновой",
        "Семенову",
        "Семеновою",
        "Колоска",
        "Колоску",
        "Колоском",
        "о Колоске",
        "Колосок",
    ],
)
def test_guard_catches_other_client_names_in_any_case(text):
    found = other_client_mentions(
        f"Добрый день! Как и для {text} на прошлой неделе, готовим отчёт", OTHERS
    )
    assert len(found) == 1


def test_guard_highlights_where_the_name_is():
    text = "Сделали как для Ромашки, см. https://x.ru/romashka"
    (mention,) = other_client_mentions(text, OTHERS)
    assert mention.name == "Ромашка" and mention.found(text) == "Ромашки"


def test_guard_holds_nothing_in_ordinary_messages():
    for _, _, text in _rows():
        assert other_client_mentions(text, OTHERS) == [], text


OUTBOUND = Path(__file__).parent / "data" / "outbound_messages.tsv"
# Other clients of an agency (and a contact's full name), each in its six Russian cases,
# with Ukrainian and Bulgarian forms where they differ.
OTHER_CLIENTS = {
    "Ромашка": ["Ромашка", "Ромашки", "Ромашке", "Ромашку", "Ромашкой", "о Ромашке", "Ромашці"],
    "Колосок": ["Колосок", "Колоска", "Колоску", "Колосок", "Колоском", "о Колоске", "Колоскові"],
    "Полимер-Строй": [
        "Полимер-Строй", "Полимер-Строя", "Полимер-Строю", "Полимер-Строй",
        "Полимер-Строем", "о Полимер-Строе",
    ],
    "Балкан Вино": [
        "Балкан Вино", "Балкан Вина", "Балкан Вину", "Балкан Вино", "Балкан Вином",
        "о Балкан Вине",
    ],
    "Марина Семенова": [
        "Марина Семенова", "Марины Семеновой", "Марине Семеновой", "Марину Семенову",
        "Мариной Семеновой", "о Марине Семеновой", "Марину Семеновою",
    ],
    "Dream Coffee": ["Dream Coffee", "Dream Coffee's"],
}  # fmt: skip


def _outbound() -> list[tuple[str, str]]:
    rows = []
    for line in OUTBOUND.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text.replace("\\n", "\n")))
    return rows


@pytest.mark.parametrize(
    ("name", "form"), [(name, form) for name, forms in OTHER_CLIENTS.items() for form in forms]
)
def test_guard_catches_every_other_client_name_in_every_case(name, form):
    text = f"Добрый день! Для {form} мы делали похожий план, пришлём завтра."
    found = other_client_mentions(text, list(OTHER_CLIENTS))
    assert [m.name for m in found] == [name], form


def test_guard_holds_none_of_200_ordinary_outbound_messages():
    rows = _outbound()
    assert len(rows) == 200
    assert {lang for lang, _ in rows} == {"ru", "uk", "bg", "en"}
    held = [text for _, text in rows if other_client_mentions(text, list(OTHER_CLIENTS))]
    assert held == []
