"""The client timeline with the reply composer; logging calls and meetings; marking questions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.pages import client_or_404, require_client_edit
from agencydesk.commitments.reasons import commitment_reason
from agencydesk.messaging import selectors, services
from agencydesk.messaging.choices import QUESTION, Channel, TemplateKind
from agencydesk.messaging.forms import ComposerForm, LogForm
from agencydesk.messaging.models import Message

PAGE = 40


def _timeline_context(request: HttpRequest, client, composer, log_form) -> dict:
    query = request.GET.get("q", "").strip()
    qs = selectors.message_search(user=request.user, client=client, query=query)  # type: ignore[arg-type]
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    send_at, held = services.delivery_moment(client, now)
    open_items = selectors.client_open_items(user=request.user, client=client, now=now)  # type: ignore[arg-type]
    for item in open_items:
        item.reason_text = commitment_reason(item)
    return {
        "client": client,
        "page": page,
        "messages_newest_last": list(reversed(page.object_list)),
        "query": query,
        "composer": composer,
        "log_form": log_form,
        "send_at": send_at,
        "held": held,
        "client_tz": client_engine(client).timezone,
        "open_items": open_items,
        # A question still waiting for its answer keeps its badge; an answered one says so.
        "open_questions": {c.subject_id for c in open_items if c.kind == QUESTION},
        "can_write": _can_write(request, client),
    }


def _can_write(request: HttpRequest, client) -> bool:
    return can_edit_client(request.user, client)  # type: ignore[arg-type]


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    initial: dict[str, object] = {}
    if request.GET.get("conversation", "").isdigit():
        initial["conversation"] = int(request.GET["conversation"])
    elif request.GET.get("message", "").isdigit():
        # Today links a reply to the message it is about: answer in that message's conversation.
        about = (
            Message.objects.filter(pk=int(request.GET["message"]), client=client)
            .values_list("conversation_id", flat=True)
            .first()
        )
        if about is not None:
            initial["conversation"] = about
    template = request.GET.get("template")
    if template in (TemplateKind.FOLLOW_UP, TemplateKind.KEEP_IN_TOUCH):
        contact = client.contacts.order_by("-is_primary", "pk").first()
        initial["text"] = services.template_text(kind=template, client=client, contact=contact)
        initial["awaiting_client"] = template == TemplateKind.FOLLOW_UP
    composer = ComposerForm(client=client, initial=initial)
    log_form = LogForm(
        prefix="log", initial={"sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    )
    return render(
        request, "messaging/timeline.html", _timeline_context(request, client, composer, log_form)
    )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    composer = ComposerForm(request.POST, client=client)
    if composer.is_valid():
        try:
            # Both or neither: a confirmation that cannot go out keeps the message unsent too.
            with transaction.atomic():
                outbox = services.message_send(
                    client=client,
                    text=composer.cleaned_data["text"],
                    by=request.user,  # type: ignore[arg-type]
                    at=timezone.now(),
                    conversation=composer.cleaned_data["conversation"],
                    awaiting_client=composer.cleaned_data["awaiting_client"],
                    answers_questions=composer.cleaned_data["answers_questions"],
                )
                if composer.cleaned_data["confirm_by_email"] and outbox.channel != Channel.EMAIL:
                    services.confirmation_by_email_send(
                        client=client,
                        text=composer.cleaned_data["text"],
                        by=request.user,  # type: ignore[arg-type]
                        at=timezone.now(),
                    )
        except ValidationError as exc:
            composer.add_error("text", exc.messages)
        else:
            if outbox.state == "held":
                local = outbox.send_after.astimezone(client_engine(client).tz)
                messages.info(
                    request,
                    _("Held for the client's working hours: it goes out %(when)s (client time).")
                    % {"when": formats.date_format(local, "D j E H:i")},
                )
            else:
                messages.success(request, _("Sent."))
            return redirect(reverse("messaging:timeline", args=[client.pk]) + "#composer")
    log_form = LogForm(prefix="log")
    return render(
        request,
        "messaging/timeline.html",
        _timeline_context(request, client, composer, log_form),
        status=200,
    )


@login_required
@require_POST
def log(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    log_form = LogForm(request.POST, prefix="log")
    if log_form.is_valid():
        data = log_form.cleaned_data
        services.message_record(
            client=client,
            channel=data["channel"],
            direction=data["direction"],
            sent_at=data["sent_at"],
            text=data["text"],
            at=timezone.now(),
            author=request.user.get_username() if data["direction"] == "out" else "",
            author_user=request.user if data["direction"] == "out" else None,  # type: ignore[arg-type]
            needs_response=data["needs_response"],
        )
        messages.success(request, _("Logged."))
        return redirect(reverse("messaging:timeline", args=[client.pk]))
    composer = ComposerForm(client=client)
    return render(
        request, "messaging/timeline.html", _timeline_context(request, client, composer, log_form)
    )


@login_required
@require_POST
def labels_set(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """One click on a label of a client's message flips it; the rules follow."""
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    message = get_object_or_404(Message, pk=message_pk, client=client)
    label = request.POST.get("label", "")[:30]
    try:
        services.message_labels_set(
            message=message,
            labels={label: request.POST.get("value") == "1"},
            by=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("messaging:timeline", args=[client.pk]) + f"#m{message.pk}")


@login_required
def delivery_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: when would a message written now reach the client."""
    client = client_or_404(request, pk)
    send_at, held = services.delivery_moment(client, timezone.now())
    return render(
        request,
        "messaging/_delivery.html",
        {
            "client": client,
            "send_at": send_at,
            "held": held,
            "client_tz": client_engine(client).timezone,
        },
    )
