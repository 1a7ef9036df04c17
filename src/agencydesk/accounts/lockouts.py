"""The administrators' page of current sign-in lockouts, and clearing one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts import selectors, services
from agencydesk.accounts.models import User


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_admin:
        raise PermissionDenied(_("Only an administrator sees sign-in lockouts."))
    return user


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": selectors.lockouts_current(user=user, at=timezone.now()),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


@login_required
@require_POST
def lockout_clear(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    username = request.POST.get("username", "")[:150]
    cleared = services.user_lockout_clear(username=username, by=user, at=timezone.now())
    if cleared:
        messages.success(request, _("%(name)s can sign in again.") % {"name": username})
    else:
        messages.info(request, _("%(name)s was not locked out.") % {"name": username})
    return redirect("accounts:lockouts")
