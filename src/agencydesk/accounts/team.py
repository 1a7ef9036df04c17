"""Team management for directors, without the back office; days away for everyone.

Views validate and call one service each; the services check who may.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencydesk.accounts import selectors, services
from agencydesk.accounts.forms import AbsenceForm, PersonForm
from agencydesk.accounts.models import Absence, User
from agencydesk.accounts.passwords import person_link_send


def _director(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_director:
        raise PermissionDenied(_("Only a director manages the team."))
    return user


def _person(pk: int) -> User:
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404(_("No such person."))
    return person


def _fail(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    me = _director(request)
    persons = selectors.people_of_agency(user=me)
    ahead = selectors.absences_ahead(user_ids=[p.pk for p in persons], at=timezone.now())
    rows = [(p, ahead.get(p.pk, [])) for p in persons]
    return render(request, "accounts/people.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    me = _director(request)
    form = PersonForm(
        request.POST or None,
        by=me,
        creating=True,
        initial={"role": "account_manager", "timezone": me.timezone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_create(by=me, at=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            if request.POST.get("send_link"):
                services.user_password_reset_request(person=person, by=me, at=timezone.now())
                person_link_send(request, person, by=me)
                messages.success(
                    request,
                    _("%(name)s is added; a link to set a password went to %(email)s.")
                    % {"name": person, "email": person.email},
                )
            else:
                messages.success(request, _("%(name)s is added.") % {"name": person})
            return redirect("accounts:person", pk=person.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/person_new.html", {"form": form}, status=status)


def _person_page(
    request: HttpRequest,
    person: User,
    *,
    form: PersonForm | None = None,
    absence_form: AbsenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "form": form or PersonForm(by=me, creating=False, initial=initial),
            "absence_form": absence_form or AbsenceForm(),
            "absences": selectors.absences_ahead(user_ids=[person.pk], at=now).get(person.pk, []),
            "open_items": services.user_open_items(person=person) if person.is_active else 0,
            "editable": me.is_admin or not person.is_admin,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    me = _director(request)
    subject = _person(pk)
    if request.method == "GET":
        return _person_page(request, subject)
    form = PersonForm(request.POST, by=me, creating=False)
    if form.is_valid():
        try:
            services.user_update(person=subject, by=me, at=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": subject})
            return redirect("accounts:person", pk=subject.pk)
    subject.refresh_from_db()
    return _person_page(request, subject, form=form, status=422)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    me = _director(request)
    subject = _person(pk)
    try:
        moved = services.user_deactivate(person=subject, by=me, at=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)s is switched off: they can no longer sign in or use the API. "
                "Open items handed over to the backups of their clients: %(count)d."
            )
            % {"name": subject, "count": moved},
        )
    return redirect("accounts:person", pk=subject.pk)


@login_required
@require_POST
def person_activate(request: HttpRequest, pk: int) -> HttpResponse:
    me = _director(request)
    subject = _person(pk)
    if services.user_activate(person=subject, by=me, at=timezone.now()):
        messages.success(request, _("%(name)s can sign in again.") % {"name": subject})
    return redirect("accounts:person", pk=subject.pk)


@login_required
@require_POST
def person_link(request: HttpRequest, pk: int) -> HttpResponse:
    me = _director(request)
    subject = _person(pk)
    try:
        services.user_password_reset_request(person=subject, by=me, at=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        person_link_send(request, subject, by=me)
        messages.success(
            request,
            _("A link to set a new password went to %(email)s.") % {"email": subject.email},
        )
    return redirect("accounts:person", pk=subject.pk)


def _back_to(request: HttpRequest, person: User) -> HttpResponse:
    if person.pk == request.user.pk:
        return redirect("accounts:profile")
    return redirect("accounts:person", pk=person.pk)


@login_required
@require_POST
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark days away: the person for themselves (profile), a director for anyone."""
    me: User = request.user  # type: ignore[assignment]
    subject = _person(pk)
    if subject.pk != me.pk and not me.is_director:
        raise Http404(_("No such person."))
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_add(person=subject, by=me, at=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("Days away are marked: new items of %(name)s's clients go to their backups.")
                % {"name": subject},
            )
            return _back_to(request, subject)
    if subject.pk == me.pk:
        # The form sits on the profile page: say what is wrong there.
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("accounts:profile")
    return _person_page(request, subject, absence_form=form, status=422)


@login_required
@require_POST
def absence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    absence = Absence.objects.select_related("user").filter(pk=pk).first()
    # Someone else's days answer like missing ones to whoever may not manage them.
    if absence is None or (absence.user_id != me.pk and not me.is_director):
        raise Http404(_("No such absence."))
    services.absence_remove(absence=absence, by=me, at=timezone.now())
    messages.success(request, _("The days away are taken back."))
    return _back_to(request, absence.user)
