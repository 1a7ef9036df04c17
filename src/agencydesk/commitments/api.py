"""REST operations on the items of Today: done with a reason, snooze, reassign, the kind's own actions.

The same services as the web page, with the same rights; an item on a client
the caller cannot see answers 404, exactly like a missing one.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from agencydesk.accounts.models import User
from agencydesk.clients.api import ERRORS
from agencydesk.commitments import actions
from agencydesk.commitments.models import Commitment
from agencydesk.core.validators import REASON_MAX_LENGTH

router = Router(tags=["attention"])


class ItemOut(Schema):
    id: int
    kind: str
    state: str
    owner: str | None
    due_at: datetime
    visible_from: datetime


class DoneIn(Schema):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX_LENGTH)


class SnoozeIn(Schema):
    until: datetime = Field(..., description="when it shows in Today again, with its offset")


class ReassignIn(Schema):
    to: str = Field(..., max_length=150, description="username of the colleague")


def _out(commitment: Commitment) -> dict[str, object]:
    commitment.refresh_from_db(fields=["state", "owner", "due_at", "visible_from"])
    zone = timezone.get_current_timezone()
    return {
        "id": commitment.pk,
        "kind": commitment.kind,
        "state": commitment.state,
        "owner": commitment.owner.username if commitment.owner else None,
        "due_at": commitment.due_at.astimezone(zone),
        "visible_from": commitment.visible_from.astimezone(zone),
    }


def _item(request: HttpRequest, pk: int) -> Commitment:
    return actions.commitment_for_action(user=request.user, pk=pk)  # type: ignore[arg-type]


@router.post(
    "/attention/{item_id}/done",
    response={200: ItemOut, **ERRORS},
    summary="Mark an item done outside the desk, saying how (a recorded miss stays recorded)",
)
def attention_done(request: HttpRequest, item_id: int, payload: DoneIn) -> dict[str, object]:
    item = _item(request, item_id)
    actions.commitment_done(
        commitment=item,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        reason=payload.reason,
    )
    return _out(item)


@router.post(
    "/attention/{item_id}/snooze",
    response={200: ItemOut, **ERRORS},
    summary="Hide an item from Today until a moment (its due moment does not move)",
)
def attention_snooze(request: HttpRequest, item_id: int, payload: SnoozeIn) -> dict[str, object]:
    item = _item(request, item_id)
    actions.commitment_snooze(
        commitment=item,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        until=payload.until,
    )
    return _out(item)


@router.post(
    "/attention/{item_id}/reassign",
    response={200: ItemOut, **ERRORS},
    summary="Hand an item to a colleague who may work on the client",
)
def attention_reassign(
    request: HttpRequest, item_id: int, payload: ReassignIn
) -> dict[str, object]:
    item = _item(request, item_id)
    to = User.objects.filter(username=payload.to, is_active=True).first()
    if to is None:
        raise Http404(_("No such person."))
    actions.commitment_reassign(
        commitment=item,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
        to=to,
    )
    return _out(item)


@router.post(
    "/attention/{item_id}/actions/{code}",
    response={200: ItemOut, **ERRORS},
    summary="One of the item's own actions, as listed in its `actions` (e.g. `no_reply`)",
)
def attention_action(
    request: HttpRequest, item_id: int, code: str = Path(..., max_length=40)
) -> dict[str, object]:
    item = _item(request, item_id)
    actions.commitment_extra(
        commitment=item,
        code=code,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    return _out(item)
