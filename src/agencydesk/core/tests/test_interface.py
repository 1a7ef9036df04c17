"""The frame around every page: navigation, icons, the favicon, the log of ordinary refusals."""

from __future__ import annotations

import logging
import sys

import pytest
from django.template import Context, Template

from agencydesk.core.log_filters import OrdinaryRefusalFilter


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("not yours")
    except PermissionError:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (), sys.exc_info()
        )
    record.status_code = status
    return record


def test_an_ordinary_refusal_is_one_line():
    record = _record(403)
    assert OrdinaryRefusalFilter().filter(record)
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING Forbidden: /x/"


def test_a_real_error_keeps_its_traceback():
    record = _record(500)
    assert OrdinaryRefusalFilter().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_icons_are_inline_svg_not_font_glyphs():
    html = Template('{% load desk %}{% icon "pause" %}{% icon "check" "Done" %}').render(Context())
    assert html.count("<svg") == 2
    assert 'aria-hidden="true"' in html and 'aria-label="Done"' in html
    assert "⏸" not in html


@pytest.mark.django_db
def test_favicon_ico_goes_to_the_app_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("agencydesk/favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "staff", "superuser", "shown"),
    [
        ("director", True, False, False),  # staff without a single right: admin would refuse
        ("admin", True, True, True),
        ("account_manager", False, False, False),
    ],
)
def test_back_office_only_for_whom_it_works(client, role, staff, superuser, shown):
    from agencydesk.accounts.tests.factories import UserFactory

    user = UserFactory(role=role, is_staff=staff, is_superuser=superuser)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/clients/").content.decode()
    assert ('href="/admin/"' in html) is shown
    assert "data-nav-toggle" in html  # the phone's menu


@pytest.mark.django_db
def test_a_director_with_admin_rights_sees_the_back_office(client):
    from django.contrib.auth.models import Permission

    from agencydesk.accounts.tests.factories import UserFactory

    user = UserFactory(role="director", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_client"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert 'href="/admin/"' in client.get("/clients/").content.decode()


def test_a_moment_of_another_year_shows_the_year():
    import datetime as dt

    import time_machine
    from django.utils import timezone, translation

    from agencydesk.core.templatetags.desk import moment

    frozen = time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False)
    with frozen, timezone.override("Europe/Moscow"), translation.override("en"):
        assert moment(dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)) == "Tue 1 Jan 2030 12:00"
        assert moment(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)) == "Tue 1 Dec 12:00"
