"""The approval record on the deliverable's page and the client's turnaround on the client's page.

Pages of lower apps (work, clients) load these tags instead of importing approvals: the
template names the tag, the layers of the code stay as they are.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.approvals import selectors, services
from agencydesk.approvals.forms import AmountForm, MaterialForm, RequestForm
from agencydesk.approvals.views import decision_form
from agencydesk.calendars.selectors import client_engine

register = template.Library()


@register.inclusion_tag("approvals/_record.html", takes_context=True)
def approval_record(context: template.Context, deliverable: Any) -> dict[str, Any]:
    """Send a request, its rounds and decisions, record a decision, the next round, the gate."""
    user = context["request"].user
    requests = selectors.approvals_of_deliverable(user=user, deliverable_id=deliverable.pk)
    editor = can_edit_client(user, deliverable.client)
    waiting = bool(requests)  # later versions are rounds of the one request
    contacts = deliverable.client.contacts.filter(decision_power__in=services.DECIDING)
    return {
        "csrf_token": context.get("csrf_token"),
        "d": deliverable,
        "client_tz": client_engine(deliverable.client).tz,
        "requests": requests,
        "latest": requests[0] if requests else None,
        "can_edit": editor,
        "can_send": editor and not waiting,
        "request_form": RequestForm(contacts=contacts) if editor and not waiting else None,
        "round_form": MaterialForm() if editor else None,
        "decision_forms": {r.pk: decision_form(r) for r in requests[:1]} if editor else {},
        "amount_form": AmountForm(initial={"amount": deliverable.amount}) if editor else None,
        "refusal": services.launch_refusal(deliverable) if deliverable.launched_at is None else "",
    }


@register.simple_tag
def decision_form_of(forms: dict[int, Any], pk: int) -> Any:
    return forms.get(pk)


@register.inclusion_tag("approvals/_turnaround.html", takes_context=True)
def client_turnaround(context: template.Context, client: Any) -> dict[str, Any]:
    """Rounds of the client and the business days it made the agency wait beyond the turnaround."""
    user = context["request"].user
    return {
        "t": selectors.client_turnaround(user=user, client=client, now=timezone.now()),
    }
