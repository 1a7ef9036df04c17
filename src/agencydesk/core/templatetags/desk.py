from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def is_checkbox(bound_field: forms.BoundField) -> bool:
    """A single tick box, laid out with its label on the right."""
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(bound_field: forms.BoundField) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxSelectMultiple)
