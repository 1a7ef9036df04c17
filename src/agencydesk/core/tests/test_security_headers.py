"""Every answer Django renders carries the security headers; static files stay cacheable."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_headers(response) -> None:
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_the_login_page_has_every_header(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    _assert_headers(response)


def test_an_authenticated_page_has_every_header(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    response = client.get(reverse("clients:list"))
    assert response.status_code == 200
    _assert_headers(response)


def test_api_answers_have_every_header_including_errors(api, am, client):
    ok = api(am).get("/api/v1/attention")
    assert ok.status_code == 200
    _assert_headers(ok)
    refused = client.get("/api/v1/attention")
    assert refused.status_code == 401
    _assert_headers(refused)


def test_the_pages_carry_no_inline_script_and_no_inline_handlers(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    page = client.get(reverse("clients:list")).content.decode()
    assert "onchange=" not in page and "onclick=" not in page
    for tag in page.split("<script")[1:]:
        assert tag.lstrip().startswith("src=") or " src=" in tag.split(">", 1)[0], tag[:80]
    assert "includeIndicatorStyles" in page


def test_static_files_stay_cacheable_and_without_no_store(client):
    response = client.get("/static/agencydesk/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "public" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_swagger_ui_is_served_from_our_own_static_files(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page and "https://" not in page.split("<body", 1)[0]
