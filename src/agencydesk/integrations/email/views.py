"""Pages of the e-mail connector: mailboxes (administrators), unknown senders (directors), files."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.core.forms import form_add_errors
from agencydesk.integrations.email import inbound, selectors
from agencydesk.integrations.email.connections import connection_test
from agencydesk.integrations.email.forms import ClassificationForm, MailboxForm, SenderAssignForm
from agencydesk.integrations.email.models import Mailbox
from agencydesk.integrations.email.services import mailbox_save


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_admin:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only an administrator sets up mailboxes."))


def _page(request: HttpRequest, *, form: MailboxForm | None = None, status: int = 200):
    user = request.user
    unknown = selectors.unknown_senders(user=user)  # type: ignore[arg-type]
    for row in unknown:
        row.form = SenderAssignForm(prefix=f"e{row.pk}", user=user)
    return render(
        request,
        "email/mailboxes.html",
        {
            "mailboxes": selectors.mailboxes(user=user),  # type: ignore[arg-type]
            "form": form or (MailboxForm() if user.is_admin else None),  # type: ignore[union-attr]
            "unknown": unknown,
            "failing": selectors.failing_addresses(user=user),  # type: ignore[arg-type]
        },
        status=status,
    )


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _save(request: HttpRequest, form: MailboxForm, mailbox: Mailbox | None) -> Mailbox | None:
    if not form.is_valid():
        return None
    values = {k: v for k, v in form.cleaned_data.items() if k != "password"}
    try:
        return mailbox_save(
            mailbox=mailbox,
            values=values,
            password=form.cleaned_data.get("password") or None,
            at=timezone.now(),
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None


@login_required
@require_POST
def mailbox_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = MailboxForm(request.POST)
    saved = _save(request, form, None)
    if saved is None:
        return _page(request, form=form, status=422)
    messages.success(request, _("Mailbox %(name)s added.") % {"name": saved.name})
    return redirect("email:triage")


@login_required
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    mailbox = get_object_or_404(Mailbox, pk=pk)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST":
        saved = _save(request, form, mailbox)
        if saved is not None:
            messages.success(request, _("Mailbox %(name)s saved.") % {"name": saved.name})
            return redirect("email:triage")
    return render(request, "email/mailbox_form.html", {"form": form, "mailbox": mailbox})


@login_required
@require_POST
def mailbox_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Log in to the mailbox's IMAP and SMTP servers and say how it went (an htmx fragment)."""
    _require_admin(request)
    mailbox = get_object_or_404(Mailbox, pk=pk)
    results = connection_test(mailbox)
    return render(request, "email/_test_result.html", {"results": results, "mailbox": mailbox})


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    email = selectors.unknown_email(user=request.user, pk=pk)  # type: ignore[arg-type]
    if email is None:
        raise Http404(_("No such e-mail."))
    form = SenderAssignForm(request.POST, prefix=f"e{email.pk}", user=request.user)
    if not form.is_valid():
        # A bare POST (the API-like form without a prefix) is accepted too.
        form = SenderAssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the client this sender belongs to."))
        return redirect("email:triage")
    client = form.cleaned_data["client"]
    placed = inbound.unknown_sender_assign(
        email=email,
        client=client,
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    messages.success(
        request,
        _("%(address)s is now a contact of %(client)s; %(count)d e-mails recorded.")
        % {"address": email.from_address, "client": client.name, "count": placed},
    )
    return redirect("email:triage")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    email = selectors.unknown_email(user=request.user, pk=pk)  # type: ignore[arg-type]
    if email is None:
        raise Http404(_("No such e-mail."))
    inbound.unknown_sender_dismiss(email=email, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    messages.success(
        request, _("Mail from %(address)s dismissed.") % {"address": email.from_address}
    )
    return redirect("email:triage")


@login_required
@require_POST
def classification(request: HttpRequest, pk: int) -> HttpResponse:
    """An account manager corrects what a sender's mail is; remembered for that sender."""
    email = selectors.email_of_message(user=request.user, message_pk=pk)  # type: ignore[arg-type]
    if email is None:
        raise Http404(_("No such e-mail."))
    assert email.record is not None
    if not can_edit_client(request.user, email.record.client):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    form = ClassificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what this sender's mail is."))
    else:
        inbound.sender_classification_set(
            address=email.from_address,
            classification=form.cleaned_data["classification"],
            by=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
            client_id=email.record.client_id,
        )
        messages.success(
            request, _("Remembered for mail from %(address)s.") % {"address": email.from_address}
        )
    return redirect(reverse("messaging:timeline", args=[email.record.client_id]))


@login_required
@require_POST
def suppression_clear(request: HttpRequest, pk: int) -> HttpResponse:
    row = (
        selectors.failing_addresses(user=request.user)  # type: ignore[arg-type]
        .filter(pk=pk)
        .select_related("contact__client")
        .first()
    )
    if row is None:
        raise Http404(_("No such address."))
    # Seeing a client's failing address is not enough to send to it again: that is an edit.
    if row.contact is not None and not can_edit_client(request.user, row.contact.client):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    inbound.suppression_clear(suppression=row, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    messages.success(request, _("Mail to %(address)s goes out again.") % {"address": row.address})
    return redirect("email:triage")


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A file that came by e-mail, for someone who may see the client."""
    item = selectors.attachment_visible(user=request.user, pk=pk)  # type: ignore[arg-type]
    if item is None or item.too_large:
        raise Http404(_("No such file."))
    kind = item.mime_type or mimetypes.guess_type(item.file_name)[0] or "application/octet-stream"
    response = HttpResponse(bytes(item.content), content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, item.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
