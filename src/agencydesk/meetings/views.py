"""Meeting pages: the list, a new meeting, its page, the minutes editor; the participants' link page;
the calendar feed and its secret on the profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencydesk.accounts.models import User
from agencydesk.accounts.permissions import can_edit_client
from agencydesk.calendars.selectors import client_engine
from agencydesk.clients.access import clients_visible_to
from agencydesk.clients.models import Client
from agencydesk.core.forms import form_add_errors
from agencydesk.core.signed_links import LinkProblem
from agencydesk.meetings import calls, confirmations, selectors, services
from agencydesk.meetings.choices import MinutesState, Outcome, PointKind, Verdict
from agencydesk.meetings.feed import feed_calendar, feed_token_create, feed_token_revoke, feed_user
from agencydesk.meetings.forms import ActionFormSet, CallConfirmationForm, MeetingForm, MinutesForm
from agencydesk.meetings.models import Meeting, Minutes, Point
from agencydesk.meetings.schedule import meeting_occurrences, warning_message
from agencydesk.messaging.models import Message

PAGE = 50


def _editable_clients(user: User) -> Any:
    if user.is_director:
        return clients_visible_to(user).order_by("name")
    return Client.objects.filter(Q(account_manager=user) | Q(backup_manager=user)).order_by("name")


def _people() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "username")


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Meeting.DoesNotExist as exc:
        raise Http404(_("No such meeting.")) from exc


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    client_id = request.GET.get("client", "")
    client = int(client_id) if client_id.isdigit() and len(client_id) < 18 else None
    qs = selectors.meeting_list(user=request.user, client_id=client)  # type: ignore[arg-type]
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "client_id": client,
        "clients": clients_visible_to(request.user).order_by("name").only("pk", "name"),  # type: ignore[arg-type]
        "can_create": _editable_clients(request.user).exists(),  # type: ignore[arg-type]
    }
    return render(request, "meetings/list.html", context)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    clients = _editable_clients(request.user)  # type: ignore[arg-type]
    initial: dict[str, Any] = {"duration_minutes": 60}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    form = MeetingForm(request.POST or None, clients=clients, people=_people(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planned = services.meeting_create(
                client=data["client"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                rrule=data["rrule"],
                location=data["location"],
                agenda=data["agenda"],
                contacts=[c for c in data["contacts"] if c.client_id == data["client"].pk],
                people=list(data["people"]),
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            for warning in planned.warnings:
                messages.warning(request, warning_message(warning))
            messages.success(request, _("Meeting planned."))
            return redirect(planned.meeting.get_absolute_url())
    return render(request, "meetings/form.html", {"form": form})


def _viewer_tz(user: User) -> Any:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(user.timezone) if user.timezone else timezone.get_current_timezone()
    except (KeyError, ValueError):
        return timezone.get_current_timezone()


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    contacts = list(meeting.contacts.all())
    minutes = [
        {"m": m, "status": selectors.confirmation_status(m, contacts)}
        for m in meeting.minutes.all()
    ]
    written = {m.held_at for m in meeting.minutes.all()}
    past = meeting_occurrences(meeting, after=now - timedelta(days=62), until=now)
    context = {
        "meeting": meeting,
        "client_tz": client_engine(meeting.client).tz,
        "viewer_tz": _viewer_tz(user),
        "warnings": [warning_message(w) for w in meeting.warnings],
        "can_edit": can_edit_client(user, meeting.client),
        "minutes": minutes,
        "to_write": [o for o in reversed(past) if o not in written][:5],
        "upcoming": meeting_occurrences(meeting, after=now, until=now + timedelta(days=120))[:6],
    }
    return render(request, "meetings/detail.html", context)


def _held_at(request: HttpRequest, meeting: Meeting) -> datetime | None:
    raw = request.GET.get("held", "") or request.POST.get("held", "")
    if raw.isdigit() and len(raw) < 12:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    if not can_edit_client(user, meeting.client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    held_at = _held_at(request, meeting) or meeting.starts_at
    existing = meeting.minutes.filter(held_at=held_at).first()
    people = _people()
    if request.method == "POST":
        form = MinutesForm(request.POST)
        actions = ActionFormSet(request.POST, form_kwargs={"people": people})
    else:
        initial: dict[str, Any] = {}
        action_initial: list[dict[str, Any]] = []
        if existing is not None:
            tz = client_engine(meeting.client).tz
            points = list(existing.points.all())
            initial = {
                "summary": existing.summary,
                "decisions": "\n".join(p.text for p in points if p.kind == PointKind.DECISION),
            }
            action_initial = [
                {
                    "text": p.text,
                    "owner": p.owner_id,
                    "due_at": p.due_at.astimezone(tz).replace(tzinfo=None) if p.due_at else None,
                    "outcome": p.outcome or Outcome.TASK,
                    "deliverable_type": p.deliverable_type_id,
                }
                for p in points
                if p.kind == PointKind.ACTION
            ]
        form = MinutesForm(initial=initial)
        actions = ActionFormSet(initial=action_initial, form_kwargs={"people": people})
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        items = []
        for row in actions.cleaned_data:
            if not row or not (row.get("text") or "").strip():
                continue
            due = row.get("due_at")
            items.append(
                services.ActionIn(
                    text=row["text"],
                    owner=row.get("owner"),
                    due_at=due.replace(tzinfo=client_engine(meeting.client).tz) if due else None,
                    outcome=row.get("outcome") or Outcome.TASK,
                    deliverable_type=row.get("deliverable_type"),
                )
            )
        try:
            saved = services.minutes_save(
                meeting=meeting,
                by=user,
                at=timezone.now(),
                decisions=form.cleaned_data["decisions"],
                actions=items,
                summary=form.cleaned_data["summary"],
                held_at=held_at,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#minutes-{saved.pk}")
    return render(
        request,
        "meetings/minutes_form.html",
        {
            "meeting": meeting,
            "form": form,
            "actions": actions,
            "held_at": held_at,
            "held": int(held_at.timestamp()),
            "client_tz": client_engine(meeting.client).tz,
        },
    )


@login_required
@require_POST
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        minutes = selectors.minutes_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Minutes.DoesNotExist as exc:
        raise Http404(_("No such minutes.")) from exc
    try:
        sent = confirmations.minutes_send(
            minutes=minutes,
            by=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Minutes sent for confirmation to %(n)s participants.") % {"n": len(sent)},
        )
    return redirect(reverse("meetings:detail", args=[minutes.meeting_id]) + f"#minutes-{pk}")


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        point = selectors.point_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    except Point.DoesNotExist as exc:
        raise Http404(_("No such point.")) from exc
    return redirect(reverse("meetings:detail", args=[point.minutes.meeting_id]) + f"#point-{pk}")


# --- the participant's link (no login) ------------------------------------------------------------

PROBLEMS = {
    LinkProblem.TAMPERED: 400,
    LinkProblem.EXPIRED: 410,
    LinkProblem.FOREIGN: 404,
}


@require_http_methods(["GET", "POST"])
def minutes_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows; a POST from the page (CSRF-protected) confirms or disputes points."""
    now = timezone.now()
    opened = confirmations.minutes_open(token=token, now=now)
    if isinstance(opened, LinkProblem):
        return render(
            request,
            "meetings/link_problem.html",
            {"problem": opened.value},
            status=PROBLEMS[opened],
        )
    minutes = opened.minutes
    client = minutes.meeting.client
    with translation.override(client.language or translation.get_language()):
        errors: dict[str, str] = {}
        status = 200
        if request.method == "POST":
            answers = {}
            for point in minutes.points.all():
                verdict = request.POST.get(f"point-{point.pk}", "")
                if verdict in Verdict.values:
                    answers[point.pk] = (
                        verdict,
                        request.POST.get(f"comment-{point.pk}", "")[:4000],
                    )
            try:
                confirmations.minutes_answer(opened=opened, answers=answers, at=now)
            except confirmations.AnswerRefused as exc:
                errors["__all__"] = str(exc)
                status = 409
            except ValidationError as exc:
                errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
                status = 422
            else:
                return redirect("meetings:confirm", token=token)
            opened = confirmations.minutes_open(token=token, now=now)  # type: ignore[assignment]
            assert not isinstance(opened, LinkProblem)
        minutes = Minutes.objects.prefetch_related("points__responses").get(pk=opened.minutes.pk)
        mine = {
            r.point_id: r
            for p in minutes.points.all()
            for r in p.responses.all()
            if r.contact_id == opened.contact.pk and r.version == minutes.version
        }
        tz = client_engine(client).tz
        rows = [
            {"point": p, "answer": mine.get(p.pk), "error": errors.get(f"comment-{p.pk}")}
            for p in minutes.points.all()
        ]
        return render(
            request,
            "meetings/confirm.html",
            {
                "minutes": minutes,
                "meeting": minutes.meeting,
                "contact": opened.contact,
                "rows": rows,
                "can_answer": opened.open,
                "current": opened.current,
                "errors": errors,
                "client_tz": tz,
                "accepted": minutes.state == MinutesState.ACCEPTED,
            },
            status=status,
        )


