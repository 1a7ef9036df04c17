"""REST endpoint of the Today queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from agencydesk.clients.api import ERRORS
from agencydesk.insights.selectors import attention_items, attention_target

router = Router(tags=["attention"])


class AttentionOut(Schema):
    id: int
    kind: str
    client: int
    client_name: str
    due_at: datetime
    state: str
    overdue: bool
    severity: str
    reason: str
    url: str
    action: str
    actions: list[str]  # what else it offers: done, snooze, reassign and its kind's own


class AttentionList(Schema):
    user: str
    items: list[AttentionOut]


@router.get(
    "/attention",
    response={200: AttentionList, **ERRORS},
    summary="What a person must do now, ordered by due moment",
)
def attention(
    request: HttpRequest,
    user: str | None = Query(None, max_length=150, description="username; default: you"),
) -> dict[str, Any]:
    target = attention_target(me=request.user, username=user)  # type: ignore[arg-type]
    now = timezone.now()
    items = attention_items(user=target, now=now)
    return {
        "user": target.username,
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "client": i.client_id,
                "client_name": i.client_name,
                "due_at": i.due_at.astimezone(timezone.get_current_timezone()),
                "state": i.state,
                "overdue": i.overdue,
                "severity": i.severity,
                "reason": i.reason,
                "url": request.build_absolute_uri(i.url),
                "action": i.action,
                "actions": ["done", "snooze", "reassign", *(code for code, _label in i.extras)],
            }
            for i in items
        ],
    }
