"""Import of clients and contacts from CSV or XLSX.

Each row is its own transaction: a good row is imported whole, a bad row is
reported with its line number and every reason at once, and leaves nothing
behind. Every length and choice is checked before any query, so no row can
make the database give up on the rows after it.
Several rows may name the same client to give it several contacts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.calendars.selectors import calendar_default
from agencydesk.calendars.services import calendar_check
from agencydesk.clients.dossier import contact_create
from agencydesk.clients.import_files import ImportFileError, SourceRow, read_file
from agencydesk.clients.models import Client, Contact
from agencydesk.clients.services import client_create

if TYPE_CHECKING:
    from agencydesk.accounts.models import User

__all__ = [
    "ImportFileError",
    "ImportReport",
    "clients_import",
    "clients_import_preview",
    "read_rows",
]

CLIENT_COLUMNS = {
    "name",
    "industry",
    "status",
    "language",
    "timezone",
    "working_hours",
    "holidays_country",
    "account_manager",
    "backup_manager",
    "business_summary",
    "preferred_channel",
    "address_form",
}
CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_position": "position",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_telegram": "telegram_username",
    "contact_decision_power": "decision_power",
    "contact_address_as": "address_as",
}
KNOWN_COLUMNS = CLIENT_COLUMNS | set(CONTACT_COLUMNS)
# Columns that are not model fields of the same name, and how long they may be.
OTHER_LENGTHS = {
    "timezone": 64,
    "working_hours": 300,
    "holidays_country": 2,
    "account_manager": 150,
    "backup_manager": 150,
}
PEOPLE_COLUMNS = ("account_manager", "backup_manager")
CALENDAR_COLUMNS = ("timezone", "working_hours", "holidays_country")


@dataclass
class ImportReport:
    clients_created: int = 0
    contacts_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0
    # What each good row does, by line: the preview shows it before anything is written.
    done: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(path: Path) -> list[SourceRow]:
    """The data rows of ``path``, within the file's bounds (see ``import_files``)."""
    return read_file(path).rows


def _model_field(column: str) -> Any:
    if column in CONTACT_COLUMNS:
        return Contact._meta.get_field(CONTACT_COLUMNS[column])
    if column in OTHER_LENGTHS:
        return None
    return Client._meta.get_field(column)


def _max_length(column: str) -> int | None:
    model_field = _model_field(column)
    return OTHER_LENGTHS.get(column) if model_field is None else model_field.max_length


def _shape_problems(row: dict[str, str]) -> tuple[list[str], set[str]]:
    """Lengths and choices of every column, without a query; the columns found wrong."""
    problems: list[str] = []
    bad: set[str] = set()
    for column, value in row.items():
        if column not in KNOWN_COLUMNS or not value:
            continue
        limit = _max_length(column)
        if limit is not None and len(value) > limit:
            problems.append(
                _("%(column)s: %(length)d characters, at most %(limit)d")
                % {"column": column, "length": len(value), "limit": limit}
            )
            bad.add(column)
            continue
        model_field = _model_field(column)
        choices = [str(v) for v, _label in (model_field.choices or [])] if model_field else []
        if choices and value not in choices:
            problems.append(
                _("%(column)s: %(value)s is not one of %(choices)s")
                % {"column": column, "value": repr(value), "choices": ", ".join(choices)}
            )
            bad.add(column)
    return problems, bad


def _messages(exc: ValidationError, columns: dict[str, str] | None = None) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [" ".join(exc.messages)]
    rename = columns or {}
    return [
        f"{rename.get(key, key)}: {' '.join(messages)}"
        for key, messages in exc.message_dict.items()
    ]


