"""The ``agencydesk`` command, in process (fast) and as a real server (the acceptance path)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from agencydesk import cli
from agencydesk.accounts.models import ApiToken
from agencydesk.clients.models import Client, Contact

VENV_BIN = Path(sys.executable).parent


@pytest.mark.django_db
def test_token_create_prints_the_token_alone_on_the_last_line(capsys, am):
    assert cli.main(["token", "create", "olga"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("ad_") and " " not in last
    assert ApiToken.objects.filter(user=am, prefix=last[:10]).exists()


@pytest.mark.django_db
def test_token_create_for_unknown_user_fails(capsys):
    assert cli.main(["token", "create", "ghost"]) == 2
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_import_csv_reports_bad_rows_and_keeps_good_ones(tmp_path, capsys, am):
    path = tmp_path / "clients.csv"
    path.write_text(
        "name,timezone,language,account_manager,contact_name,contact_email\n"
        "Acme,Europe/Moscow,ru,olga,Ivan,ivan@acme.example\n"
        "Acme,,,,Maria,maria@acme.example\n"
        "Broken,Mars/Base,ru,olga,Petr,petr@broken.example\n"
        ",Europe/Moscow,ru,,,\n"
        "Bad Contact,Europe/Kyiv,uk,,Oleh,not-an-email\n"
        "Nobody Co,Europe/Sofia,bg,ghost,,\n"
        "Sofia Tech,Europe/Sofia,bg,olga,,\n",
        encoding="utf-8",
    )
    code = cli.main(["import", "clients", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert sorted(Client.objects.values_list("name", flat=True)) == ["Acme", "Sofia Tech"]
    assert Contact.objects.filter(client__name="Acme").count() == 2
    for line in ("line 4", "line 5", "line 6", "line 7"):
        assert line in err
    # nothing half-written: the client of a row whose contact was bad is not there
    assert not Client.objects.filter(name="Bad Contact").exists()
    # importing the same file again adds nothing
    cli.main(["import", "clients", str(path)])
    assert Client.objects.count() == 2 and Contact.objects.count() == 2


@pytest.mark.django_db
def test_import_xlsx_and_semicolon_csv(tmp_path, am):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Timezone", "Holidays_country", "Contact_name", "Contact_telegram"])
    sheet.append(["Thames Analytics", "Europe/London", "GB", "Oliver", "oliver_b"])
    sheet.append([None, None, None, None, None])
    xlsx = tmp_path / "clients.xlsx"
    book.save(xlsx)
    assert cli.main(["import", "clients", str(xlsx)]) == 0
    client = Client.objects.get(name="Thames Analytics")
    assert client.calendar.country == "GB"
    assert client.contacts.get().telegram_username == "oliver_b"

    semicolon = tmp_path / "excel.csv"
    semicolon.write_bytes("name;language\nВолга Плаза;ru\n".encode("cp1251"))
    assert cli.main(["import", "clients", str(semicolon)]) == 0
    assert Client.objects.filter(name="Волга Плаза").exists()


@pytest.mark.django_db
def test_import_rejects_a_file_without_a_name_column(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("title\nAcme\n")
    assert cli.main(["import", "clients", str(path)]) == 2
    assert "no 'name' column" in capsys.readouterr().err
    assert cli.main(["import", "clients", str(tmp_path / "missing.csv")]) == 2


@pytest.mark.django_db
def test_export_client_is_full_json(capsys, am):
    from agencydesk.clients.tests.factories import ClientFactory, ContactFactory

    client = ClientFactory(name="Acme", account_manager=am)
    ContactFactory(client=client, name="Ivan")
    assert cli.main(["export", "client", str(client.pk)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["client"]["name"] == "Acme"
    assert data["client"]["account_manager"] == "olga"
    assert [c["name"] for c in data["client"]["contacts"]] == ["Ivan"]
    assert cli.main(["export", "client", "999999"]) == 2


@pytest.mark.django_db
def test_demo_data_is_idempotent():
    from agencydesk.accounts.models import User
    from agencydesk.demo import demo_load

    assert demo_load() == 40
    counts = (Client.objects.count(), Contact.objects.count(), User.objects.count())
    assert demo_load() == 0
    assert (Client.objects.count(), Contact.objects.count(), User.objects.count()) == counts
    assert User.objects.filter(role="account_manager").count() == 8
    zones = {
        c.calendar.timezone if c.calendar else "Europe/Moscow"
        for c in Client.objects.select_related("calendar")
    }
    assert {"Europe/Moscow", "Europe/Kyiv", "Europe/Sofia", "Asia/Almaty", "Europe/London"} <= zones


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(method: str, url: str, token: str | None = None, body: dict | str | None = None):
    data = None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_serve_on_a_fresh_sqlite_file_end_to_end(tmp_path):
    """The README path: migrate, createsuperuser, token create, serve, POST and GET a client."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "AGENCYDESK_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SUPERUSER_USERNAME": "boss",
        "DJANGO_SUPERUSER_PASSWORD": "a long and unguessable password",
        "DJANGO_SUPERUSER_EMAIL": "boss@agency.example",
        "TASKS_BACKEND": "database",
    }
    env.pop("REDIS_URL", None)
    agencydesk = str(VENV_BIN / "agencydesk")
    run = lambda *args: subprocess.run(  # noqa: E731
        [agencydesk, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    run("manage", "migrate", "--noinput")
    run("manage", "createsuperuser", "--noinput")
    token = run("token", "create", "boss").stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [agencydesk, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _request("GET", f"{base}/clients")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 401
        status, created = _request(
            "POST", f"{base}/clients", token, {"name": "Acme", "timezone": "Asia/Almaty"}
        )
        assert status == 201, created
        status, fetched = _request("GET", f"{base}/clients/{created['id']}", token)
        assert status == 200 and fetched["name"] == "Acme" and fetched["timezone"] == "Asia/Almaty"
        status, error = _request("POST", f"{base}/clients", token, {"timezone": "Europe/Moscow"})
        assert status == 422 and error["detail"][0]["loc"][-1] == "name"
        status, error = _request("POST", f"{base}/clients", token, "{not json")
        assert status == 422
    finally:
        server.terminate()
        server.wait(timeout=10)
