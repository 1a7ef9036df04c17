"""REST endpoints of the connector: the webhook Telegram calls, and link codes for a client's group."""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from agencydesk.clients.api import ERRORS, Error, editable_client
from agencydesk.integrations.telegram.inbound import updates_store
from agencydesk.integrations.telegram.payloads import Unreadable
from agencydesk.integrations.telegram.services import link_code_create
from agencydesk.integrations.telegram.tasks import updates_process_task

router = Router(tags=["telegram"])


class LinkCodeOut(Schema):
    code: str
    expires_at: datetime
    command: str


class WebhookOut(Schema):
    ok: bool
    stored: int


@router.post(
    "/clients/{client_id}/telegram/link-code",
    response={200: LinkCodeOut, **ERRORS},
    summary="A one-time code: '/link CODE' in a Telegram group links it to this client",
)
def link_code(request: HttpRequest, client_id: int) -> Any:
    client = editable_client(request, client_id)
    code = link_code_create(client=client, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    return {"code": code.code, "expires_at": code.expires_at, "command": f"/link {code.code}"}


@router.post(
    "/telegram/webhook",
    auth=None,
    response={200: WebhookOut, 403: Error},
    summary="Telegram's webhook: verified by the X-Telegram-Bot-Api-Secret-Token header",
)
def webhook(request: HttpRequest) -> Any:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return Status(403, {"detail": "wrong or missing secret token"})
    payload: Any
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = Unreadable(request.body.decode("utf-8", "replace"))
    with transaction.atomic():
        stored = updates_store(payloads=[payload], at=timezone.now())
        if stored:
            transaction.on_commit(lambda: updates_process_task.enqueue())
    # Stored (or already stored), even one we cannot read: any other answer and
    # Telegram delivers it again and again, holding back the updates after it.
    return Status(200, {"ok": True, "stored": stored})
