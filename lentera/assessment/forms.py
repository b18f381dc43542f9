from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library
from lentera.assessment.models import Assignment, Question, Rubric
from lentera.assessment.services import MAX_OPTIONS
from lentera.curriculum.models import Competency, Module
from lentera.lib.forms import StyledFormMixin, model_choice_field
from lentera.lib.tenancy import scoped

OPTION_SLOTS = 6


class QuestionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 3}))
    true_answer = forms.TypedChoiceField(
        label=_("for true or false: the statement is"),
        choices=[("", "–"), ("true", _("true")), ("false", _("false"))],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )
    accepted_answers = forms.CharField(
        label=_("for short answer: accepted answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Capitals, spaces and punctuation around the answer are ignored."),
    )
    explanation = forms.CharField(
        label=_("explanation shown after the test"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulty = forms.ChoiceField(label=_("difficulty"), choices=Question.Difficulty.choices, initial="medium")
    competencies = forms.ModelMultipleChoiceField(
        label=_("competencies"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("modules"), queryset=Module.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, library: Library, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(question)
        super().__init__(*args, **kwargs)
        model_choice_field(self, "competencies").queryset = scoped(Competency, library)
        model_choice_field(self, "modules").queryset = scoped(Module, library).select_related("programme")
        self.fields["modules"].label_from_instance = lambda m: f"{m.programme.year} · {m.title}"  # type: ignore[attr-defined]
        for i in range(OPTION_SLOTS):
            self.fields[f"option_{i}"] = forms.CharField(
                label=_("option %(letter)s") % {"letter": "ABCDEFGH"[i]}, required=False, max_length=500
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("option %(letter)s is correct") % {"letter": "ABCDEFGH"[i]}, required=False
            )
            self.fields[f"option_{i}"].widget.attrs["class"] = "form-control"
            self.fields[f"correct_{i}"].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "kind": question.kind,
            "text": question.text,
            "explanation": question.explanation,
            "difficulty": question.difficulty,
            "accepted_answers": "\n".join(question.accepted_answers),
            "competencies": list(question.competencies.all()),
            "modules": list(question.modules.all()),
        }
        choices = list(question.choices.all())
        if question.kind == Question.Kind.TRUE_FALSE and choices:
            initial["true_answer"] = "true" if choices[0].is_correct else "false"
        else:
            for i, choice in enumerate(choices[:OPTION_SLOTS]):
                initial[f"option_{i}"], initial[f"correct_{i}"] = choice.text, choice.is_correct
        return initial

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "explanation": data["explanation"],
            "difficulty": data["difficulty"],
            "true_answer": data["true_answer"],
            "accepted_answers": data["accepted_answers"].splitlines(),
            "options": [(data[f"option_{i}"], data[f"correct_{i}"]) for i in range(OPTION_SLOTS)],
            "competencies": data["competencies"],
            "modules": data["modules"],
        }

    @property
    def option_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"option_{i}"], self[f"correct_{i}"]) for i in range(OPTION_SLOTS)]


class QuestionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("type"), required=False)
    module = forms.ModelChoiceField(label=_("module"), queryset=Module.objects.none(), required=False)
    archived = forms.BooleanField(label=_("show questions taken out of use"), required=False)

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types")), *Question.Kind.choices]  # type: ignore[attr-defined]
        model_choice_field(self, "module").queryset = scoped(Module, library).select_related("programme")


assert OPTION_SLOTS <= MAX_OPTIONS  # noqa: S101 - the form never offers more options than the service allows


class QuestionSheetForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("question sheet"),
        help_text=_("Excel (.xlsx) or CSV in the columns of the template or of an export. At most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class AssignmentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    instructions = forms.CharField(label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rubric = forms.ModelChoiceField(label=_("rubric"), queryset=Rubric.objects.none())
    mode = forms.ChoiceField(label=_("how it is judged"), choices=Assignment.Mode.choices)
    due_at = forms.DateTimeField(
        label=_("due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Work handed in later is accepted and marked late."),
    )
    accepts_text = forms.BooleanField(label=_("text answer"), required=False, initial=True)
    accepts_file = forms.BooleanField(label=_("file upload"), required=False)
    accepts_link = forms.BooleanField(label=_("link"), required=False)
    is_required = forms.BooleanField(
        label=_("required for completion"),
        required=False,
        initial=False,
        help_text=_("Only when ticked does passing it count towards completing the cohort (and the certificate)."),
    )
    pass_percent = forms.IntegerField(label=_("pass mark (%)"), min_value=0, max_value=100, initial=70)

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "rubric").queryset = scoped(Rubric, library).order_by("title")


class SubmissionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("your answer"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(
        label=_("file"), required=False, help_text=_("PDF, Word, Excel, PowerPoint, image or video; at most 20 MB.")
    )
    link = forms.URLField(label=_("link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, accepted in (
            ("text", assignment.accepts_text),
            ("file", assignment.accepts_file),
            ("link", assignment.accepts_link),
        ):
            if not accepted:
                del self.fields[name]
