"""Client register pages. Views validate a form and call one service; nothing else writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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
from agencydesk.clients import dossier, selectors, services
from agencydesk.clients import forms as client_forms
from agencydesk.clients.choices import ClientStatus
from agencydesk.clients.models import (
    Contact,
    Contract,
    KeyEvent,
    MonitoringTopic,
    WorkingFileLink,
)
from agencydesk.clients.pages import client_or_404, require_client_edit
from agencydesk.core.forms import form_add_errors, initial_of

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
SILENT_CHOICES = (3, 5, 7, 14, 30)


def _bounded_int(value: str | None, *, high: int) -> int | None:
    """A positive whole number from a query parameter, at most ``high``; anything else: None."""
    if not value or not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return min(number, high) if number > 0 else None


def _duplicate_warning(
    request: HttpRequest,
    form: client_forms.ClientForm,
    exc: ValidationError,
    exclude_pk: int | None,
) -> dict[str, Any] | None:
    """When the service refused a name another client has: the ones the person may open, and
    whether there are others (never named). None for any other error."""
    errors = getattr(exc, "error_dict", {}).get("name", [])
    if not any(getattr(e, "code", None) == services.DUPLICATE_NAME for e in errors):
        return None
    visible, hidden = selectors.client_name_duplicates(
        user=request.user,  # type: ignore[arg-type]
        name=form.cleaned_data.get("name", ""),
        exclude_pk=exclude_pk,
    )
    return {"visible": visible, "hidden": hidden and not visible}


def _save_client_form(
    request: HttpRequest, form: client_forms.ClientForm, client: Any = None
) -> tuple[Any, dict[str, Any] | None]:
    """Call the create or update service; returns (the client or None, the duplicate warning)."""
    who = {"by": request.user, "at": timezone.now()}
    try:
        if client is None:
            return services.client_create(**who, **form.service_data()), None  # type: ignore[arg-type]
        return services.client_update(client=client, **who, **form.service_data()), None  # type: ignore[arg-type]
    except ValidationError as exc:
        warning = _duplicate_warning(request, form, exc, client.pk if client else None)
        if warning is None:
            form_add_errors(form, exc)
        return None, warning


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    status = request.GET.get("status", "")
    if status not in ClientStatus.values:
        status = ""
    manager_id = _bounded_int(request.GET.get("am"), high=2**31 - 1)
    order = request.GET.get("sort", "name")
    if order not in selectors.CLIENT_ORDERS:
        order = "name"
    overdue_only = request.GET.get("overdue") == "1"
    silent_days = _bounded_int(request.GET.get("silent"), high=selectors.SILENT_DAYS_MAX)
    qs = selectors.client_list(
        user=request.user,  # type: ignore[arg-type]
        search=search,
        account_manager_id=manager_id,
        status=status,
        now=timezone.now(),
        order=order,
        overdue_only=overdue_only,
        silent_days=silent_days,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    default_calendar = calendar_default()
    now = timezone.now()
    for client in page.object_list:
        client.effective_calendar = client.calendar or default_calendar
        touched = getattr(client, "last_touch_at", None)
        client.silent_days = (now - touched).days if touched else None
        client.too_silent = touched is None or client.silent_days >= client.keep_in_touch_days
    filters = {
        "q": search,
        "am": manager_id or "",
        "status": status,
        "overdue": "1" if overdue_only else "",
        "silent": silent_days or "",
    }
    context = {
        "page": page,
        "search": search,
        "status": status,
        "manager_id": manager_id,
        "order": order,
        "overdue_only": overdue_only,
        "silent_days": silent_days,
        "filtered": bool(search or status or manager_id or overdue_only or silent_days),
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "query_sorted": urlencode({**{k: v for k, v in filters.items() if v}, "sort": order}),
        "orders": [
            ("name", gettext_lazy("By name")),
            ("-overdue", gettext_lazy("Most overdue first")),
            ("touch", gettext_lazy("Longest without a touch first")),
            ("manager", gettext_lazy("By account manager")),
        ],
        "silent_choices": SILENT_CHOICES,
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
        "history": selectors.client_history(user=request.user, client=client, now=now),  # type: ignore[arg-type]
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
    duplicate = None
    if request.method == "POST" and form.is_valid():
        client, duplicate = _save_client_form(request, form)
        if client is not None:
            messages.success(request, _("Client “%(name)s” added.") % {"name": client.name})
            return redirect("clients:detail", pk=client.pk)
    return render(
        request, "clients/form.html", {"form": form, "client": None, "duplicate": duplicate}
    )


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    form = client_forms.ClientForm(
        request.POST or None, client=client, calendar=client_calendar(client)
    )
    duplicate = None
    if request.method == "POST" and form.is_valid():
        saved, duplicate = _save_client_form(request, form, client)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request, "clients/form.html", {"form": form, "client": client, "duplicate": duplicate}
    )


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
    """One list of a client's dossier: its form, its services, its titles, its anchor on the page."""

    model: type[models.Model]
    form: type[forms.Form]
    fields: list[str]
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    record: str  # the keyword under which its update service takes the row
    title_new: Any
    title_edit: Any
    anchor: str


