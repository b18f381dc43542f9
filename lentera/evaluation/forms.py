from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.evaluation.models import ImprovementAction
from lentera.lib.forms import StyledFormMixin


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
