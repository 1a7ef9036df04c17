"""The audit log of a client as sentences a person reads: "Contact «Anna» added by Olga".

Audit rows keep what the machine needs (an object id, a repr written once, in
the language of whoever wrote it, with UTC times). The history writes them
again at reading time, in the reader's language and time zone: no database
ids, no UTC, and never the text of a secret (a Telegram link code). The
changes of one promise (opened, met) make one line.

How the changes of a model are told is declared by the app that owns it, in its
``AppConfig.ready``, with :func:`history_subject_register`; a model nobody
declared is told by its verbose name and the text its row was saved with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.core.dates import short_moment
from agencydesk.core.models import AuditLog

REASON_MAX = 80
FIELDS_MAX = 4

# The last part of an action ("contact.update" → "update"), as a past participle.
EVENTS = {
    "create": gettext_lazy("added"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "services": gettext_lazy("services changed"),
    "exceptions": gettext_lazy("dated exceptions changed"),
    "calendar_reset": gettext_lazy("back on the default calendar"),
    "open": gettext_lazy("opened"),
    "occurrence": gettext_lazy("created from its schedule"),
    "meet": gettext_lazy("met"),
    "done": gettext_lazy("marked done"),
    "breach": gettext_lazy("missed"),
    "cancel": gettext_lazy("cancelled"),
    "escalate": gettext_lazy("escalated"),
    "recompute": gettext_lazy("due moment recomputed"),
    "snooze": gettext_lazy("snoozed"),
    "reassign": gettext_lazy("handed over"),
    "revoke": gettext_lazy("revoked"),
    "submit": gettext_lazy("sent to review"),
    "review": gettext_lazy("reviewed"),
    "deliver": gettext_lazy("delivered"),
    "override": gettext_lazy("delivered without review"),
    "at_risk": gettext_lazy("flagged at risk"),
    "due": gettext_lazy("new due date"),
    "disconnect": gettext_lazy("disconnected"),
    "reconnect": gettext_lazy("reconnected"),
}


@dataclass(frozen=True)
class HistorySubject:
    """How the history tells the changes of one model.

    * ``names(rows)`` gives the readable name of each object (by ``object_id``)
      in one query for all the rows; without it the row's saved text is used;
    * ``merge``: all the changes of one object shown make one line;
    * ``secret``: the object's own text is never shown (only what it is).
    """

    names: Callable[[Sequence[AuditLog]], dict[str, str]] | None = None
    merge: bool = False
    secret: bool = False


HISTORY_SUBJECTS: dict[str, HistorySubject] = {}


def history_subject_register(label: str, subject: HistorySubject) -> None:
    """Declare how the changes of ``label`` ("app_label.model") are told; again replaces it."""
    HISTORY_SUBJECTS[label] = subject


@dataclass
class HistoryLine:
    """One line of the history: the moment of its latest change and its sentence."""

    at: datetime
    when: str
    text: str
    rows: list[AuditLog] = field(default_factory=list)


def _label(row: AuditLog) -> str:
    return f"{row.content_type.app_label}.{row.content_type.model}"


def _event(row: AuditLog) -> str:
    return str(EVENTS.get(row.action.rsplit(".", 1)[-1], EVENTS["update"]))


def _who(row: AuditLog) -> str:
    return str(row.actor) if row.actor_id and row.actor else ""


def _noun(row: AuditLog) -> str:
    model = row.content_type.model_class()
    return str(model._meta.verbose_name) if model else _("record")


def _changed_fields(row: AuditLog) -> str:
    """The changed fields by their names in the reader's language (never their values)."""
    model = row.content_type.model_class()
    if model is None or not isinstance(row.changes, dict) or not row.action.endswith(".update"):
        return ""
    names = []
    for key in row.changes:
        try:
            names.append(str(model._meta.get_field(key).verbose_name))
        except FieldDoesNotExist:  # a derived value (not a field) is not named
            continue
    if not names:
        return ""
    shown = ", ".join(names[:FIELDS_MAX])
    return shown + ("…" if len(names) > FIELDS_MAX else "")


def _single(row: AuditLog, what: str) -> str:
    fields = _changed_fields(row)
    event = _event(row)
    if fields:
        event = _("%(event)s: %(fields)s") % {"event": event, "fields": fields}
    text = _("%(what)s %(event)s") % {"what": what, "event": event}
    who = _who(row)
    if who:
        text = _("%(change)s by %(who)s") % {"change": text, "who": who}
    return text


def _step(row: AuditLog, *, now: datetime, day: str) -> str:
    """One change in a merged line: "met 09:25 by Olga", with the date only when it differs."""
    moment = short_moment(row.at, now=now)
    when = moment.removeprefix(day + " ") if moment.startswith(day + " ") else moment
    text = _("%(event)s %(when)s") % {"event": _event(row), "when": when}
    due = row.changes.get("due_at") if isinstance(row.changes, dict) else None
    if row.action.endswith((".open", ".occurrence")) and isinstance(due, str):
        try:
            due_at: datetime | None = datetime.fromisoformat(due)
        except ValueError:
            due_at = None
        if due_at is not None and timezone.is_aware(due_at):
            text = _("%(change)s, due %(due)s") % {
                "change": text,
                "due": short_moment(due_at, now=now),
            }
    if row.action.endswith(".done") and row.reason:
        reason = row.reason if len(row.reason) <= REASON_MAX else row.reason[: REASON_MAX - 1] + "…"
        text = _("%(change)s: “%(reason)s”") % {"change": text, "reason": reason}
    who = _who(row)
    if who:
        text = _("%(change)s by %(who)s") % {"change": text, "who": who}
    return text


def _names(rows: Sequence[AuditLog]) -> dict[tuple[str, str], str]:
    by_label: dict[str, list[AuditLog]] = {}
    for row in rows:
        by_label.setdefault(_label(row), []).append(row)
    names: dict[tuple[str, str], str] = {}
    for label, group in by_label.items():
        subject = HISTORY_SUBJECTS.get(label)
        if subject is not None and subject.names is not None:
            for object_id, name in subject.names(group).items():
                names[(label, object_id)] = name
    return names


def history_lines(rows: Iterable[AuditLog], *, now: datetime, limit: int) -> list[HistoryLine]:
    """At most ``limit`` lines from audit ``rows`` (newest first, with actor and content type)."""
    rows = list(rows)
    names = _names(rows)
    lines: list[HistoryLine] = []
    merged: dict[tuple[str, str], HistoryLine] = {}
    for row in rows:
        label = _label(row)
        subject = HISTORY_SUBJECTS.get(label, HistorySubject())
        key = (label, row.object_id)
        if subject.merge and key in merged:
            merged[key].rows.append(row)
            continue
        if len(lines) >= limit:
            continue
        line = HistoryLine(at=row.at, when=short_moment(row.at, now=now), text="", rows=[row])
        lines.append(line)
        if subject.merge:
            merged[key] = line
    for line in lines:
        first = line.rows[0]
        label = _label(first)
        subject = HISTORY_SUBJECTS.get(label, HistorySubject())
        name = names.get((label, first.object_id))
        if name is None:
            noun = _noun(first)
            what = noun if subject.secret else f"{noun} «{first.object_repr}»"
        else:
            what = name
        if subject.merge:
            day = line.when.rsplit(" ", 1)[0]
            steps = [_step(row, now=now, day=day) for row in reversed(line.rows)]
            line.text = capfirst(
                _("%(what)s: %(steps)s") % {"what": what, "steps": ", ".join(steps)}
            )
        else:
            line.text = capfirst(_single(first, what))
    return lines