CHILD_KINDS: dict[str, ChildKind] = {
    "contacts": ChildKind(
        Contact,
        client_forms.ContactForm,
        client_forms.CONTACT_FORM_FIELDS,
        dossier.contact_create,
        dossier.contact_update,
        "contact",
        gettext_lazy("New contact"),
        gettext_lazy("Edit contact"),
        "contacts",
    ),
    "key-events": ChildKind(
        KeyEvent,
        client_forms.KeyEventForm,
        client_forms.KEY_EVENT_FORM_FIELDS,
        dossier.key_event_create,
        dossier.key_event_update,
        "key_event",
        gettext_lazy("New key event"),
        gettext_lazy("Edit key event"),
        "key-events",
    ),
    "topics": ChildKind(
        MonitoringTopic,
        client_forms.MonitoringTopicForm,
        client_forms.MONITORING_TOPIC_FORM_FIELDS,
        dossier.monitoring_topic_create,
        dossier.monitoring_topic_update,
        "monitoring_topic",
        gettext_lazy("New monitoring topic"),
        gettext_lazy("Edit monitoring topic"),
        "topics",
    ),
    "working-file": ChildKind(
        WorkingFileLink,
        client_forms.WorkingFileLinkForm,
        client_forms.WORKING_FILE_LINK_FORM_FIELDS,
        dossier.working_file_link_create,
        dossier.working_file_link_update,
        "working_file_link",
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
    record = None
    if child_pk is not None:
        record = get_object_or_404(spec.model, pk=child_pk, client=client)
    initial = initial_of(record, spec.fields) if record is not None else None
    form = spec.form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        who = {"by": request.user, "at": timezone.now()}
        try:
            if record is None:
                spec.create(client=client, **who, **form.cleaned_data)
            else:
                spec.update(**{spec.record: record}, **who, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{client.get_absolute_url()}#{spec.anchor}")
    title = spec.title_new if child_pk is None else spec.title_edit
    return render(
        request,
        "clients/child_form.html",
        {"form": form, "client": client, "title": title, "kind": kind, "object": record},
    )


@login_required
def child_delete(request: HttpRequest, pk: int, kind: str, child_pk: int) -> HttpResponse:
    spec = _child_kind(kind)
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    instance = get_object_or_404(spec.model, pk=child_pk, client=client)
    back = f"{client.get_absolute_url()}#{spec.anchor}"
    if request.method == "POST":
        dossier.dossier_record_delete(record=instance, by=request.user, at=timezone.now())  # type: ignore[arg-type]
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
    contract = None
    initial_lines: list[dict[str, Any]] = []
    if contract_pk is not None:
        contract = get_object_or_404(Contract, pk=contract_pk, client=client)
        initial_lines = [
            {"service": line.service_id, "monthly_volume": line.monthly_volume, "unit": line.unit}
            for line in contract.services.all()
        ]
    initial = initial_of(contract, client_forms.CONTRACT_FORM_FIELDS) if contract else None
    form = client_forms.ContractForm(request.POST or None, initial=initial)
    formset = client_forms.ContractServiceFormSet(
        request.POST or None, initial=initial_lines, prefix="services"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [
            dossier.ServiceLine(
                service=f.cleaned_data["service"],
                monthly_volume=f.cleaned_data.get("monthly_volume"),
                unit=f.cleaned_data.get("unit") or f.cleaned_data["service"].default_unit,
            )
            for f in formset.forms
            if f.cleaned_data.get("service") and not f.cleaned_data.get("DELETE")
        ]
        who = {"by": request.user, "at": timezone.now()}
        try:
            if contract is None:
                dossier.contract_create(client=client, **who, services=lines, **form.cleaned_data)
            else:
                dossier.contract_update(
                    contract=contract, **who, services=lines, **form.cleaned_data
                )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect(f"{client.get_absolute_url()}#contract")
    return render(
        request,
        "clients/contract_form.html",
        {"form": form, "formset": formset, "client": client, "contract": contract},
    )
