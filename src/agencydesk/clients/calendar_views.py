"""The business-time editor of a client, with a live preview of what its timers would do.

It lives with the client, not in ``calendars``: it edits a client's calendar
through the client's services and shows the client's own targets, and
``calendars`` imports no domain app.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencydesk.calendars.engine import WorkCalendar
from agencydesk.calendars.forms import CALENDAR_FORM_FIELDS, CalendarForm, ExceptionFormSet
from agencydesk.calendars.problems import problem_text
from agencydesk.calendars.selectors import (
    acknowledgement_moment,
    business_day_minutes,
    calendar_days_preview,
    calendar_year_days,
    client_calendar,
    engine_from_rows,
)
from agencydesk.clients.models import Client
from agencydesk.clients.pages import client_or_404, require_client_edit
from agencydesk.clients.services import client_calendar_reset, client_calendar_save
from agencydesk.core.forms import initial_of

PREVIEW_DAYS = 14


def _initial_exceptions(calendar) -> list[dict]:
    return [
        {"date": e.date, "kind": e.kind, "hours": e.hours, "note": e.note}
        for e in calendar.exceptions.all()
    ]


@login_required
def client_calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    calendar = client_calendar(client)
    form = CalendarForm(request.POST or None, initial=initial_of(calendar, CALENDAR_FORM_FIELDS))
    formset = ExceptionFormSet(
        request.POST or None, initial=_initial_exceptions(calendar), prefix="exceptions"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            client_calendar_save(
                client=Client.objects.get(pk=client.pk),
                by=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
                exceptions=formset.rows(),  # type: ignore[attr-defined]
                timezone=form.cleaned_data["timezone"],
                hours=form.cleaned_data["hours"],
                country=form.cleaned_data["country"],
                subdivision=form.cleaned_data["subdivision"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Business time saved."))
            return redirect(f"{client.get_absolute_url()}#time")
    context = {
        "client": client,
        "calendar": calendar,
        "form": form,
        "formset": formset,
        "preview": _preview(calendar_engine_or_none(form, formset, calendar), client),
    }
    return render(request, "calendars/edit.html", context)


def calendar_engine_or_none(form: CalendarForm, formset, calendar) -> WorkCalendar | str:
    """An engine from what the form holds now (bound or not), or the reason it cannot be built."""
    if form.is_bound:
        data = {k: form.data.get(k, "") for k in ("timezone", "hours", "country", "subdivision")}
    else:
        data = {
            k: form.initial.get(k, getattr(calendar, k))
            for k in ("timezone", "hours", "country", "subdivision")
        }
    rows = (
        formset.rows() if formset.is_bound and formset.is_valid() else _initial_exceptions(calendar)
    )
    try:
        return engine_from_rows(
            timezone=data["timezone"],
            hours=data["hours"],
            country=data["country"] or "",
            subdivision=data["subdivision"] or "",
            rows=rows,
        )
    except ValueError as exc:
        return problem_text(exc)  # in the person's language, not the engine's English


def _offset(moment) -> str:
    """UTC+05:00 style, as people write it."""
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _preview(engine: WorkCalendar | str, client: Client) -> dict:
    """What the client's own targets would give for a message arriving now, in this calendar."""
    if isinstance(engine, str):
        return {"error": engine}
    now = timezone.now()
    local_now = now.astimezone(engine.tz)
    reply_minutes = client.first_response_minutes
    return {
        "local_now": local_now,
        "is_open": engine.is_open(now),
        "next_open": engine.next_open(now),
        "reply_minutes": reply_minutes,
        "reply_due": engine.add(now, reply_minutes),
        "ack_minutes": client.ack_delay_minutes,
        "ack_at": acknowledgement_moment(engine, now, client.ack_delay_minutes),
        "answer_due": engine.add(now, business_day_minutes(engine, now)),
        "follow_up_hours": client.follow_up_hours,
        "follow_up_due": engine.add(now, client.follow_up_hours * 60),
        "days": calendar_days_preview(engine=engine, first=local_now.date(), days=PREVIEW_DAYS),
        # this year and the next, beside the preview: what the law and the decrees change
        "years": [
            calendar_year_days(engine=engine, year=year)
            for year in (local_now.year, local_now.year + 1)
        ],
        "week_hours": sum((e - s) for day in range(7) for s, e in engine.weekly.get(day, [])) / 60,
        "timezone": engine.timezone,
        "offset": _offset(local_now),
        "own_offset_hours": (local_now.utcoffset() or timedelta()).total_seconds() / 3600,
    }


@login_required
def client_calendar_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the preview panel for the values currently in the editor."""
    client = client_or_404(request, pk)
    calendar = client_calendar(client)
    form = CalendarForm(request.GET)
    formset = ExceptionFormSet(request.GET, prefix="exceptions")
    return render(
        request,
        "calendars/_preview.html",
        {
            "preview": _preview(calendar_engine_or_none(form, formset, calendar), client),
            "client": client,
        },
    )


@login_required
@require_POST
def client_calendar_use_default(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_or_404(request, pk)
    require_client_edit(request, client)
    client_calendar_reset(
        client=Client.objects.get(pk=client.pk),
        by=request.user,  # type: ignore[arg-type]
        at=timezone.now(),
    )
    messages.success(request, _("The client now follows the agency default calendar."))
    return redirect(f"{client.get_absolute_url()}#time")
