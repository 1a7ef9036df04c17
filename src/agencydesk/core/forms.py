"""Form building shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


def model_fields_form(
    model: type[models.Model],
    fields: list[str],
    *,
    widgets: dict[str, Any] | None = None,
    localized: list[str] | None = None,
) -> type[forms.Form]:
    """A plain form with the form fields of ``model``'s ``fields``: it cleans values, nothing more.

    Pages build their forms on this instead of a ModelForm: a ModelForm writes
    the cleaned values into its instance while it validates, and a service
    handed that instance would record the new values as the "before" of its
    audit row. The service validates the row itself (``full_clean``) and its
    errors are shown beside the fields they name.

    ``localized`` fields show and accept numbers as the reader's language
    writes them ("6,0" in Russian, in the form as on the page).
    """
    declared = forms.fields_for_model(
        model, fields=fields, widgets=widgets, localized_fields=localized
    )
    return type(f"{model.__name__}Fields", (forms.Form,), dict(declared))


def initial_of(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The stored values of ``obj`` as a form's initial data."""
    return forms.model_to_dict(obj, fields=fields)


def form_add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation error beside the field it names (else above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
