"""Password change and reset: Django's own views, our templates, and the lockout they end."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils import timezone

from agencydesk.accounts.forms import ResetForm
from agencydesk.accounts.models import User
from agencydesk.accounts.services import user_password_record


def reset_hours() -> int:
    """How long a reset link works, in whole hours for the page and the e-mail to say."""
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_record(user=form.user, how="change", at=timezone.now())
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"reset_hours": reset_hours()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "reset_hours": reset_hours()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A valid link sets the new password, ends the lockout and signs the person in.

    Signing in here, without the login form, matters: an attacker who keeps failing
    at the form under the owner's name would otherwise lock them out again at once.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = True
    # The first backend (axes) needs a request to authenticate; this one logs in a known user.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_record(user=form.user, how="reset", at=timezone.now())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PersonLinkForm(ResetForm):
    """The reset e-mail a director sends one person (a newcomer too: they have no password yet)."""

    def __init__(self, person: User) -> None:
        super().__init__({"email": person.email})
        self.person = person

    def get_users(self, email: str) -> list[User]:  # type: ignore[override]
        # Django's own form skips people without a usable password: a newcomer has none yet.
        return [self.person] if self.person.is_active and self.person.email else []


def person_link_send(request: HttpRequest, person: User, *, by: User) -> None:
    """Send ``person`` the link to set their password, in their language, once the audit row is in."""

    def send() -> None:
        form = PersonLinkForm(person)
        if form.is_valid():
            form.save(
                request=request,
                use_https=request.is_secure(),
                email_template_name="accounts/email/person_link.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                extra_email_context={"reset_hours": reset_hours(), "sender": str(by)},
            )

    transaction.on_commit(send)
