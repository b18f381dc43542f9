from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme
from lentera.lib.forms import ServiceModelForm, model_choice_field
from lentera.lib.tenancy import scoped


class ProgrammeForm(ServiceModelForm):
    class Meta:
        model = Programme
        fields = ["year", "title", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ObjectiveForm(ServiceModelForm):
    class Meta:
        model = Objective
        fields = ["code", "title", "description", "competencies"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "competencies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "competencies").queryset = scoped(Competency, library).select_related("key_function")


class ModuleForm(ServiceModelForm):
    class Meta:
        model = Module
        fields = ["order", "title", "summary", "description", "objectives", "competencies"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.CheckboxSelectMultiple,
            "competencies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "objectives").queryset = programme.objectives.all()
        model_choice_field(self, "competencies").queryset = scoped(Competency, programme.library).select_related(
            "key_function"
        )


class CompetencyForm(ServiceModelForm):
    class Meta:
        model = Competency
        fields = ["key_function", "code", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("Optional. The SKKNI unit code, e.g. R.91PRP02.021.1; leave empty for a local unit.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "key_function").queryset = KeyFunction.objects.all()
