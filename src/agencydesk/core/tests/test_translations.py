"""The ru, uk and bg catalogues: complete, not fuzzy, placeholders intact, .mo in step with .po.

polib is not a dependency of the project, so a small parser of the PO format lives here.
"""

from __future__ import annotations

import gettext as gnu_gettext
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import agencydesk
from agencydesk.clients.catalogue import SERVICE_NAMES

LOCALE_DIR = Path(agencydesk.__file__).resolve().parent / "locale"
LANGUAGES = ["ru", "uk", "bg"]
SLAVIC_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
PLURAL_FORMS = {"ru": SLAVIC_PLURALS, "uk": SLAVIC_PLURALS, "bg": "nplurals=2; plural=(n != 1);"}
NPLURALS = {"ru": 3, "uk": 3, "bg": 2}

# %(name)s, %s, %d, %.1f …; {name} / {0}; HTML entities such as &nbsp; or &#8212;
PLACEHOLDER = re.compile(
    r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGoc%]|\{[^{}\s]*\}|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str | None = None
    plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def forms(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr or ""]
        return [self.plural[i] for i in sorted(self.plural)]

    @property
    def mo_key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file, the header (msgid "") included; obsolete (#~) ones are flagged."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgstr is not None or current.plural):
            entries.append(current)
        current, target = None, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        if not line:
            finish()
            continue
        if current is None:
            current = Entry()
        current.obsolete = current.obsolete or obsolete
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if keyword:
            name, index, value = keyword.group(1), keyword.group(2), _unquote(keyword.group(3))
            if name == "msgid" and (current.msgstr is not None or current.plural):
                finish()  # entries not separated by a blank line
                current = Entry(obsolete=obsolete)
            if index is not None:
                current.plural[int(index)] = value
                target = ("plural", int(index))
            else:
                setattr(current, name, value)
                target = (name, None)
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "plural":
                current.plural[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
        else:
            raise AssertionError(f"{path}: cannot parse line {raw!r}")
    finish()
    return entries


def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def _messages(lang: str) -> list[Entry]:
    return [e for e in parse_po(_po_path(lang)) if e.msgid and not e.obsolete]


def _header(lang: str) -> dict[str, str]:
    (header,) = [e for e in parse_po(_po_path(lang)) if e.msgid == "" and not e.obsolete]
    assert "fuzzy" not in header.flags, f"{lang}: the header is marked fuzzy"
    fields = (line.partition(":") for line in (header.msgstr or "").splitlines() if line)
    return {key.strip(): value.strip() for key, _, value in fields}


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_names_the_language_and_its_plural_rule(lang):
    header = _header(lang)
    assert header["Language"] == lang
    assert header["Plural-Forms"] == PLURAL_FORMS[lang]
    assert "charset=UTF-8" in header["Content-Type"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(lang):
    messages = _messages(lang)
    assert len(messages) > 300, f"{lang}: suspiciously few messages ({len(messages)})"
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy}"
    empty = [e.msgid for e in messages if not all(form.strip() for form in e.forms)]
    assert not empty, f"{lang}: untranslated: {empty}"
    wrong_count = [
        e.msgid
        for e in messages
        if e.msgid_plural is not None and sorted(e.plural) != list(range(NPLURALS[lang]))
    ]
    assert not wrong_count, f"{lang}: plural entries without {NPLURALS[lang]} forms: {wrong_count}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    broken = []
    for entry in _messages(lang):
        expected = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for form in entry.forms:
            if _placeholders(form) != expected:
                broken.append((entry.msgid, form))
    assert not broken, f"{lang}: placeholders differ: {broken}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po(lang):
    """The committed .mo holds exactly what the .po says (run compilemessages after editing)."""
    mo_path = _po_path(lang).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
    with mo_path.open("rb") as fh:
        catalog = gnu_gettext.GNUTranslations(fh)._catalog

    messages = _messages(lang)
    mo_ids = {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}
    assert len(mo_ids) == len(messages), f"{lang}: .mo has {len(mo_ids)}, .po has {len(messages)}"
    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            compiled = [catalog.get(entry.mo_key)]
        else:
            compiled = [catalog.get((entry.mo_key, i)) for i in range(NPLURALS[lang])]
        if compiled != entry.forms:
            stale.append(entry.msgid)
    assert not stale, f"{lang}: .mo out of date for: {stale}"


@pytest.mark.parametrize(
    ("lang", "expected"), [("ru", "Клиенты"), ("uk", "Клієнти"), ("bg", "Клиенти")]
)
def test_django_serves_the_translation(lang, expected):
    with translation.override(lang):
        assert translation.gettext("Clients") == expected


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        (
            "ru",
            {1: "клиент", 3: "клиента", 5: "клиентов", 11: "клиентов", 21: "клиент", 22: "клиента"},
        ),
        (
            "uk",
            {1: "клієнт", 3: "клієнти", 5: "клієнтів", 12: "клієнтів", 21: "клієнт", 24: "клієнти"},
        ),
        ("bg", {1: "клиент", 2: "клиенти", 11: "клиенти"}),
    ],
)
def test_plural_forms_follow_the_language(lang, counts):
    with translation.override(lang):
        for n, word in counts.items():
            text = translation.ngettext("%(counter)s client", "%(counter)s clients", n)
            assert text % {"counter": n} == f"{n} {word}"


def test_stock_service_catalogue_is_listed_for_makemessages():
    migration = importlib.import_module("agencydesk.clients.migrations.0002_service_catalogue")
    assert sorted(SERVICE_NAMES) == sorted(name for _code, name, _unit in migration.SERVICES)
    for lang in LANGUAGES:
        msgids = {e.msgid for e in _messages(lang)}
        assert set(SERVICE_NAMES) <= msgids, f"{lang}: service names missing from the .po"


def test_service_names_are_shown_translated():
    from agencydesk.clients.models import Service

    with translation.override("ru"):
        assert str(Service(name="Context advertising")) == "Контекстная реклама"
        assert str(Service(name="Our own special service")) == "Our own special service"
