"""Acting on a Today item from the web: done with a reason, snooze, reassign, the kind's own actions.

Today itself is a read (``insights``); the writes are the ledger's, here.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts.models import User
from agencydesk.commitments import actions
from agencydesk.core.validators import REASON_MAX_LENGTH


class ActForm(forms.Form):
    """One action on a Today item; which fields count depends on ``action``."""

    action = forms.CharField(max_length=40)
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False)
    until = forms.DateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    to = forms.CharField(max_length=150, required=False)


@login_required
@require_POST
def today_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Done with a reason, snooze, reassign, or the kind's own action, from Today."""
    me: User = request.user  # type: ignore[assignment]
    commitment = actions.commitment_for_action(user=me, pk=pk)
    back = reverse("insights:today")
    if request.POST.get("user", "").strip():
        back += "?" + urlencode({"user": request.POST["user"].strip()[:150]})
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    data, now = form.cleaned_data, timezone.now()
    try:
        if data["action"] == "done":
            actions.commitment_done(commitment=commitment, by=me, at=now, reason=data["reason"])
            messages.success(request, _("Marked done."))
        elif data["action"] == "snooze":
            until: datetime | None = data["until"]
            if until is None:
                raise ValidationError({"until": _("Choose when it should come back.")})
            # The field reads the moment in the person's own time zone.
            until = until.replace(tzinfo=None).replace(tzinfo=ZoneInfo(me.timezone))
            actions.commitment_snooze(commitment=commitment, by=me, at=now, until=until)
            messages.success(request, _("Snoozed: it comes back to Today then."))
        elif data["action"] == "reassign":
            to = get_object_or_404(User, username=data["to"], is_active=True)
            actions.commitment_reassign(commitment=commitment, by=me, at=now, to=to)
            messages.success(request, _("Handed to %(name)s.") % {"name": to})
        else:
            actions.commitment_extra(commitment=commitment, code=data["action"], by=me, at=now)
            messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)
