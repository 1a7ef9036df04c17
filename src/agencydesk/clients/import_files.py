"""Reading an import file (CSV or XLSX) into rows, within bounds, noticing what is malformed.

Reading never stops at a bad row: a row with more fields than the header, a
NUL byte, broken quoting or a quote that swallowed the following lines is
given back with its problems, so the import can report it and go on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# Columns whose text may run over several lines in a quoted CSV field.
MULTILINE_COLUMNS = frozenset({"business_summary"})


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (too big, too many rows, no name column)."""


@dataclass
class SourceRow:
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    last_line: int = 0

    @property
    def lines(self) -> str:
        if self.last_line > self.line:
            return f"{self.line}–{self.last_line}"
        return str(self.line)


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("%(file)s is %(size).1f MB; an import file may be at most %(limit)g MB.")
            % {"file": path.name, "size": size / 1024**2, "limit": MAX_FILE_BYTES / 1024**2}
        )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)d rows; split it into several files.")
        % {"limit": MAX_ROWS}
    )


def _cell_problems(header: list[str], cells: list[str]) -> list[str]:
    problems = []
    extra = [c for c in cells[len(header) :] if c.strip()]
    if extra:
        problems.append(
            _("the row has %(count)d fields, the header %(header)d (a delimiter too many?)")
            % {"count": len(cells), "header": len(header)}
        )
    for name, value in zip(header, cells, strict=False):
        if "\x00" in value:
            problems.append(_("%(column)s: contains a NUL character") % {"column": name or "?"})
    return problems


def _normalised(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: value.strip() for name, value in zip(header, cells, strict=False) if name}


def _header(cells: list[Any]) -> list[str]:
    names = [str(c or "").strip().lower() for c in cells]
    # A spreadsheet pads every row to its widest one: empty trailing names are not columns.
    while names and not names[-1]:
        names.pop()
    return names


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")  # what Excel on a Russian Windows saves


def _rows_csv(path: Path, header: list[str]) -> Iterator[SourceRow]:
    _check_size(path)
    text = _decoded(path.read_bytes())
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed: a sniffed doublequote=False turns strict mode off.
    # strict: a stray quote is an error to report, not text to guess around.
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter, strict=True)
    count = 0
    while True:
        first = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if not header:
                raise ImportFileError(
                    _("The header line cannot be read: %(reason)s") % {"reason": exc}
                ) from exc
            yield SourceRow(
                first,
                {},
                [_("broken quoting (%(reason)s): is a closing quote missing?") % {"reason": exc}],
                reader.line_num,
            )
            continue
        if not any(c.strip() for c in cells):
            continue
        if not header:
            header.extend(_header(cells))
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows()
        row = SourceRow(first, _normalised(header, cells), _cell_problems(header, cells))
        row.last_line = reader.line_num
        if row.last_line > row.line:
            spanning = sorted(
                name
                for name, value in row.values.items()
                if "\n" in value or "\r" in value
                if name not in MULTILINE_COLUMNS
            )
            if spanning:
                row.problems.append(
                    _(
                        "lines %(lines)s were read as one row: a quote in %(columns)s "
                        "is not closed where it should be"
                    )
                    % {"lines": row.lines, "columns": ", ".join(spanning)}
                )
        yield row


def _rows_xlsx(path: Path, header: list[str]) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    _check_size(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header.extend(_header(list(next(rows, None) or [])))
        count = 0
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in (values or ())]
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _too_many_rows()
            row = SourceRow(number, _normalised(header, cells), _cell_problems(header, cells))
            row.last_line = number
            spanning = sorted(
                name
                for name, value in row.values.items()
                if ("\n" in value or "\r" in value) and name not in MULTILINE_COLUMNS
            )
            if spanning:
                row.problems.append(
                    _("%(columns)s: a line break where one line is expected")
                    % {"columns": ", ".join(spanning)}
                )
            yield row
    finally:
        book.close()


@dataclass
class ImportFile:
    header: list[str]
    rows: list[SourceRow]


def read_file(path: Path) -> ImportFile:
    """The header and the data rows of ``path`` with their line numbers; the header is line 1."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        reader = _rows_xlsx
    elif suffix in {".csv", ".txt"}:
        reader = _rows_csv
    else:
        raise ImportFileError(_("%(file)s: give a .csv or .xlsx file") % {"file": path.name})
    header: list[str] = []
    rows = list(reader(path, header))
    return ImportFile(header, rows)
