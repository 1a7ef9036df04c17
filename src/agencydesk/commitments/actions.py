"""What a person may do with any item of Today, whatever its kind: done, snooze, reassign,
and the kind's own actions from the registry.

The web page and the API call these same services, and these check the rights:
the item's owner, or anyone who may edit its client (its account manager, the
backup, a director), may act on it. A client the person cannot see answers as
if the item did not exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.clients.access import can_view_client
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.commitments.kinds import KINDS
from agencydesk.commitments.models import Commitment
from agencydesk.commitments.services import commitment_meet
from agencydesk.core.services import audit_record
from agencydesk.core.validators import REASON_MAX_LENGTH

SNOOZE_LIMIT = timedelta(days=30)


def commitment_for_action(*, user: User, pk: int) -> Commitment:
    """The active item ``pk`` for ``user`` to act on; 404 when it is missing, closed or hidden."""
    commitment = (
        Commitment.objects.filter(pk=pk, state__in=ACTIVE_STATES)
        .select_related("client", "calendar", "owner")
        .first()
    )
    if commitment is None or not can_view_client(user, commitment.client):
        raise Http404(_("No such item."))
    return commitment


def _require_actor(commitment: Commitment, by: User) -> None:
    if commitment.owner_id == by.pk and by.is_active:
        return
    if not can_edit_client(by, commitment.client):
        raise PermissionDenied(
            _("Only the item's owner or the client's account managers may do this.")
        )


@transaction.atomic
def commitment_done(*, commitment: Commitment, by: User, at: datetime, reason: str) -> bool:
    """Done outside the desk (a call nobody logged, a reply in another channel), with why.

    A miss already recorded stays recorded: the breach keeps its row and learns
    how late it was met.
    """
    _require_actor(commitment, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say how it was done.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep it under %(n)s characters.") % {"n": REASON_MAX_LENGTH}}
        )
    return commitment_meet(commitment=commitment, at=at, by=by, why=reason)


@transaction.atomic
def commitment_snooze(
    *, commitment: Commitment, by: User, at: datetime, until: datetime
) -> Commitment:
    """Hide an item from Today until ``until``: it moves when it shows, never when it is due."""
    _require_actor(commitment, by)
    if until.tzinfo is None:
        raise ValidationError({"until": _("Give the time zone of the moment, e.g. +03:00.")})
    if until <= at:
        raise ValidationError({"until": _("Snooze until a moment in the future.")})
    if until > at + SNOOZE_LIMIT:
        raise ValidationError({"until": _("Snooze for at most 30 days.")})
    before = commitment.visible_from
    updated = Commitment.objects.filter(pk=commitment.pk, state__in=ACTIVE_STATES).update(
        visible_from=until
    )
    if not updated:
        raise Http404(_("No such item."))
    commitment.visible_from = until
    audit_record(
        actor=by,
        action="commitment.snooze",
        obj=commitment,
        client_id=commitment.client_id,
        changes={"visible_from": [before.isoformat(), until.isoformat()]},
        at=at,
    )
    return commitment


@transaction.atomic
def commitment_reassign(*, commitment: Commitment, by: User, at: datetime, to: User) -> Commitment:
    """Hand an item to a colleague who may work on the client (its managers or a director)."""
    _require_actor(commitment, by)
    if not to.is_active or not can_edit_client(to, commitment.client):
        raise ValidationError({"to": _("%(name)s may not work on this client.") % {"name": to}})
    before = commitment.owner_id
    if before == to.pk:
        return commitment
    updated = Commitment.objects.filter(pk=commitment.pk, state__in=ACTIVE_STATES).update(owner=to)
    if not updated:
        raise Http404(_("No such item."))
    commitment.owner = to
    audit_record(
        actor=by,
        action="commitment.reassign",
        obj=commitment,
        client_id=commitment.client_id,
        changes={"owner": [before, to.pk]},
        reason="reassigned from Today",
        at=at,
    )
    return commitment


def commitment_extra(*, commitment: Commitment, code: str, by: User, at: datetime) -> bool:
    """One of the kind's own actions (declared in its registry entry), e.g. "no reply needed"."""
    _require_actor(commitment, by)
    spec = KINDS.get(commitment.kind)
    extra = next((e for e in spec.extras if e.code == code), None) if spec else None
    if extra is None:
        raise ValidationError({"action": _("This item has no such action.")})
    return bool(extra.perform(commitment=commitment, by=by, at=at))
