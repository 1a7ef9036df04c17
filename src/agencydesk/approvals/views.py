"""Approval pages: the approver's signed link (no login) and the account manager's actions on
the deliverable's approval record (send, next round, record a decision, amount, launch)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from agencydesk.accounts.permissions import can_edit_client
from agencydesk.approvals import selectors, services
from agencydesk.approvals.choices import DecisionChannel, Verdict
from agencydesk.approvals.forms import (
    AmountForm,
    ClientDecisionForm,
    MaterialForm,
    RecordDecisionForm,
    RequestForm,
)
from agencydesk.approvals.models import ApprovalRequest, ApprovalRound
from agencydesk.approvals.selectors import LinkView
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.models import Client
from agencydesk.core.signed_links import LinkProblem
from agencydesk.messaging.models import Message
from agencydesk.work import selectors as work_selectors
from agencydesk.work import services as work_services
from agencydesk.work.models import Deliverable

PUBLIC_LANGUAGES = ("en", "ru", "uk", "bg")
# Every link that opens nothing answers alike, whatever the reason (no oracle for forgers).
PROBLEM_STATUS = 404


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _language(request: ApprovalRequest) -> str:
    language = request.client.language
    return language if language in PUBLIC_LANGUAGES else "en"


def _problem(http: HttpRequest, problem: LinkProblem) -> HttpResponse:
    response = render(
        http, "approvals/link_problem.html", {"problem": problem.value}, status=PROBLEM_STATUS
    )
    return response


def _link_page(
    http: HttpRequest,
    view: LinkView,
    *,
    token: str,
    form: ClientDecisionForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    language = _language(view.request)
    with translation.override(language):
        response = render(
            http,
            "approvals/link.html",
            {
                "v": view,
                "a": view.request,
                "d": view.request.deliverable,
                "rounds": list(view.request.rounds.all()),
                "client_tz": client_engine(view.request.client).tz,
                "token": token,
                "form": form or ClientDecisionForm(),
                "notice": notice,
            },
            status=status,
        )
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def link(http: HttpRequest, token: str) -> HttpResponse:
    """The approver's page. Opening it only shows; only the page's own POST decides."""
    now = timezone.now()
    view = selectors.link_view(token, now=now)
    if isinstance(view, LinkProblem):
        return _problem(http, view)
    if http.method != "POST":
        return _link_page(http, view, token=token)
    with translation.override(_language(view.request)):
        form = ClientDecisionForm(http.POST)
        if not form.is_valid():
            return _link_page(http, view, token=token, form=form, status=422)
        try:
            services.approval_decide(
                request=view.request,
                round_number=view.claim.version,
                contact=view.contact,
                verdict=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                channel=DecisionChannel.LINK,
                at=now,
            )
        except services.DecisionRefused as exc:
            fresh = selectors.link_view(token, now=now)
            return _link_page(
                http,
                fresh if isinstance(fresh, LinkView) else view,
                token=token,
                notice=str(exc),
                status=409,
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            return _link_page(http, view, token=token, form=form, status=422)
        notice = _("Thank you: your decision is recorded.")
    fresh = selectors.link_view(token, now=now)
    assert isinstance(fresh, LinkView)
    return _link_page(http, fresh, token=token, notice=notice)


def _file_response(round_: ApprovalRound) -> HttpResponse:
    response = HttpResponse(bytes(round_.file_content), content_type=round_.file_type)
    response["Content-Disposition"] = content_disposition_header(True, round_.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def link_file(http: HttpRequest, token: str, number: int) -> HttpResponse:
    """A round's file for the approver whose link it is (the rounds the page shows)."""
    view = selectors.link_view(token, now=timezone.now())
    if isinstance(view, LinkProblem):
        return _problem(http, view)
    round_ = (
        ApprovalRound.objects.filter(request=view.request, number=number)
        .exclude(file_name="")
        .first()
    )
    if round_ is None:
        raise Http404(_("No such file."))
    return _file_response(round_)


@login_required
def round_file(http: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_file(user=http.user, pk=pk)  # type: ignore[arg-type]
    if round_ is None:
        raise Http404(_("No such file."))
    return _file_response(round_)


# --- the account manager's side -------------------------------------------------------------


def _deliverable(http: HttpRequest, pk: int) -> Deliverable:
    try:
        return work_selectors.deliverable_detail(user=http.user, pk=pk)  # type: ignore[arg-type]
    except Deliverable.DoesNotExist as exc:
        raise Http404(_("No such deliverable.")) from exc


def _approval(http: HttpRequest, pk: int) -> ApprovalRequest:
    try:
        return selectors.approval_detail(user=http.user, pk=pk)  # type: ignore[arg-type]
    except ApprovalRequest.DoesNotExist as exc:
        raise Http404(_("No such approval request.")) from exc


def _editable(http: HttpRequest, client: Client) -> None:
    """Who may see but not edit the client is refused before any input is read."""
    if not can_edit_client(http.user, client):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))


