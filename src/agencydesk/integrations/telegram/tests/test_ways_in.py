"""The two ways in: the webhook (secret header) and long polling (offset from the database)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from agencydesk.integrations.telegram.models import TelegramUpdate
from agencydesk.integrations.telegram.testing import group_message
from agencydesk.messaging.models import Message

URL = "/api/v1/telegram/webhook"
HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


def _post(payload, secret="s3cret-webhook"):
    headers = {HEADER: secret} if secret is not None else {}
    # Telegram sends no CSRF token: the secret header is the webhook's only proof.
    http = HttpClient(enforce_csrf_checks=True)
    return http.post(URL, payload, content_type="application/json", **headers)


def test_webhook_refuses_a_call_without_the_secret(fake_api, db):
    update = group_message(update_id=1, chat_id=-1, message_id=1, text="hi")
    assert _post(update, secret=None).status_code == 403
    assert _post(update, secret="wrong").status_code == 403
    assert TelegramUpdate.objects.count() == 0


def test_webhook_without_a_configured_secret_takes_nothing(fake_api, db, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    update = group_message(update_id=1, chat_id=-1, message_id=1, text="hi")
    assert _post(update, secret="").status_code == 403


def test_webhook_stores_then_processes_and_a_redelivery_changes_nothing(
    fake_api, client_acme, am, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from agencydesk.integrations.telegram.services import link_code_create

    code = link_code_create(client=client_acme, by=am, at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(
            group_message(update_id=1, chat_id=-7, message_id=1, text=f"/link {code.code}")
        ).json() == {"ok": True, "stored": 1}
    update = group_message(update_id=2, chat_id=-7, message_id=2, text="Здравствуйте")
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(update).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(update).json() == {"ok": True, "stored": 0}
    assert Message.objects.get().text == "Здравствуйте"
    assert TelegramUpdate.objects.filter(processed_at__isnull=True).count() == 0


def test_link_code_endpoint(api, am, specialist, client_acme):
    response = api(am).post(f"/api/v1/clients/{client_acme.pk}/telegram/link-code")
    assert response.status_code == 200
    body = response.json()
    assert len(body["code"]) == 8 and body["command"] == f"/link {body['code']}"
    assert (
        api(specialist).post(f"/api/v1/clients/{client_acme.pk}/telegram/link-code").status_code
        == 403
    )
    assert api(am).post("/api/v1/clients/999999/telegram/link-code").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_poll_asks_from_the_last_stored_update_and_confirms_only_what_is_stored(fake_api):
    from django.utils import timezone

    from agencydesk.integrations.telegram.poller import poll

    TelegramUpdate.objects.create(
        update_id=41, payload={"update_id": 41}, received_at=timezone.now()
    )
    fake_api.push(
        *[group_message(update_id=i, chat_id=-9, message_id=i, text=str(i)) for i in range(42, 47)]
    )
    poll(timeout=0, exit_when_idle=True)
    offsets = [p.get("offset") for m, p in fake_api.calls if m == "getUpdates"]
    assert offsets[0] == 42  # read back from the database, not from memory
    assert offsets[-1] == 47
    assert sorted(TelegramUpdate.objects.values_list("update_id", flat=True)) == list(range(41, 47))


def test_set_webhook_sends_url_and_secret(fake_api, db):
    from agencydesk import cli

    assert (
        cli.main(["telegram", "set-webhook", "https://desk.example/api/v1/telegram/webhook"]) == 0
    )
    assert fake_api.webhook == {
        "url": "https://desk.example/api/v1/telegram/webhook",
        "secret_token": "s3cret-webhook",
    }
    assert cli.main(["telegram", "delete-webhook"]) == 0
    assert fake_api.webhook == {}


@pytest.mark.django_db(transaction=True)
def test_a_restarted_poller_first_processes_what_was_stored_but_not_processed(fake_api):
    from django.utils import timezone

    from agencydesk.integrations.telegram.inbound import updates_store
    from agencydesk.integrations.telegram.poller import poll

    # A poller killed between the two steps left these stored and new.
    updates_store(
        payloads=[group_message(update_id=7, chat_id=-3, message_id=1, text="a")], at=timezone.now()
    )
    assert TelegramUpdate.objects.get().state == "new"
    poll(timeout=0, exit_when_idle=True)
    assert TelegramUpdate.objects.get().state == "parked"  # processed: kept for an admin
    assert [p.get("offset") for m, p in fake_api.calls if m == "getUpdates"] == [8]
