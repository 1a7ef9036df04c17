from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from agencydesk.accounts.choices import Language, Role
from agencydesk.accounts.models import Absence, ApiToken, User
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


def _clean_time_zone(value: str) -> str:
    name = value.strip()
    try:
        validate_time_zone(name)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["timezone"]) from exc
    return name


class PersonForm(forms.Form):
    """A person of the team as a director sets them up; ``username`` only when creating."""

    username = forms.CharField(
        label=_("Username"),
        max_length=User._meta.get_field("username").max_length,
        help_text=_("What they sign in with: letters, digits and @ . + - _ only."),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=User._meta.get_field("first_name").max_length
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=User._meta.get_field("last_name").max_length,
        required=False,
    )
    email = forms.EmailField(label=_("E-mail"), max_length=User._meta.get_field("email").max_length)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("As their browser asks")), *Language.choices],
        required=False,
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("An IANA name such as Europe/Moscow, Europe/Kyiv or Europe/Sofia."),
    )

    def __init__(self, *args, by: User, creating: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["username"]
        if not by.is_admin:
            # Only an administrator makes an administrator.
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]

    def clean_timezone(self) -> str:
        return _clean_time_zone(self.cleaned_data["timezone"])


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day away"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day away"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=Absence._meta.get_field("note").max_length,
        required=False,
        help_text=_("For colleagues, e.g. “holiday” or “conference in Sofia”."),
    )
