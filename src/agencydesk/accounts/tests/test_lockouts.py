"""Administrators see current sign-in lockouts and clear them, in the app and the back office."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencydesk.accounts.selectors import lockouts_current
from agencydesk.accounts.services import user_lockout_clear
from agencydesk.accounts.tests.factories import TEST_PASSWORD, UserFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _fail(client, username: str, address: str = "127.0.0.1", times: int = 5) -> None:
    for _ in range(times):
        client.post(
            reverse("accounts:login"),
            {"username": username, "password": "wrong"},
            REMOTE_ADDR=address,
        )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role="admin")


@pytest.fixture
def admin_client(client, admin_user):
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(admin_user, backend=MODEL_BACKEND)
    return signed_in


@time_machine.travel(NOON, tick=False)
def test_admin_sees_current_lockouts_in_a_fixed_number_of_queries(
    client, admin_client, django_assert_num_queries
):
    UserFactory(username="olga")
    UserFactory(username="ivan")
    _fail(client, "olga", "10.0.0.1")
    _fail(client, "olga", "10.0.0.2")
    _fail(client, "ivan", "10.0.0.3")
    _fail(client, "nobody-has-this-name", "10.0.0.4")
    _fail(client, "almost", "10.0.0.5", times=4)  # one short of a lockout
    # session, user, attempts, users by name
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("accounts:lockouts"))
    assert response.status_code == 200
    names = {lockout.username for lockout in response.context["lockouts"]}
    assert names == {"olga", "ivan", "nobody-has-this-name"}
    olga = next(x for x in response.context["lockouts"] if x.username == "olga")
    assert sorted(olga.addresses) == ["10.0.0.1", "10.0.0.2"]
    assert olga.until == NOON + dt.timedelta(minutes=15)
    assert "no such user" in response.content.decode()


def test_an_expired_lockout_is_not_listed(client, admin_user):
    with time_machine.travel(NOON, tick=False):
        _fail(client, "olga")
    with time_machine.travel(NOON + dt.timedelta(minutes=16), tick=False):
        assert lockouts_current(user=admin_user, at=NOON + dt.timedelta(minutes=16)) == []
    assert len(lockouts_current(user=admin_user, at=NOON + dt.timedelta(minutes=5))) == 1


@time_machine.travel(NOON, tick=False)
def test_admin_clears_a_lockout_and_the_owner_signs_in_at_once(client, admin_client, admin_user):
    UserFactory(username="olga")
    _fail(client, "olga")
    locked = client.post(reverse("accounts:login"), {"username": "olga", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    cleared = admin_client.post(reverse("accounts:lockout_clear"), {"username": "olga"})
    assert cleared.status_code == 302 and cleared["Location"] == reverse("accounts:lockouts")
    assert not AccessAttempt.objects.filter(username="olga").exists()
    row = AuditLog.objects.get(action="user.lockout_clear")
    assert row.actor == admin_user and row.object_repr == str(
        UserFactory._meta.model.objects.get(username="olga")
    )
    assert row.at == NOON
    signed = client.post(reverse("accounts:login"), {"username": "olga", "password": TEST_PASSWORD})
    assert signed.status_code == 302


def test_clearing_a_name_nobody_has_is_audited_with_the_name(client, admin_client):
    _fail(client, "ghost")
    admin_client.post(reverse("accounts:lockout_clear"), {"username": "ghost"})
    assert not AccessAttempt.objects.filter(username="ghost").exists()
    assert AuditLog.objects.get(action="user.lockout_clear").reason == "ghost"


def test_clearing_a_name_that_is_not_locked_changes_nothing(admin_client):
    admin_client.post(reverse("accounts:lockout_clear"), {"username": "olga"})
    assert not AuditLog.objects.filter(action="user.lockout_clear").exists()


@pytest.mark.parametrize("role", ["director", "account_manager", "specialist", "finance"])
def test_only_an_administrator_sees_or_clears_lockouts(client, role):
    from django.test import Client

    _fail(client, "olga")
    person = UserFactory(username=f"p-{role}", role=role, is_staff=True)
    other = Client()
    other.force_login(person, backend=MODEL_BACKEND)
    assert other.get(reverse("accounts:lockouts")).status_code == 403
    assert other.post(reverse("accounts:lockout_clear"), {"username": "olga"}).status_code == 403
    assert AccessAttempt.objects.filter(username="olga").exists()
    assert lockouts_current(user=person, at=NOON) == []
    with pytest.raises(ValidationError):
        user_lockout_clear(username="olga", by=person, at=NOON)
    assert "Lockouts" not in other.get(reverse("clients:list")).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    for response in (
        client.get(reverse("accounts:lockouts")),
        client.post(reverse("accounts:lockout_clear"), {"username": "olga"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_back_office_lists_attempts_and_a_superuser_deletes_one(client):
    from django.test import Client

    _fail(client, "olga")
    superuser = UserFactory(username="boss", role="admin", is_staff=True, is_superuser=True)
    office = Client()
    office.force_login(superuser, backend=MODEL_BACKEND)
    assert "axes/accessattempt" in office.get(reverse("admin:index")).content.decode()
    listing = office.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert listing.status_code == 200 and "olga" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="olga")
    office.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    # The app's own page links the back office for an administrator who may use it.
    assert (
        reverse("admin:axes_accessattempt_changelist")
        in office.get(reverse("accounts:lockouts")).content.decode()
    )
    assert "Lockouts" in office.get(reverse("clients:list")).content.decode()