# --- the calendar feed ------------------------------------------------------------------------------


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's iCalendar feed: the token opens only this, and their rights are read now."""
    now = timezone.now()
    user = feed_user(raw=token, at=now)
    if user is None:
        raise Http404(_("No such calendar."))
    body = feed_calendar(user=user, now=now, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    _token, raw = feed_token_create(user=request.user, at=timezone.now())  # type: ignore[arg-type]
    url = request.build_absolute_uri(reverse("meetings:feed", args=[raw]))
    messages.success(
        request,
        _("Your calendar address (copy it now, it is shown only once): %(url)s") % {"url": url},
    )
    return redirect(reverse("accounts:profile") + "#calendar-feed")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if feed_token_revoke(user=request.user, at=timezone.now()):  # type: ignore[arg-type]
        messages.success(request, _("Your calendar address no longer works."))
    return redirect(reverse("accounts:profile") + "#calendar-feed")


# --- a logged call confirmed in writing -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft confirmation of a logged call or meeting, to edit and send (editors only)."""
    message = (
        Message.objects.filter(
            pk=pk,
            client__in=clients_visible_to(request.user),
            channel__in=calls.LOGGED,  # type: ignore[arg-type]
        )
        .select_related("client__calendar", "author_contact")
        .first()
    )
    if message is None:
        raise Http404(_("No such call."))
    user: User = request.user  # type: ignore[assignment]
    if not can_edit_client(user, message.client):
        raise PermissionDenied(_("Only directors and this client's account managers may edit it."))
    form = CallConfirmationForm(
        request.POST or None, initial={"text": calls.call_confirmation_draft(message=message)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outbox = calls.call_confirmation_send(
                message=message,
                text=form.cleaned_data["text"],
                by=user,
                at=timezone.now(),
                by_email=form.cleaned_data["by_email"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if outbox.state == "held":
                messages.info(request, _("Confirmation held for the client's working hours."))
            else:
                messages.success(request, _("Confirmation sent."))
            return redirect("messaging:timeline", pk=message.client_id)
    return render(request, "meetings/call_confirmation.html", {"form": form, "call": message})
