from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.choices import Language
from agencydesk.accounts.models import ApiToken
from agencydesk.accounts.services import validate_time_zone


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is switched off. Ask an administrator."),
    }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class ResetForm(PasswordResetForm):
    """Django's reset form, writing to each person in their own interface language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("As my browser asks")), *Language.choices],
        required=False,
    )
    timezone = forms.CharField(
        label=_("My time zone"),
        max_length=64,
        help_text=_("An IANA name such as Europe/Moscow, Europe/Kyiv or Europe/Sofia."),
    )

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        try:
            validate_time_zone(name)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["timezone"]) from exc
        return name


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("Where it is used, e.g. “CRM sync” or “reporting script”."),
    )
