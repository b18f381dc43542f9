from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme, SessionPlan
from lentera.lib.forms import ServiceModelForm, StyledFormMixin, model_choice_field
from lentera.lib.tenancy import scoped

FORMATTING_HELP = _("You can write **bold**, _italic_, lists (lines starting with - or 1.) and links.")


class ProgrammeForm(ServiceModelForm):
    class Meta:
        model = Programme
        fields = ["year", "title", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"description": FORMATTING_HELP}


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
        help_texts = {"description": FORMATTING_HELP}

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


class SessionPlanForm(ServiceModelForm):
    class Meta:
        model = SessionPlan
        fields = ["order", "title", "method", "planned_minutes", "outcomes", "competencies", "case_study"]
        widgets = {
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "case_study": forms.Textarea(attrs={"rows": 6}),
            "competencies": forms.CheckboxSelectMultiple,
            "planned_minutes": forms.NumberInput(attrs={"min": 15, "max": 600, "step": 5}),
        }
        help_texts = {
            "planned_minutes": _("1 JP = 45 minutes; JP are counted as whole numbers, rounded down."),
            "case_study": FORMATTING_HELP,
        }

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "competencies").queryset = scoped(Competency, library).select_related("key_function")


class MaterialForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(
        label=_("file"),
        required=False,
        help_text=_("PDF, Word, PowerPoint, Excel, PNG, JPEG or MP4; at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.pptx,.xlsx,.png,.jpg,.jpeg,.mp4"}),
    )
    url = forms.URLField(label=_("or a link"), required=False, assume_scheme="https")
    body = forms.CharField(
        label=_("or text"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=FORMATTING_HELP
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("file", "url", "body") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(_("Give exactly one of: a file, a link or text."))
        return data


class ProgrammeCopyForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year of the copy"), min_value=2000, max_value=2100)