class _Checker:
    """Every reason a row cannot be imported; the lookups it needs are made once per file."""

    def __init__(self) -> None:
        self._default = calendar_default()
        self._users: dict[str, bool] = {}

    def _user_exists(self, username: str) -> bool:
        if username not in self._users:
            self._users[username] = User.objects.filter(username=username, is_active=True).exists()
        return self._users[username]

    def problems(self, row: SourceRow) -> list[str]:
        values = row.values
        problems = list(row.problems)
        if not values.get("name"):
            problems.append(_("name is empty"))
        shape, bad = _shape_problems(values)
        problems += shape
        if row.problems or shape:
            # The database is not asked about a row whose text is already wrong.
            return problems
        for column in PEOPLE_COLUMNS:
            if values.get(column) and not self._user_exists(values[column]):
                problems.append(
                    _("%(column)s: no active user with the username %(name)s")
                    % {"column": column, "name": repr(values[column])}
                )
        problems += self._calendar_problems(values)
        plain = {k: v for k, v in values.items() if k in CLIENT_COLUMNS and v}
        client = Client(
            **{k: v for k, v in plain.items() if k not in OTHER_LENGTHS and k not in bad}
        )
        try:
            client.full_clean(
                exclude=[
                    "calendar",
                    "account_manager",
                    "backup_manager",
                    "created_at",
                    "updated_at",
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems += _messages(exc)
        contact = _contact_data(values)
        if contact and "name" not in contact:
            problems.append(_("contact_name: a contact needs a name"))
        elif contact:
            try:
                Contact(**contact).full_clean(
                    exclude=["client"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                problems += _messages(exc, {v: k for k, v in CONTACT_COLUMNS.items()})
        return problems

    def _calendar_problems(self, values: dict[str, str]) -> list[str]:
        # One check per column, the others at the default, so each wrong one is named.
        defaults = {"timezone": self._default.timezone, "hours": self._default.hours, "country": ""}
        problems = []
        for name, column in (
            ("timezone", "timezone"),
            ("hours", "working_hours"),
            ("country", "holidays_country"),
        ):
            if not values.get(column):
                continue
            trial = {**defaults, name: values[column]}
            trial["country"] = trial["country"].upper()
            try:
                calendar_check(subdivision="", **trial)
            except ValidationError as exc:
                problems += [
                    f"{column}: {' '.join(messages)}" for messages in exc.message_dict.values()
                ]
        return problems


def _contact_data(values: dict[str, str]) -> dict[str, str]:
    return {CONTACT_COLUMNS[k]: v for k, v in values.items() if k in CONTACT_COLUMNS and v}


def clients_import(
    *,
    path: Path,
    by: User | None,
    at: datetime,
    on_row: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every good row of ``path``; see the module docstring."""
    report = ImportReport()
    source = read_file(path)
    if source.rows or source.header:
        if "name" not in source.header:
            raise ImportFileError(_("the file has no 'name' column"))
        unknown = sorted(set(source.header) - KNOWN_COLUMNS - {""})
        if unknown:
            report.errors.append(
                (1, _("unknown columns ignored: %(columns)s") % {"columns": ", ".join(unknown)})
            )
    checker = _Checker()
    for row in source.rows:
        report.rows += 1
        problems = checker.problems(row)
        if not problems:
            try:
                with transaction.atomic():
                    created_client, created_contact = _import_row(row.values, by=by, at=at)
            except ValidationError as exc:
                problems = _messages(exc)
            except ValueError as exc:
                problems = [str(exc)]
            except DatabaseError as exc:
                # The row's savepoint is rolled back: the next rows still go in.
                problems = [_("the database refused the row: %(reason)s") % {"reason": exc}]
            else:
                report.clients_created += created_client
                report.contacts_created += created_contact
                report.done.append((row.line, _row_outcome(row.values, created_client)))
        if problems:
            report.errors.append((row.line, "; ".join(problems)))
        if on_row:
            on_row(row.line)
    return report


def _row_outcome(row: dict[str, str], created_client: int) -> str:
    contact = row.get("contact_name", "")
    if created_client and contact:
        return _("new client %(client)s with contact %(contact)s") % {
            "client": row["name"],
            "contact": contact,
        }
    if created_client:
        return _("new client %(client)s") % {"client": row["name"]}
    return _("new contact %(contact)s of %(client)s") % {"client": row["name"], "contact": contact}


class _DryRun(Exception):  # not an error: how the preview undoes its rows
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def clients_import_preview(*, path: Path, by: User | None, at: datetime) -> ImportReport:
    """What importing ``path`` would do, row by row, and every problem of every row; writes nothing.

    The import runs for real inside a transaction that is then rolled back, so
    the preview finds exactly what the import will (a duplicate within the file
    too); nothing sent on commit is sent.
    """
    try:
        with transaction.atomic():
            raise _DryRun(clients_import(path=path, by=by, at=at))
    except _DryRun as dry:
        return dry.report


def _import_row(row: dict[str, str], *, by: User | None, at: datetime) -> tuple[int, int]:
    name = row["name"]
    client_data = {k: v for k, v in row.items() if k in CLIENT_COLUMNS and v != ""}
    contact_data = _contact_data(row)
    client = Client.objects.filter(name__iexact=name).first()
    created_client = 0
    if client is None:
        client = client_create(by=by, at=at, **client_data)
        created_client = 1
    elif not contact_data:
        raise ValueError(
            _("client %(name)s already exists and the row adds no contact") % {"name": repr(name)}
        )
    created_contact = 0
    if contact_data:
        duplicate = client.contacts.filter(name__iexact=contact_data["name"])
        if contact_data.get("email"):
            duplicate = duplicate | client.contacts.filter(email__iexact=contact_data["email"])
        if duplicate.exists():
            raise ValueError(
                _("contact %(contact)s of %(client)s already exists")
                % {"contact": repr(contact_data["name"]), "client": repr(client.name)}
            )
        try:
            contact_create(client=client, by=by, at=at, **contact_data)
        except ValidationError as exc:
            raise ValidationError(
                {
                    next((c for c, f in CONTACT_COLUMNS.items() if f == key), key): msgs
                    for key, msgs in exc.message_dict.items()
                }
            ) from exc
        created_contact = 1
    return created_client, created_contact
