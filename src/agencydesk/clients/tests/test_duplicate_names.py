"""A client's name another client has: warned on create and rename, with a link to the other one
only if the person may see it; confirmed, it is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencydesk.accounts.tests.factories import UserFactory
from agencydesk.clients import services
from agencydesk.clients.models import Client
from agencydesk.clients.tests.factories import ClientFactory
from agencydesk.clients.tests.test_views import _client_form

pytestmark = pytest.mark.django_db


def test_creating_a_client_named_like_a_visible_one_warns_with_a_link(client, am):
    existing = ClientFactory(name="Northgate Property", account_manager=am)
    client.force_login(am)
    response = client.post(reverse("clients:create"), _client_form(name="northgate property "))
    assert response.status_code == 200
    html = response.content.decode()
    warning = html.split('data-testid="duplicate-name"', 1)[1].split("</div>", 1)[0]
    assert f'href="{existing.get_absolute_url()}"' in warning
    assert Client.objects.count() == 1
    # Confirmed: saved, the two are different clients.
    response = client.post(
        reverse("clients:create"),
        _client_form(name="Northgate Property", confirm_duplicate_name="on"),
    )
    assert response.status_code == 302
    assert Client.objects.filter(name__iexact="Northgate Property").count() == 2


def test_a_hidden_client_of_that_name_is_never_revealed(client, am):
    hidden = ClientFactory(
        name="Secret Bank", confidential=True, account_manager=UserFactory(role="account_manager")
    )
    client.force_login(am)
    response = client.post(reverse("clients:create"), _client_form(name="Secret Bank"))
    assert response.status_code == 200
    html = response.content.decode()
    assert hidden.get_absolute_url() not in html
    warning = html.split('data-testid="duplicate-name"', 1)[1].split("</div>", 1)[0]
    assert "Check with a director" in warning
    assert "<a " not in warning and hidden.account_manager.get_full_name() not in warning


def test_renaming_to_a_taken_name_warns_and_keeping_ones_own_name_does_not(client, am):
    ClientFactory(name="Brightline Foods", account_manager=am)
    mine = ClientFactory(name="Acme", account_manager=am)
    client.force_login(am)
    url = reverse("clients:edit", args=[mine.pk])
    response = client.post(url, _client_form(name="Brightline Foods", account_manager=am.pk))
    assert (
        response.status_code == 200 and 'data-testid="duplicate-name"' in response.content.decode()
    )
    mine.refresh_from_db()
    assert mine.name == "Acme"
    assert client.post(url, _client_form(name="Acme", account_manager=am.pk)).status_code == 302
    assert client.post(url, _client_form(name="ACME", account_manager=am.pk)).status_code == 302


def test_the_service_refuses_a_taken_name_only_when_asked_to(am):
    ClientFactory(name="Acme")
    with pytest.raises(ValidationError) as refused:
        services.client_create(by=am, at=timezone.now(), name="acme", duplicate_name_ok=False)
    assert refused.value.error_dict["name"][0].code == services.DUPLICATE_NAME
    assert "Acme" not in str(refused.value)  # the message names no client
    # The API, the import and the demo keep their behaviour: a name is not a key.
    services.client_create(by=am, at=timezone.now(), name="Acme")
    assert Client.objects.filter(name="Acme").count() == 2
