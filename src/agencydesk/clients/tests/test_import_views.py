"""Import in the browser: upload, a preview that writes nothing, every error at once, re-upload, import; JSON export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencydesk.clients import import_views
from agencydesk.clients.models import Client, Contact
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

BAD = (
    "name,status,language,account_manager,contact_name,contact_email\n"
    "Acme,acitve,de,olga,Ivan,ivan@acme.example\n"
    "Gamma,active,ru,ghost,Petr,not-an-email\n"
    "Beta,active,ru,olga,Maria,maria@beta.example\n"
)
FIXED = BAD.replace("acitve,de", "active,en").replace(
    "ghost,Petr,not-an-email", "olga,Petr,p@g.example"
)


@pytest.fixture(autouse=True)
def _private_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(import_views.tempfile, "gettempdir", lambda: str(tmp_path))


@pytest.fixture
def signed_in(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    return client


def _upload(http, content: str, name: str = "clients.csv"):
    return http.post(
        reverse("clients:import"), {"file": SimpleUploadedFile(name, content.encode())}
    )


def test_the_preview_lists_every_error_of_every_row_and_writes_nothing(signed_in):
    response = _upload(signed_in, BAD)
    assert response.status_code == 200
    page = response.content.decode()
    for part in (
        "status: &#x27;acitve&#x27; is not one of",
        "language: &#x27;de&#x27; is not one of",
        "account_manager: no active user with the username &#x27;ghost&#x27;",
        "contact_email: Enter a valid email address.",
        "new client Beta with contact Maria",
        "2 rows cannot be imported as they are.",
    ):
        assert part in page, part
    assert not Client.objects.exists() and not AuditLog.objects.exists()


def test_fixed_and_uploaded_again_then_imported(signed_in, am, tmp_path):
    _upload(signed_in, BAD)
    response = _upload(signed_in, FIXED)
    assert response.context["bad_rows"] == 0
    key = response.context["key"]
    response = signed_in.post(reverse("clients:import_run"), {"key": key})
    assert response.status_code == 200
    assert "3 new clients and 3 new contacts." in response.content.decode()
    assert sorted(Client.objects.values_list("name", flat=True)) == ["Acme", "Beta", "Gamma"]
    assert Contact.objects.count() == 3
    assert Client.objects.get(name="Acme").account_manager == am
    # The upload is gone once imported: a second click imports nothing twice.
    assert not list((tmp_path / "agencydesk-imports").glob(f"{am.pk}-{key}.*"))
    assert signed_in.post(reverse("clients:import_run"), {"key": key}).status_code == 404


def test_someone_elses_upload_is_missing_to_you(signed_in, client, director):
    key = _upload(signed_in, FIXED).context["key"]
    client.force_login(director, backend=MODEL_BACKEND)
    assert client.post(reverse("clients:import_run"), {"key": key}).status_code == 404
    assert client.post(reverse("clients:import_run"), {"key": "../../etc"}).status_code == 404
    assert not Client.objects.exists()


def test_a_wrong_kind_of_file_or_a_file_without_names_is_refused(signed_in):
    response = _upload(signed_in, "x", name="clients.pdf")
    assert response.status_code == 422
    assert "Give a .csv or .xlsx file." in response.content.decode()
    response = _upload(signed_in, "industry\nBanks\n")
    assert response.status_code == 422
    assert "the file has no &#x27;name&#x27; column" in response.content.decode()


def test_a_file_over_the_bound_is_refused(signed_in, monkeypatch):
    monkeypatch.setattr(import_views, "MAX_FILE_BYTES", 10)
    response = _upload(signed_in, FIXED)
    assert response.status_code == 422
    assert not Client.objects.exists()


def test_specialists_cannot_import(client, specialist):
    client.force_login(specialist, backend=MODEL_BACKEND)
    assert client.get(reverse("clients:import")).status_code == 403


def test_the_export_downloads_the_clients_json(signed_in, am):
    acme = ClientFactory(name="Acme Foods", account_manager=am)
    response = signed_in.get(reverse("clients:export", args=[acme.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acme-foods.json"'
    data = json.loads(response.content)
    assert data["format"] == "agencydesk.client/1"
    assert data["client"]["name"] == "Acme Foods"
    assert data["client"]["account_manager"] == am.username


def test_a_hidden_clients_export_answers_like_a_missing_one(client, am):
    from agencydesk.accounts.tests.factories import UserFactory

    secret = ClientFactory(name="Secret", confidential=True, account_manager=am)
    client.force_login(UserFactory(username="maria"), backend=MODEL_BACKEND)
    assert client.get(reverse("clients:export", args=[secret.pk])).status_code == 404
    assert client.get(reverse("clients:export", args=[secret.pk + 99])).status_code == 404


def test_unused_import_folder_is_private(signed_in, tmp_path):
    _upload(signed_in, FIXED)
    assert (Path(tmp_path) / "agencydesk-imports").stat().st_mode & 0o077 == 0
