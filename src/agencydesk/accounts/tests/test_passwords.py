"""Password change and reset by e-mail: expiring links, the person's language, the lockout lifted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from agencydesk.accounts.tests.factories import TEST_PASSWORD, UserFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "a fresh and long passphrase 42"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _fail(client, username: str, times: int = 5, **extra) -> None:
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, **extra)


def _login(client, username: str, password: str, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_the_login_page_links_forgot_your_password(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Forgot your password?" in page
    assert f'href="{reverse("accounts:password_reset")}"' in page


def test_the_lockout_page_offers_the_reset_link(client):
    UserFactory(username="olga")
    _fail(client, "olga")
    locked = _login(client, "olga", TEST_PASSWORD)
    assert locked.status_code == 429
    assert reverse("accounts:password_reset") in locked.content.decode()


def test_change_password_needs_the_old_one_and_is_audited(client):
    user = UserFactory(username="olga")
    client.force_login(user, backend=MODEL_BACKEND)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    done = client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(action="user.password_change", actor=user).count() == 1
    # The session survives its own password change.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_change_password_needs_a_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_weak_new_password_is_refused(client):
    user = UserFactory(username="olga")
    client.force_login(user, backend=MODEL_BACKEND)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()


def test_reset_link_in_the_users_language_ends_the_lockout_and_signs_in(client):
    user = UserFactory(username="olga", email="olga@agency.example", language="ru")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    _fail(client, "olga", **attacker)
    _fail(client, "olga")
    assert _login(client, "olga", TEST_PASSWORD).status_code == 429

    sent = client.post(reverse("accounts:password_reset"), {"email": "olga@agency.example"})
    assert sent.status_code == 302 and sent["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olga@agency.example"]
    # Asked from an English page, written in the language Olga chose for herself.
    assert "пароль" in message.subject.lower()
    assert "olga" in message.body

    form = client.get(_reset_link(message), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Every failure counted against the name is gone, from every address, and she is in.
    assert not AccessAttempt.objects.filter(username="olga").exists()
    assert client.get(reverse("accounts:profile")).status_code == 200
    row = AuditLog.objects.get(action="user.password_reset")
    assert row.actor == user and row.changes["lockout_attempts_cleared"][0] >= 1
    client.post(reverse("accounts:logout"))
    assert _login(client, "olga", NEW_PASSWORD).status_code == 302


def test_the_reset_link_works_once(client):
    UserFactory(username="olga", email="olga@agency.example")
    client.post(reverse("accounts:password_reset"), {"email": "olga@agency.example"})
    link = _reset_link(mail.outbox[0])
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    client.post(reverse("accounts:logout"))
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "This link no longer works" in again.content.decode()


def test_the_reset_link_expires_after_password_reset_timeout(client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    user = UserFactory(username="olga", email="olga@agency.example")
    with time_machine.travel(NOON, tick=False):
        client.post(reverse("accounts:password_reset"), {"email": "olga@agency.example"})
    link = _reset_link(mail.outbox[0])
    assert "1 hour" in mail.outbox[0].body
    with time_machine.travel(NOON + dt.timedelta(minutes=59), tick=False):
        assert client.get(link, follow=True).context["validlink"]
    with time_machine.travel(NOON + dt.timedelta(hours=1, seconds=1), tick=False):
        late = client.get(link, follow=True)
        assert not late.context["validlink"]
        client.post(
            late.request["PATH_INFO"],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert not AuditLog.objects.filter(action="user.password_reset").exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    UserFactory(username="olga", email="olga@agency.example")
    known = client.post(reverse("accounts:password_reset"), {"email": "olga@agency.example"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@agency.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_a_switched_off_account_gets_no_reset_mail(client):
    UserFactory(username="gone", email="gone@agency.example", is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "gone@agency.example"})
    assert mail.outbox == []
