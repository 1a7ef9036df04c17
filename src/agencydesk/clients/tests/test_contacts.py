"""Contacts as people type them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencydesk.clients import dossier
from agencydesk.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["@dana_s", " @dana_s ", "dana_s", "@@dana_s"])
def test_a_telegram_username_is_stored_without_the_at_sign(director, typed):
    client = ClientFactory()
    contact = dossier.contact_create(
        client=client, by=director, at=timezone.now(), name="Dana", telegram_username=typed
    )
    contact.refresh_from_db()
    assert contact.telegram_username == "dana_s"


def test_the_client_page_shows_one_at_sign(client, director):
    acme = ClientFactory(name="Acme")
    dossier.contact_create(
        client=acme, by=director, at=timezone.now(), name="Dana", telegram_username="@dana_s"
    )
    client.force_login(director)
    page = client.get(acme.get_absolute_url()).content.decode()
    assert "@dana_s" in page and "@@dana_s" not in page
