"""Form helpers shared by every app: Bootstrap classes on widgets, set once."""

from __future__ import annotations

import copy
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance


class StyledFormMixin:
    """Adds Bootstrap's classes to each widget and marks invalid fields for screen readers."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def add_service_errors(form: forms.BaseForm, error: Any) -> None:
    """Put a service's ValidationError on the form: per field where it names one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ServiceModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm that only validates input; the service saves and checks the whole record.

    It validates a copy of the instance, so the object the view passes keeps its current
    values until the service changes it (the audit log needs the true "before"), and it
    leaves uniqueness and constraints to the service, which reports them per field.
    """

    def _post_clean(self) -> None:
        self.instance = copy.copy(self.instance)
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(),  # type: ignore[attr-defined]
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` as the model-choice field it is (to set its queryset)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` as the choice field it is (to set its choices)."""
    return cast(forms.ChoiceField, form.fields[name])
