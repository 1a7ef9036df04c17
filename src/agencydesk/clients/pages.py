"""The client a page is about, for every app's views: found, visible to you, editable by you."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.clients import selectors
from agencydesk.clients.models import Client


def client_or_404(request: HttpRequest, pk: int) -> Client:
    """The client with ``pk`` if the person asking may see it; 404 otherwise."""
    try:
        return selectors.client_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Client.DoesNotExist as exc:
        raise Http404(_("No such client.")) from exc


def require_client_edit(request: HttpRequest, client: Client) -> None:
    """403 unless the person asking may edit ``client``."""
    if not can_edit_client(request.user, client):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
