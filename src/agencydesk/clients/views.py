"""Client register pages. Views validate a form and call one service; nothing else writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencydesk.accounts.permissions import (
    can_create_client,
    can_delete_client,
    can_edit_client,
)
from agencydesk.accounts.selectors import account_managers
from agencydesk.calendars.selectors import calendar_default, client_calendar, client_engine
from agencydesk.clients import forms as client_forms
from agencydesk.clients import selectors, services
from agencydesk.clients.access import client_or_404, require_client_edit
from agencydesk.clients.choices import ClientStatus
from agencydesk.clients.models import (
    Client,
    Contact,
    Contract,
    KeyEvent,
    MonitoringTopic,
    WorkingFileLink,
)
from agencydesk.core.selectors import audit_for_client

PAGE_SIZE = 25


def _apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation error beside the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in ClientStatus.values:
        status = ""
    try:
        manager_id = int(request.GET.get("am") or 0) or None
    except ValueError:
        manager_id = None
    qs = selectors.client_list(
        user=request.user,  # type: ignore[arg-type]
        search=search,
        account_manager_id=manager_id,
        status=status,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    default_calendar = calendar_default()
    for client in page.object_list:
        client.effective_calendar = client.calendar or default_calendar
    context = {
        "page": page,
        "search": search,
        "status": status,
        "manager_id": manager_id,
        "statuses": ClientStatus.choices,
        "managers": account_managers(),
        "can_create": can_create_client(request.user),  # type: ignore[arg-type]
    }
    template = "clients/_list_table.html" if request.htmx else "clients/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    calendar = client_calendar(client)
    now = timezone.now()
    engine = client_engine(client)
    local_now = now.astimezone(engine.tz)
    context = {
        "client": client,
        "calendar": calendar,
        "local_now": local_now,
        "is_open_now": engine.is_open(now),
        "next_open": engine.next_open(now),
        "contract": selectors.client_current_contract(client),
        "can_edit": can_edit_client(request.user, client),  # type: ignore[arg-type]
        "can_delete": can_delete_client(request.user),  # type: ignore[arg-type]
        "audit": audit_for_client(client_id=client.pk, limit=15),
    }
    return render(request, "clients/detail.html", context)


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    if not can_create_client(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors and account managers may add clients."))
    default = calendar_default()
    form = client_forms.ClientForm(
        request.POST or None,
        calendar=default,
        initial={"account_manager": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                **form.service_data(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Client “%(name)s” added.") % {"name": client.name})
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None})


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    form = client_forms.ClientForm(
        request.POST or None, instance=client, calendar=client_calendar(client)
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.client_update(
                client=Client.objects.get(pk=client.pk),
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                **data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@login_required
def client_delete(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    if not can_delete_client(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors may delete clients."))
    if request.method == "POST":
        name = client.name
        services.client_delete(client=client, by=request.user, at=timezone.now())  # type: ignore[arg-type]
        messages.success(request, _("Client “%(name)s” deleted.") % {"name": name})
        return redirect("clients:list")
    return render(
        request,
        "clients/confirm_delete.html",
        {"client": client, "object": client, "cancel_url": client.get_absolute_url()},
    )


@dataclass(frozen=True)
class ChildKind:
    model: type[models.Model]
    form: type[forms.ModelForm]
    title_new: Any
    title_edit: Any
    anchor: str


CHILD_KINDS: dict[str, ChildKind] = {
    "contacts": ChildKind(
        Contact,
        client_forms.ContactForm,
        gettext_lazy("New contact"),
        gettext_lazy("Edit contact"),
        "contacts",
    ),
    "key-events": ChildKind(
        KeyEvent,
        client_forms.KeyEventForm,
        gettext_lazy("New key event"),
        gettext_lazy("Edit key event"),
        "key-events",
    ),
    "topics": ChildKind(
        MonitoringTopic,
        client_forms.MonitoringTopicForm,
        gettext_lazy("New monitoring topic"),
        gettext_lazy("Edit monitoring topic"),
        "topics",
    ),
    "working-file": ChildKind(
        WorkingFileLink,
        client_forms.WorkingFileLinkForm,
        gettext_lazy("New working-file link"),
        gettext_lazy("Edit working-file link"),
        "working-file",
    ),
}


def _child_kind(kind: str) -> ChildKind:
    if kind not in CHILD_KINDS:
        raise Http404(_("No such section."))
    return CHILD_KINDS[kind]


@login_required
def child_edit(
    request: HttpRequest, pk: int, kind: str, child_pk: int | None = None
) -> HttpResponse:
    """Add or change a contact, key event, monitoring topic or working-file link."""
    spec = _child_kind(kind)
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    if child_pk is None:
        instance = spec.model(client=client)
    else:
        instance = get_object_or_404(spec.model, pk=child_pk, client=client)
    form = spec.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            # The service gets the row as stored and the cleaned values, never the
            # form's instance (already changed by is_valid): its audit row's "before"
            # is the real before.
            services.client_child_save(
                obj=_stored(spec.model, instance, client=client),
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                data=_cleaned(form),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{client.get_absolute_url()}#{spec.anchor}")
    title = spec.title_new if child_pk is None else spec.title_edit
    return render(
        request,
        "clients/child_form.html",
        {"form": form, "client": client, "title": title, "kind": kind, "object": instance},
    )


def _stored(model: type[models.Model], instance: models.Model, *, client: Client) -> models.Model:
    """A fresh copy of the row being edited (a new one for a create), for the service to change."""
    if instance.pk is None:
        return model(client=client)  # type: ignore[call-arg]
    return model._default_manager.get(pk=instance.pk)


def _cleaned(form: forms.ModelForm) -> dict[str, Any]:
    """The form's cleaned values of the model's own fields: what the service sets."""
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name in (form._meta.fields or ()) and name != "client"
    }


@login_required
def child_delete(request: HttpRequest, pk: int, kind: str, child_pk: int) -> HttpResponse:
    spec = _child_kind(kind)
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    instance = get_object_or_404(spec.model, pk=child_pk, client=client)
    back = f"{client.get_absolute_url()}#{spec.anchor}"
    if request.method == "POST":
        services.client_child_delete(obj=instance, by=request.user, at=timezone.now())  # type: ignore[arg-type]
        messages.success(request, _("Deleted."))
        return redirect(back)
    return render(
        request,
        "clients/confirm_delete.html",
        {"client": client, "object": instance, "cancel_url": back},
    )


@login_required
def contract_edit(request: HttpRequest, pk: int, contract_pk: int | None = None) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    if contract_pk is None:
        contract = Contract(client=client)
        initial_lines: list[dict[str, Any]] = []
    else:
        contract = get_object_or_404(Contract, pk=contract_pk, client=client)
        initial_lines = [
            {"service": line.service_id, "monthly_volume": line.monthly_volume, "unit": line.unit}
            for line in contract.services.all()
        ]
    form = client_forms.ContractForm(request.POST or None, instance=contract)
    formset = client_forms.ContractServiceFormSet(
        request.POST or None, initial=initial_lines, prefix="services"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [
            (
                f.cleaned_data["service"],
                f.cleaned_data.get("monthly_volume"),
                f.cleaned_data.get("unit") or f.cleaned_data["service"].default_unit,
            )
            for f in formset.forms
            if f.cleaned_data.get("service") and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.contract_save(
                contract=_stored(Contract, contract, client=client),
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                data=_cleaned(form),
                services=lines,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect(f"{client.get_absolute_url()}#contract")
    return render(
        request,
        "clients/contract_form.html",
        {"form": form, "formset": formset, "client": client, "contract": contract},
    )