def _to_record(deliverable_id: int) -> HttpResponse:
    return redirect(reverse("work:detail", args=[deliverable_id]) + "#approval")


def _base_url(http: HttpRequest) -> str:
    return http.build_absolute_uri("/")


def _sent_message(http: HttpRequest, sent: services.Sent) -> None:
    messages.success(
        http,
        _("Round %(round)s sent to %(names)s.")
        % {"round": sent.round.number, "names": ", ".join(c.name for c, _url in sent.links)},
    )


@login_required
@require_POST
def send(http: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(http, pk)
    _editable(http, d.client)
    contacts = d.client.contacts.filter(decision_power__in=services.DECIDING)
    form = RequestForm(http.POST, http.FILES, contacts=contacts)
    if not form.is_valid():
        messages.error(http, " ".join(e for errors in form.errors.values() for e in errors))
        return _to_record(d.pk)
    try:
        sent = services.approval_request_create(
            deliverable=d,
            approvers=list(form.cleaned_data["approvers"]),
            material_url=form.cleaned_data["material_url"],
            note=form.cleaned_data["note"],
            file=form.upload(),
            by=http.user,  # type: ignore[arg-type]
            at=timezone.now(),
            base_url=_base_url(http),
        )
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        _sent_message(http, sent)
    return _to_record(d.pk)


@login_required
@require_POST
def next_round(http: HttpRequest, pk: int) -> HttpResponse:
    a = _approval(http, pk)
    _editable(http, a.client)
    form = MaterialForm(http.POST, http.FILES)
    if not form.is_valid():
        messages.error(http, " ".join(e for errors in form.errors.values() for e in errors))
        return _to_record(a.deliverable_id)
    try:
        sent = services.approval_round_create(
            request=a,
            material_url=form.cleaned_data["material_url"],
            note=form.cleaned_data["note"],
            file=form.upload(),
            by=http.user,  # type: ignore[arg-type]
            at=timezone.now(),
            base_url=_base_url(http),
        )
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        _sent_message(http, sent)
    return _to_record(a.deliverable_id)


def decision_form(a: ApprovalRequest, data: object = None) -> RecordDecisionForm:
    return RecordDecisionForm(
        data,  # type: ignore[arg-type]
        contacts=a.client.contacts.filter(decision_power__in=services.DECIDING),
        messages=Message.objects.filter(client_id=a.client_id, direction="in").order_by(
            "-sent_at", "-id"
        )[:30],
    )


@login_required
@require_POST
def record_decision(http: HttpRequest, pk: int) -> HttpResponse:
    a = _approval(http, pk)
    _editable(http, a.client)
    form = decision_form(a, http.POST)
    if not form.is_valid():
        messages.error(http, " ".join(e for errors in form.errors.values() for e in errors))
        return _to_record(a.deliverable_id)
    data = form.cleaned_data
    try:
        if data["resolution"]:
            services.approval_resolve(
                request=a,
                contact=data["contact"],
                verdict=data["decision"],
                comment=data["comment"],
                channel=data["channel"],
                message=data["message"],
                by=http.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
        else:
            services.approval_decide(
                request=a,
                round_number=a.round,
                contact=data["contact"],
                verdict=data["decision"],
                comment=data["comment"],
                taste_driven=data["taste_driven"],
                channel=data["channel"],
                message=data["message"],
                by=http.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
    except services.DecisionRefused as exc:
        messages.warning(http, str(exc))
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        messages.success(
            http,
            _("Decision recorded: %(decision)s.") % {"decision": Verdict(data["decision"]).label},
        )
    return _to_record(a.deliverable_id)


@login_required
@require_POST
def amount(http: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(http, pk)
    _editable(http, d.client)
    form = AmountForm(http.POST)
    if not form.is_valid():
        messages.error(http, " ".join(e for errors in form.errors.values() for e in errors))
        return _to_record(d.pk)
    try:
        work_services.deliverable_update(
            deliverable=d,
            by=http.user,  # type: ignore[arg-type]
            at=timezone.now(),
            amount=form.cleaned_data["amount"],
        )
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        messages.success(http, _("Saved."))
    return _to_record(d.pk)


@login_required
@require_POST
def launch(http: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(http, pk)
    try:
        services.deliverable_launch(deliverable=d, by=http.user, at=timezone.now())  # type: ignore[arg-type]
    except services.LaunchRefused as exc:
        messages.error(http, str(exc))
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        messages.success(http, _("Launched."))
    return _to_record(d.pk)


@login_required
@require_POST
def taste(http: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_detail(user=http.user, pk=pk)  # type: ignore[arg-type]
    if decision is None:
        raise Http404(_("No such decision."))
    try:
        services.decision_taste_tag(
            decision=decision,
            taste_driven=http.POST.get("taste_driven") == "1",
            by=http.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(http, _errors(exc))
    else:
        messages.success(http, _("Saved."))
    return _to_record(decision.request.deliverable_id)
