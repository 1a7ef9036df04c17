"""Deliverable pages: the list, a new one, its page (review, deliver, at risk) and the delay notice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.access import clients_visible_to
from agencydesk.clients.models import Client
from agencydesk.core.forms import form_add_errors
from agencydesk.work import selectors, services
from agencydesk.work.choices import NOT_IN_REVIEW, OUT, Status
from agencydesk.work.forms import (
    AtRiskForm,
    DelayNoticeForm,
    DeliverableForm,
    DeliverForm,
    ReviewForm,
    client_moment,
)
from agencydesk.work.models import Deliverable

PAGE = 50


def _editable_clients(user: User) -> Any:
    if user.is_director:
        return clients_visible_to(user).order_by("name")
    return Client.objects.filter(Q(account_manager=user) | Q(backup_manager=user)).order_by("name")


def _deliverable(request: HttpRequest, pk: int) -> Deliverable:
    try:
        return selectors.deliverable_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Deliverable.DoesNotExist as exc:
        raise Http404(_("No such deliverable.")) from exc


def _to_detail(deliverable: Deliverable, anchor: str = "") -> HttpResponse:
    return redirect(reverse("work:detail", args=[deliverable.pk]) + anchor)


@login_required
def deliverable_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    client_id = request.GET.get("client", "")
    client = int(client_id) if client_id.isdigit() and len(client_id) < 18 else None
    qs = selectors.deliverable_list(user=request.user, client_id=client, status=status)  # type: ignore[arg-type]
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": Status.choices,
        "client_id": client,
        "clients": clients_visible_to(request.user).order_by("name").only("pk", "name"),  # type: ignore[arg-type]
        "can_create": _editable_clients(request.user).exists(),  # type: ignore[arg-type]
    }
    template = "work/_list_table.html" if request.htmx else "work/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def deliverable_new(request: HttpRequest) -> HttpResponse:
    clients = _editable_clients(request.user)  # type: ignore[arg-type]
    people = User.objects.filter(is_active=True).order_by("first_name", "username")
    initial: dict[str, Any] = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    form = DeliverableForm(request.POST or None, clients=clients, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.deliverable_create(
                client=data["client"],
                title=data["title"],
                type=data["type"],
                owner=data["owner"],
                reviewer=data["reviewer"],
                due_at=data["due_at"],
                priority=data["priority"],
                priority_reason=data["priority_reason"],
                links=data["links"],
                notes=data["notes"],
                amount=data["amount"],
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            for warning in created.warnings:
                messages.warning(request, warning["message"])
            messages.success(request, _("Deliverable created."))
            return _to_detail(created.deliverable)
    return render(request, "work/form.html", {"form": form})


def _detail_context(request: HttpRequest, d: Deliverable, **forms: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    editor = can_edit_client(user, d.client)
    reviewed = any(r.passed for r in d.reviews.all())
    return {
        "d": d,
        "client_tz": client_engine(d.client).tz,
        "can_edit": editor,
        "can_work": editor or user.pk == d.owner_id,
        "can_review": d.status not in OUT and (user.pk == d.reviewer_id or user.is_director),
        "can_submit": d.status in NOT_IN_REVIEW,
        "can_deliver": d.status not in OUT,
        "needs_override": not (d.status == Status.READY and reviewed),
        "is_out": d.status in OUT,
        "is_delivered": d.status == Status.DELIVERED,
        "review_form": forms.get("review_form") or ReviewForm(items=d.type.checklist_items()),
        "deliver_form": forms.get("deliver_form") or DeliverForm(),
        "risk_form": forms.get("risk_form") or AtRiskForm(),
    }


@login_required
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    return render(request, "work/detail.html", _detail_context(request, d))


@login_required
@require_POST
def deliverable_submit(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    try:
        services.deliverable_submit(deliverable=d, by=request.user, at=timezone.now())  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sent to review."))
    return _to_detail(d)


@login_required
@require_POST
def deliverable_review(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    form = ReviewForm(request.POST, items=d.type.checklist_items())
    if form.is_valid():
        try:
            services.deliverable_review(
                deliverable=d,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                passed=form.cleaned_data["passed"],
                comment=form.cleaned_data["comment"],
                checklist=form.checklist(),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Review passed: ready for the client.")
                if form.cleaned_data["passed"]
                else _("Sent back to work."),
            )
            return _to_detail(d)
    d = _deliverable(request, pk)
    return render(request, "work/detail.html", _detail_context(request, d, review_form=form))


@login_required
@require_POST
def deliverable_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    form = DeliverForm(request.POST)
    if form.is_valid():
        try:
            services.deliverable_deliver(
                deliverable=d,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                override_reason=form.cleaned_data["override_reason"],
            )
        except services.DeliveryRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Delivered."))
            return _to_detail(d)
    d = _deliverable(request, pk)
    return render(request, "work/detail.html", _detail_context(request, d, deliver_form=form))


@login_required
@require_POST
def deliverable_at_risk(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    form = AtRiskForm(request.POST)
    if form.is_valid():
        try:
            services.deliverable_flag_at_risk(
                deliverable=d,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.warning(
                request, _("Flagged at risk: the account manager will send a delay notice.")
            )
            return _to_detail(d)
    d = _deliverable(request, pk)
    return render(request, "work/detail.html", _detail_context(request, d, risk_form=form))


@login_required
@require_POST
def deliverable_status(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    status = request.POST.get("status", "")
    if status not in Status.values:
        messages.error(request, _("Choose a status."))
        return _to_detail(d)
    try:
        services.deliverable_update(
            deliverable=d,
            by=request.user,
            at=timezone.now(),
            status=status,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return _to_detail(d)


@login_required
def delay_notice(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    if not can_edit_client(request.user, d.client):  # type: ignore[arg-type]
        messages.error(request, _("Only directors and this client's account managers may edit it."))
        return _to_detail(d)
    form = DelayNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outbox = services.deliverable_delay_notice(
                deliverable=d,
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                new_due_at=client_moment(d.client, form.cleaned_data["new_due_at"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if outbox.state == "held":
                messages.info(request, _("Delay notice held for the client's working hours."))
            else:
                messages.success(request, _("Delay notice sent."))
            return _to_detail(d)
    return render(
        request,
        "work/delay_notice.html",
        {"d": d, "form": form, "client_tz": client_engine(d.client).tz},
    )
