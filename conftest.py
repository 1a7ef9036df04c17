"""Suite-wide policy and fixtures.

Under CI=true a skipped test is a failure: every part the suite needs
(chromium, PostgreSQL, Redis) must be installed there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
_skipped: list[str] = []


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when a part is missing; under CI=true fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus: int) -> None:
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped)} skipped test(s) count as failures: {_skipped[:5]}", red=True
        )


@pytest.fixture(autouse=True)
def _language_reset():
    """A page requested in Russian leaves Russian active in the thread (LocaleMiddleware
    activates, nothing deactivates): every test starts from the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def director(db):
    from agencydesk.accounts.tests.factories import UserFactory

    return UserFactory(username="director", role="director", is_staff=True)


@pytest.fixture
def am(db):
    from agencydesk.accounts.tests.factories import UserFactory

    return UserFactory(username="olga", role="account_manager")


@pytest.fixture
def specialist(db):
    from agencydesk.accounts.tests.factories import UserFactory

    return UserFactory(username="anna", role="specialist")


@pytest.fixture
def api(db) -> Iterator:
    """A test client that speaks JSON with a Bearer token: ``api(user).post(...)``."""
    from django.test import Client as HttpClient
    from django.utils import timezone

    from agencydesk.accounts.services import api_token_create

    class Api:
        def __call__(self, user):
            _token, raw = api_token_create(user=user, at=timezone.now())
            return HttpClient(headers={"Authorization": f"Bearer {raw}"})

    yield Api()
