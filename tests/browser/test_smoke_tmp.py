import pytest
from django.db import connection
from playwright.sync_api import expect


@pytest.fixture
def probe(live_server, django_db_serialized_rollback):
    from agencydesk.calendars.models import BusinessCalendar

    print(
        "PROBE", BusinessCalendar.objects.count(), hasattr(connection, "_test_serialized_contents")
    )


def test_smoke(probe, agency, director_page):
    page = director_page
    expect(page.locator("h1")).to_have_text("Clients")


def test_smoke2(probe, agency, director_page):
    page = director_page
    page.goto(f"/clients/{agency.northwind.pk}/")
