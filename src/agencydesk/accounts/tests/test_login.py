from __future__ import annotations

import pytest
from django.urls import reverse

from agencydesk.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(client):
    UserFactory(username="olga")
    response = client.post(
        reverse("accounts:login"), {"username": "olga", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:today")
    assert client.get(reverse("clients:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("clients:list")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="olga")
    response = client.post(reverse("accounts:login"), {"username": "olga", "password": "wrong"})
    assert response.status_code == 200
    assert "Wrong username or password" in response.content.decode()


def test_login_is_rate_limited_after_five_failures(client):
    UserFactory(username="olga")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "olga", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "olga", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from agencydesk.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
