"""Pages of the connector: the Telegram page (alerts, chats to assign), link codes, attachments."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.clients.pages import client_or_404, require_client_edit
from agencydesk.commitments.choices import ACTIVE_STATES
from agencydesk.integrations.telegram import assigning, membership, selectors, services
from agencydesk.integrations.telegram.client import ApiError, TelegramClient
from agencydesk.integrations.telegram.forms import AssignForm
from agencydesk.integrations.telegram.models import TelegramChat
from agencydesk.integrations.telegram.templatetags.telegram_tags import telegram_card_context


def _page(request: HttpRequest, forms: dict[int, AssignForm] | None = None, status: int = 200):
    user = request.user
    unlinked = list(selectors.chats_unlinked()) if user.is_director else []  # type: ignore[union-attr]
    kept = selectors.kept_updates([c.chat_id for c in unlinked])
    forms = forms or {}
    for chat in unlinked:
        chat.kept = kept.get(chat.chat_id, 0)
        chat.form = forms.get(chat.pk) or AssignForm(prefix=f"c{chat.pk}", user=user)
    disconnected = selectors.chats_disconnected(user=user)  # type: ignore[arg-type]
    for chat in disconnected:
        chat.can_dismiss = (
            chat.lost is not None
            and chat.lost.state in ACTIVE_STATES
            and can_edit_client(user, chat.client)  # type: ignore[arg-type]
        )
    return render(
        request,
        "telegram/chats.html",
        {
            "unlinked": unlinked,
            "disconnected": disconnected,
            "alert_chats": selectors.alert_chats(user=user),  # type: ignore[arg-type]
        },
        status=status,
    )


@login_required
def chats(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_director:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only a director or an administrator assigns chats."))
    chat = get_object_or_404(TelegramChat, pk=pk, client__isnull=True, user__isnull=True)
    form = AssignForm(request.POST, prefix=f"c{chat.pk}", user=request.user)
    if not form.is_valid():
        return _page(request, {chat.pk: form}, status=422)
    assigning.chat_assign(
        chat=chat,
        client=form.cleaned_data["client"],
        by=request.user,
        at=timezone.now(),  # type: ignore[arg-type]
    )
    messages.success(
        request,
        _("%(chat)s now belongs to %(client)s.")
        % {"chat": chat, "client": form.cleaned_data["client"].name},
    )
    return redirect("telegram:chats")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The account manager dismisses "the desk no longer sees this chat" from Today."""
    # A chat of a client one may not see answers as if it did not exist.
    chat = selectors.chat_disconnected(user=request.user, pk=pk)  # type: ignore[arg-type]
    if chat is None:
        raise Http404(_("No such chat."))
    membership.chat_lost_dismiss(chat=chat, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    messages.success(request, _("Dismissed: %(chat)s stays disconnected.") % {"chat": chat})
    return redirect(reverse("telegram:chats") + "#disconnected")


@login_required
@require_POST
def alerts_code(request: HttpRequest) -> HttpResponse:
    code = services.link_code_create(for_user=request.user, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    messages.success(
        request,
        _("Send /link %(code)s to the bot in a private Telegram chat within 24 hours.")
        % {"code": code.code},
    )
    return redirect("telegram:chats")


@login_required
@require_POST
def client_link_code(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    services.link_code_create(client=client, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    # The card itself shows the code (to its maker, while it is valid): htmx swaps the card in
    # place; without script the page comes back at the card.
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "telegram/_client_card.html",
            telegram_card_context(request, client, can_edit=True),
        )
    return redirect(reverse("clients:detail", args=[client.pk]) + "#telegram")


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A file a client sent, fetched from Telegram for someone who may see the client."""
    item = selectors.attachment_visible(user=request.user, pk=pk)  # type: ignore[arg-type]
    if item is None:
        raise Http404(_("No such file."))
    try:
        data, path = TelegramClient().download_file(file_id=item.file_id)
    except ApiError as exc:
        return HttpResponse(
            _("Telegram did not give the file: %(reason)s") % {"reason": exc},
            status=502,
            content_type="text/plain; charset=utf-8",
        )
    name = item.file_name or path.rsplit("/", 1)[-1] or f"{item.kind}-{item.pk}"
    kind = item.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
