"""Importing clients from CSV/XLSX: every bad row reported with all its reasons, the good ones in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencydesk import cli
from agencydesk.clients import import_files
from agencydesk.clients.importing import ImportFileError, clients_import
from agencydesk.clients.models import Client, Contact

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _import(tmp_path, content: str | bytes, name: str = "clients.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return clients_import(path=path, by=None, at=AT)


def _names() -> list[str]:
    return sorted(Client.objects.values_list("name", flat=True))


def test_a_row_with_more_fields_than_the_header_is_reported_and_the_others_imported(tmp_path):
    report = _import(tmp_path, "name,industry\nAcme,PR,oops\nBeta,Retail\n")
    assert report.errors == [
        (2, "the row has 3 fields, the header 2 (a delimiter too many?)"),
    ]
    assert _names() == ["Beta"]


def test_a_100000_character_name_is_reported_without_a_query_and_later_rows_go_in(tmp_path):
    huge = "N" * 100_000
    with CaptureQueriesContext(connection) as queries:
        report = _import(tmp_path, f"name,industry\n{huge},PR\nBeta,Retail\n")
    assert report.errors == [(2, "name: 100000 characters, at most 200")]
    assert _names() == ["Beta"]
    assert not any(huge[:1000] in q["sql"] for q in queries.captured_queries)


def test_an_unterminated_quote_at_the_end_is_reported_not_merged_into_a_name(tmp_path):
    report = _import(tmp_path, 'name,industry\nAlpha,PR\n"Acme,PR\nBeta,Retail\nGamma,Media\n')
    assert [line for line, _ in report.errors] == [3]
    assert "closing quote missing" in report.errors[0][1]
    assert _names() == ["Alpha"]  # nothing named "Acme,PR\nBeta,Retail…"


def test_a_quote_closed_rows_later_is_reported_with_the_lines_it_swallowed(tmp_path):
    report = _import(tmp_path, 'name,industry\n"Acme,PR\nBeta",Retail\nGamma,Media\n')
    (error,) = report.errors
    assert error[0] == 2
    assert "lines 2–3 were read as one row" in error[1] and "name" in error[1]
    assert _names() == ["Gamma"]


def test_a_stray_quote_inside_a_row_is_reported_and_the_next_rows_imported(tmp_path):
    report = _import(tmp_path, 'name,industry\n"Acme"x,PR\nBeta,Retail\n')
    assert [line for line, _ in report.errors] == [2]
    assert "broken quoting" in report.errors[0][1]
    assert _names() == ["Beta"]


def test_a_line_break_in_the_business_summary_is_kept(tmp_path):
    report = _import(tmp_path, 'name,business_summary\nAcme,"Retail.\nTwo lines."\n')
    assert report.ok, report.errors
    assert Client.objects.get().business_summary == "Retail.\nTwo lines."


def test_nul_bytes_are_refused_with_their_line(tmp_path):
    report = _import(tmp_path, "name,industry\nAc\x00me,PR\nBeta,Re\x00tail\nGamma,Media\n")
    assert report.errors == [
        (2, "name: contains a NUL character"),
        (3, "industry: contains a NUL character"),
    ]
    assert _names() == ["Gamma"]


def test_every_reason_of_a_row_is_reported_at_once_with_the_allowed_values(tmp_path, am):
    report = _import(
        tmp_path,
        "name,status,language,preferred_channel,contact_name,contact_decision_power\n"
        "Acme,acitve,de,fax,Ivan,boss\n",
    )
    ((line, reason),) = report.errors
    assert line == 2
    for part in (
        "status: 'acitve' is not one of prospect, active, paused, ended",
        "language: 'de' is not one of ru, uk, bg, en, kk",
        "preferred_channel: 'fax' is not one of telegram, email, phone, meeting, other",
        "contact_decision_power: 'boss' is not one of decides, approves, informs",
    ):
        assert part in reason
    assert not Client.objects.exists()


def test_lookups_and_formats_of_a_row_are_all_reported_too(tmp_path, am):
    report = _import(
        tmp_path,
        "name,timezone,working_hours,account_manager,backup_manager,contact_name,contact_email\n"
        "Acme,Mars/Base,sometimes,ghost,olga,Ivan,not-an-email\n"
        "Beta,Europe/Moscow,mon-fri 09:00-18:00,olga,,Maria,maria@beta.example\n",
    )
    ((line, reason),) = report.errors
    assert line == 2
    assert "timezone: Unknown time zone “Mars/Base”." in reason
    assert "working_hours: These working hours cannot be used" in reason
    assert "account_manager: no active user with the username 'ghost'" in reason
    assert "backup_manager" not in reason
    assert "contact_email: Enter a valid email address." in reason
    assert _names() == ["Beta"] and Contact.objects.get().name == "Maria"


def test_a_file_over_the_size_bound_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportFileError, match="an import file may be at most"):
        _import(tmp_path, "name\n" + "Acme\n" * 300)
    assert not Client.objects.exists()


def test_the_cli_says_why_a_5_mb_file_is_refused(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_text("name\n" + ("x" * 99 + "\n") * 53_000)
    assert path.stat().st_size > 5 * 1024 * 1024
    assert cli.main(["import", "clients", str(path)]) == 2
    assert "an import file may be at most 5 MB" in capsys.readouterr().err
    assert not Client.objects.exists()


def test_more_rows_than_the_bound_are_refused_as_a_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    assert _import(tmp_path, "name\nA\nB\nC\n").clients_created == 3
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        _import(tmp_path, "name\nD\nE\nF\nG\n")
    assert _names() == ["A", "B", "C"]


def test_xlsx_rows_get_the_same_checks(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["name", "industry"])
    sheet.append(["Acme", "PR", "extra"])
    sheet.append(["Two\nlines", "PR"])
    sheet.append(["N" * 300, "PR"])
    sheet.append(["Beta", "Retail"])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    report = clients_import(path=path, by=None, at=AT)
    assert report.errors == [
        (2, "the row has 3 fields, the header 2 (a delimiter too many?)"),
        (3, "name: a line break where one line is expected"),
        (4, "name: 300 characters, at most 200"),
    ]
    assert _names() == ["Beta"]
