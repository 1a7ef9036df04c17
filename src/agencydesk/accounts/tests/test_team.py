"""Team management by directors, without the back office; days away, marked by the person or a director."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from agencydesk.accounts.models import Absence, User
from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.core.models import AuditLog

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def as_director(client, director):
    client.force_login(director, backend=MODEL_BACKEND)
    return client


def _new(http, **values):
    data = {
        "username": "sasha",
        "first_name": "Саша",
        "last_name": "Белова",
        "email": "Sasha@Agency.example",
        "role": "account_manager",
        "language": "ru",
        "timezone": "Europe/Moscow",
        "send_link": "1",
        **values,
    }
    return http.post(reverse("accounts:person_new"), data)


def test_a_director_adds_a_person_who_gets_a_link_to_set_a_password(
    as_director, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _new(as_director)
    person = User.objects.get(username="sasha")
    assert response.status_code == 302 and response.url == reverse(
        "accounts:person", args=[person.pk]
    )
    assert (person.email, person.role, person.language, person.timezone) == (
        "sasha@agency.example",
        "account_manager",
        "ru",
        "Europe/Moscow",
    )
    assert not person.has_usable_password()
    (sent,) = mail.outbox
    assert sent.to == ["sasha@agency.example"]
    assert "/accounts/password/reset/" in sent.body and "sasha" in sent.body
    assert str(director) in sent.body
    actions = list(
        AuditLog.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["user.create", "user.password_reset_sent"]


def test_a_duplicate_email_is_refused_clearly_and_nothing_is_created(as_director, am):
    response = _new(as_director, email=am.email.upper())
    assert response.status_code == 422
    assert f"{am.email} is already the address of {am}." in response.content.decode()
    assert not User.objects.filter(username="sasha").exists()


def test_inputs_are_bounded_and_time_zones_checked(as_director):
    response = _new(as_director, username="x" * 151, timezone="Mars/Olympus")
    assert response.status_code == 422
    page = response.content.decode()
    assert "at most 150 characters" in page
    assert "is not a time zone name" in page


def test_only_an_administrator_makes_an_administrator(as_director):
    response = _new(as_director, role="admin")
    assert response.status_code == 422
    assert not User.objects.filter(username="sasha").exists()


def test_people_other_than_directors_are_refused(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    assert client.get(reverse("accounts:people")).status_code == 403
    assert _new(client).status_code == 403


def test_a_director_changes_role_language_and_time_zone_with_an_audit_row(as_director, am):
    response = as_director.post(
        reverse("accounts:person", args=[am.pk]),
        {
            "first_name": am.first_name,
            "last_name": am.last_name,
            "email": am.email,
            "role": "director",
            "language": "bg",
            "timezone": "Europe/Sofia",
        },
    )
    assert response.status_code == 302
    am.refresh_from_db()
    assert (am.role, am.language, am.timezone) == ("director", "bg", "Europe/Sofia")
    row = AuditLog.objects.get(action="user.update")
    assert row.changes["role"] == ["account_manager", "director"]


def test_a_director_cannot_change_their_own_role(as_director, director):
    response = as_director.post(
        reverse("accounts:person", args=[director.pk]),
        {"first_name": "N", "email": director.email, "role": "specialist", "timezone": "UTC"},
    )
    assert response.status_code == 422
    assert "You cannot change your own role." in response.content.decode()
    director.refresh_from_db()
    assert director.role == "director"


def test_a_switched_off_person_can_no_longer_sign_in(as_director, am, client):
    theirs = type(client)()
    theirs.force_login(am, backend=MODEL_BACKEND)
    assert theirs.get(reverse("accounts:profile")).status_code == 200
    page = as_director.get(reverse("accounts:person", args=[am.pk])).content.decode()
    assert "Switching off ends their sign-in" in page
    response = as_director.post(reverse("accounts:person_deactivate", args=[am.pk]))
    assert response.status_code == 302
    am.refresh_from_db()
    assert not am.is_active
    # Their session ends at once, and the login form turns them away.
    assert theirs.get(reverse("accounts:profile")).status_code == 302
    refused = type(client)().post(
        reverse("accounts:login"),
        {"username": am.username, "password": "correct horse battery staple"},
    )
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session
    # and back on
    as_director.post(reverse("accounts:person_activate", args=[am.pk]))
    am.refresh_from_db()
    assert am.is_active
    assert list(
        AuditLog.objects.filter(object_id=str(am.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["user.deactivate", "user.activate"]


def test_a_director_cannot_switch_themselves_off(as_director, director):
    as_director.post(reverse("accounts:person_deactivate", args=[director.pk]))
    director.refresh_from_db()
    assert director.is_active


def test_a_director_sends_a_password_link(as_director, am, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_director.post(reverse("accounts:person_link", args=[am.pk]))
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [am.email]
    assert AuditLog.objects.filter(action="user.password_reset_sent").count() == 1


def test_an_account_manager_marks_own_days_away_on_the_profile(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    response = client.post(
        reverse("accounts:absence_add", args=[am.pk]),
        {"starts_on": "2026-03-16", "ends_on": "2026-03-20", "note": "Отпуск"},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    am.refresh_from_db()
    assert am.days_away == [["2026-03-16", "2026-03-20"]]
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Отпуск" in page
    assert AuditLog.objects.filter(action="absence.add").count() == 1


def test_days_away_that_overlap_or_are_past_are_refused(client, am):
    client.force_login(am, backend=MODEL_BACKEND)
    url = reverse("accounts:absence_add", args=[am.pk])
    client.post(url, {"starts_on": "2026-03-16", "ends_on": "2026-03-20"})
    response = client.post(url, {"starts_on": "2026-03-19", "ends_on": "2026-03-25"}, follow=True)
    assert "These days overlap the absence of 2026-03-16–2026-03-20." in response.content.decode()
    response = client.post(url, {"starts_on": "2026-03-01", "ends_on": "2026-03-02"}, follow=True)
    assert "These days are already past." in response.content.decode()
    response = client.post(url, {"starts_on": "2026-04-02", "ends_on": "2026-04-01"}, follow=True)
    assert "cannot be before the first" in response.content.decode()
    assert Absence.objects.count() == 1


def test_someone_elses_days_away_answer_like_missing_ones(client, am):
    other = UserFactory(username="maria", role="account_manager")
    client.force_login(other, backend=MODEL_BACKEND)
    assert (
        client.post(
            reverse("accounts:absence_add", args=[am.pk]),
            {"starts_on": "2026-03-16", "ends_on": "2026-03-20"},
        ).status_code
        == 404
    )
    absence = Absence.objects.create(
        user=am, starts_on=dt.date(2026, 3, 16), ends_on=dt.date(2026, 3, 20), created_at=NOON
    )
    assert client.post(reverse("accounts:absence_remove", args=[absence.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:absence_remove", args=[absence.pk + 99])).status_code == 404
    )


def test_a_director_marks_and_takes_back_days_away_for_someone(as_director, am):
    as_director.post(
        reverse("accounts:absence_add", args=[am.pk]),
        {"starts_on": "2026-03-10", "ends_on": "2026-03-12"},
    )
    team = as_director.get(reverse("insights:team")).content.decode()
    assert "away until 12 Mar" in team
    people = as_director.get(reverse("accounts:people")).content.decode()
    assert "away now" in people
    absence = Absence.objects.get()
    response = as_director.post(reverse("accounts:absence_remove", args=[absence.pk]))
    assert response.url == reverse("accounts:person", args=[am.pk])
    am.refresh_from_db()
    assert am.days_away == [] and not Absence.objects.exists()
    assert AuditLog.objects.filter(action="absence.remove").count() == 1


def test_the_people_list_costs_a_fixed_number_of_queries(
    as_director, django_assert_max_num_queries
):
    for n in range(3):
        UserFactory(username=f"p{n}", role="account_manager")
    with django_assert_max_num_queries(6):
        as_director.get(reverse("accounts:people"))
    for n in range(3, 9):
        UserFactory(username=f"p{n}", role="account_manager")
    with django_assert_max_num_queries(6):
        assert as_director.get(reverse("accounts:people")).status_code == 200
