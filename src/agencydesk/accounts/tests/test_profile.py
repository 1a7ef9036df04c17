"""The profile: language, time zone, API tokens (shown once, own only, audited), Telegram alerts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencydesk.accounts.models import ApiToken
from agencydesk.accounts.services import api_token_create, api_token_revoke, user_profile_update
from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _page_of(response, path: str) -> str:
    """The page without what differs by nature: the CSRF mask and the address it was asked at."""
    text = response.content.decode().replace(path, "PATH")
    return re.sub(r'(X-CSRFToken": "|value=")[A-Za-z0-9]{64}', r"\1…", text)


@pytest.fixture
def signed_in(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    return client


def test_the_top_bar_links_the_name_to_the_profile(signed_in):
    page = signed_in.get(reverse("clients:list")).content.decode()
    assert f'href="{reverse("accounts:profile")}"' in page


def test_profile_needs_a_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("accounts:token_create"), {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_profile_lists_own_tokens_in_a_fixed_number_of_queries(
    signed_in, am, django_assert_num_queries
):
    for n in range(5):
        api_token_create(user=am, name=f"script {n}", at=NOON)
    api_token_create(user=UserFactory(), name="someone else's", at=NOON)
    # session, user, tokens, Telegram alert chats, the calendar feed's secret
    with django_assert_num_queries(5):
        page = signed_in.get(reverse("accounts:profile")).content.decode()
    assert page.count('id="token-') == 5
    assert "someone else&#x27;s" not in page and "someone else's" not in page


@time_machine.travel(NOON, tick=False)
def test_saving_language_and_time_zone_is_audited_and_sets_the_language_cookie(signed_in, am):
    response = signed_in.post(
        reverse("accounts:profile"), {"language": "bg", "timezone": "Europe/Sofia"}
    )
    assert response.status_code == 302
    am.refresh_from_db()
    assert (am.language, am.timezone) == ("bg", "Europe/Sofia")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    row = AuditLog.objects.get(action="user.profile_update")
    assert row.changes == {"language": ["", "bg"], "timezone": ["Europe/Moscow", "Europe/Sofia"]}
    assert row.at == NOON and row.actor == am


@pytest.mark.parametrize("name", ["Mars/Olympus", "europe/moscow", "", "x" * 65, "../../etc"])
def test_a_time_zone_that_is_not_an_iana_name_is_refused(signed_in, am, name):
    response = signed_in.post(reverse("accounts:profile"), {"language": "", "timezone": name})
    assert response.status_code == 422
    am.refresh_from_db()
    assert am.timezone == "Europe/Moscow"
    assert not AuditLog.objects.filter(action="user.profile_update").exists()


def test_the_service_refuses_a_bad_time_zone_and_language(am):
    with pytest.raises(ValidationError) as bad_zone:
        user_profile_update(user=am, language="", timezone="Moon/Base", at=NOON)
    assert "Moon/Base" in str(bad_zone.value.message_dict["timezone"])
    with pytest.raises(ValidationError):
        user_profile_update(user=am, language="xx", timezone="Europe/Kyiv", at=NOON)


@time_machine.travel(NOON, tick=False)
def test_a_new_token_is_shown_once_and_its_creation_is_audited(signed_in, am):
    response = signed_in.post(reverse("accounts:token_create"), {"name": "CRM sync"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=am)
    page = response.content.decode()
    raw = page.split('<p class="token-once">', 1)[1].split("</p>", 1)[0].strip()
    assert raw.startswith(token.prefix) and len(raw) > 40
    assert token.name == "CRM sync" and token.created_at == NOON
    # The raw token is never stored, and the page never shows it again.
    assert raw not in token.digest
    assert raw not in signed_in.get(reverse("accounts:profile")).content.decode()
    row = AuditLog.objects.get(action="api_token.create")
    assert row.actor == am and row.object_id == str(token.pk)
    assert raw not in str(row.changes)
    # And it opens the API.
    assert signed_in.get("/api/v1/attention", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_a_token_name_must_be_given_and_bounded(signed_in, name):
    response = signed_in.post(reverse("accounts:token_create"), {"name": name})
    assert response.status_code == 422
    assert ApiToken.objects.count() == 0
    assert not AuditLog.objects.filter(action="api_token.create").exists()


def test_the_service_bounds_the_token_name(am):
    with pytest.raises(ValidationError):
        api_token_create(user=am, name="n" * 101, at=NOON)
    assert ApiToken.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_revoking_an_own_token_is_audited_and_closes_the_api(signed_in, am):
    token, raw = api_token_create(user=am, name="old script", at=NOON)
    response = signed_in.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == NOON
    assert AuditLog.objects.filter(action="api_token.revoke", actor=am).count() == 1
    assert signed_in.get("/api/v1/attention", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    # A second click changes nothing and writes no second audit row.
    signed_in.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1
    assert not api_token_revoke(token=token, by=am, at=NOON)


def test_someone_elses_token_answers_exactly_like_a_missing_one(signed_in):
    other = UserFactory()
    theirs, _raw = api_token_create(user=other, name="theirs", at=NOON)
    hidden_path = reverse("accounts:token_revoke", args=[theirs.pk])
    missing_path = reverse("accounts:token_revoke", args=[theirs.pk + 1000])
    hidden = signed_in.post(hidden_path)
    missing = signed_in.post(missing_path)
    assert hidden.status_code == missing.status_code == 404
    assert _page_of(hidden, hidden_path) == _page_of(missing, missing_path)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditLog.objects.filter(action="api_token.revoke").exists()


def test_revoking_is_a_post(signed_in, am):
    token, _raw = api_token_create(user=am, name="x", at=NOON)
    assert signed_in.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_profile_shows_the_telegram_alert_link(signed_in, am):
    from agencydesk.integrations.telegram.models import TelegramChat

    page = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Not linked" in page
    assert f'href="{reverse("telegram:chats")}#alerts"' in page
    TelegramChat.objects.create(
        chat_id=4242, type="private", title="Olga (alerts)", user=am, first_seen_at=NOON
    )
    page = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Not linked" not in page
    assert "Olga (alerts)" in page


def test_cli_token_create_uses_the_service_audits_and_bounds_the_name(capsys, am):
    from agencydesk.cli import main

    assert main(["token", "create", am.username, "--name", "n" * 101]) == 2
    assert ApiToken.objects.count() == 0
    assert main(["token", "create", am.username, "--name", "nightly export"]) == 0
    token = ApiToken.objects.get()
    assert token.name == "nightly export"
    assert AuditLog.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
