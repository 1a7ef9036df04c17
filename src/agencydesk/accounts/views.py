"""Sign-in, the language switch and the person's profile (language, time zone, API tokens)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencydesk.accounts import selectors, services
from agencydesk.accounts.forms import (
    AbsenceForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    TokenForm,
)
from agencydesk.accounts.models import ApiToken, User
from agencydesk.accounts.profile import PROFILE_SECTIONS


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the user."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        translation.activate(language)
        _remember_language(response, language)
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
    return response


def _profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: TokenForm | None = None,
    new_token: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    sections = [(s.template, s.context(user)) for s in PROFILE_SECTIONS]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form
            or ProfileForm(initial={"language": user.language, "timezone": user.timezone}),
            "token_form": token_form or TokenForm(),
            "tokens": selectors.api_tokens_of(user=user),
            "new_token": new_token,
            "sections": sections,
            "person": user,
            "absence_form": AbsenceForm(),
            # ``days_away`` says whether there is anything to list: most days, no query.
            "absences": selectors.absences_ahead(user_ids=[user.pk], at=timezone.now()).get(
                user.pk, []
            )
            if user.days_away
            else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own settings: language and time zone here, the rest in sections below."""
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form, status=422)
    user = services.user_profile_update(
        user=request.user,  # type: ignore[arg-type]
        language=form.cleaned_data["language"],
        timezone=form.cleaned_data["timezone"],
        at=timezone.now(),
    )
    response = redirect("accounts:profile")
    if user.language:
        # The switcher's cookie wins over the stored choice; keep the two the same.
        translation.activate(user.language)
        _remember_language(response, user.language)
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    messages.success(request, _("Your profile is saved."))
    return response


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its plain text once, in this answer only (never redirected to)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form, status=422)
    token, raw = services.api_token_create(
        user=request.user,  # type: ignore[arg-type]
        name=form.cleaned_data["name"],
        at=timezone.now(),
    )
    return _profile_page(request, new_token=(token, raw), status=201)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token answers exactly like a missing one: ids reveal nothing.
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404(_("No such token."))
    if services.api_token_revoke(token=token, by=request.user, at=timezone.now()):  # type: ignore[arg-type]
        messages.success(
            request,
            _("Token %(prefix)s… is revoked; it no longer opens the API.")
            % {"prefix": token.prefix},
        )
    return redirect("accounts:profile")
