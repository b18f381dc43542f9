from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from lentera.evaluation import builder
from lentera.evaluation.models import Dimension, FeedbackForm, FormItem, FormSection, ImprovementAction
from lentera.lib.forms import StyledFormMixin, choice_field


class ImprovementActionForm(StyledFormMixin, forms.Form):
    what = forms.CharField(label=_("What will change"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("Who is responsible"), max_length=150)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementAction.Status.choices, initial="open")


class PhillipsForm(StyledFormMixin, forms.Form):
    costs = forms.DecimalField(
        label=_("programme costs (Rp)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )
    benefits = forms.DecimalField(
        label=_("Monetised benefits (Rp)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )
    note = forms.CharField(
        label=_("How the benefits were estimated"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FeedbackSettingsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        from lentera.evaluation.models import FeedbackSettings

        model = FeedbackSettings
        fields = [
            "session_window_hours",
            "cohort_window_days",
            "follow_up_days",
            "reminder_hours",
            "weak_top2_percent",
        ]


# The form builder's inputs --------------------------------------------------------------------


class FeedbackFormForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("used for"), choices=FeedbackForm.Kind.choices)
    introduction = forms.CharField(
        label=gettext_lazy("introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown above the questions."),
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = locked


class SectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("section title"), max_length=200)


class ItemForm(StyledFormMixin, forms.Form):
    section = forms.TypedChoiceField(label=gettext_lazy("section"), coerce=int)
    text = forms.CharField(
        label=gettext_lazy("statement or question"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=gettext_lazy("answer type"), choices=FormItem.Kind.choices)
    dimension = forms.ChoiceField(label=gettext_lazy("dimension"), choices=Dimension.choices)
    options = forms.CharField(
        label=gettext_lazy("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Single and multiple choice only: one option per line."),
    )
    allows_not_applicable = forms.BooleanField(
        label=gettext_lazy("allow “not applicable”"),
        required=False,
        help_text=gettext_lazy("Agreement items only."),
    )
    is_required = forms.BooleanField(label=gettext_lazy("an answer is required"), required=False)

    def __init__(
        self, *args: Any, sections: list[FormSection] | None = None, locked: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if sections is None:  # adding: the item goes into the section it is added to
            del self.fields["section"]
        else:
            choice_field(self, "section").choices = [(s.pk, s.title) for s in sections]
        for name in builder.FIXED_ONCE_ANSWERED if locked else ():
            self.fields[name].disabled = True  # the value shown is the value kept

    def clean_options(self) -> list[str]:
        value = self.cleaned_data.get("options", "")
        return value if isinstance(value, list) else builder.options_from_text(value)
