"""Import of clients and contacts from CSV or XLSX.

Each row is its own transaction: a good row is imported whole, a bad row is
reported with its line number and reason and leaves nothing behind.
Several rows may name the same client to give it several contacts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from agencydesk.clients.models import Client
from agencydesk.clients.services import client_create, contact_create

if TYPE_CHECKING:
    from agencydesk.accounts.models import User

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


@dataclass
class ImportReport:
    clients_created: int = 0
    contacts_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")  # what Excel on a Russian Windows saves
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    for row in reader:
        yield (
            reader.line_num,
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()},
        )


def _rows_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield (
            number,
            {
                header[i]: ("" if v is None else str(v).strip())
                for i, v in enumerate(values)
                if i < len(header)
            },
        )
    book.close()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _rows_xlsx(path)
    if suffix in {".csv", ".txt"}:
        return _rows_csv(path)
    raise ValueError(f"{path.name}: give a .csv or .xlsx file")


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def clients_import(
    *,
    path: Path,
    by: User | None,
    at: datetime,
    on_row: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every good row of ``path``; see the module docstring."""
    report = ImportReport()
    rows = list(read_rows(path))
    if rows:
        unknown = sorted(set(rows[0][1]) - KNOWN_COLUMNS - {""})
        if "name" not in rows[0][1]:
            raise ValueError("the file has no 'name' column")
        if unknown:
            report.errors.append((1, f"unknown columns ignored: {', '.join(unknown)}"))
    for line, row in rows:
        report.rows += 1
        try:
            with transaction.atomic():
                created_client, created_contact = _import_row(row, by=by, at=at)
        except ValidationError as exc:
            report.errors.append((line, _reason(exc)))
        except ValueError as exc:
            report.errors.append((line, str(exc)))
        else:
            report.clients_created += created_client
            report.contacts_created += created_contact
        if on_row:
            on_row(line)
    return report


def _import_row(row: dict[str, str], *, by: User | None, at: datetime) -> tuple[int, int]:
    name = row.get("name", "")
    if not name:
        raise ValueError("name is empty")
    client_data = {k: v for k, v in row.items() if k in CLIENT_COLUMNS and v != ""}
    contact_data = {CONTACT_COLUMNS[k]: v for k, v in row.items() if k in CONTACT_COLUMNS and v}
    client = Client.objects.filter(name__iexact=name).first()
    created_client = 0
    if client is None:
        client = client_create(by=by, at=at, **client_data)
        created_client = 1
    elif not contact_data:
        raise ValueError(f"client {name!r} already exists and the row adds no contact")
    created_contact = 0
    if contact_data:
        if "name" not in contact_data:
            raise ValidationError({"contact_name": "a contact needs a name"})
        duplicate = client.contacts.filter(name__iexact=contact_data["name"])
        if contact_data.get("email"):
            duplicate = duplicate | client.contacts.filter(email__iexact=contact_data["email"])
        if duplicate.exists():
            raise ValueError(f"contact {contact_data['name']!r} of {client.name!r} already exists")
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
