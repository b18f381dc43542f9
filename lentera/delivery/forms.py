from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import Library, User
from lentera.curriculum.models import Competency, Programme, SessionPlan
from lentera.delivery.models import Attendance, Cohort, InstructorProfile
from lentera.lib.forms import ServiceModelForm, StyledFormMixin, model_choice_field
from lentera.lib.tenancy import scoped


class CohortForm(ServiceModelForm):
    class Meta:
        model = Cohort
        fields = [
            "programme",
            "name",
            "starts_on",
            "ends_on",
            "venue",
            "capacity",
            "status",
            "checkin_grace_minutes",
            "min_attendance_percent",
            "min_post_test_percent",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = scoped(Programme, library).exclude(
            status=Programme.Status.ARCHIVED
        )
        if self.instance.pk:
            self.fields["programme"].disabled = True


class InstructorForm(ServiceModelForm):
    class Meta:
        model = InstructorProfile
        fields = ["kind", "organisation", "years_experience", "bio", "certifications", "photo", "expertise"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "certifications": forms.Textarea(attrs={"rows": 3}),
            "expertise": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "expertise").queryset = scoped(Competency, library)
        self.fields["photo"].widget.attrs["accept"] = "image/png,image/jpeg"

    def clean_photo(self) -> Any:
        from lentera.lib.uploads import IMAGE_KINDS, check_upload, generated_name

        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):  # a new upload, not the photo already stored
            try:
                kind = check_upload(photo, allowed=IMAGE_KINDS, max_bytes=2 * 1024 * 1024, field="photo")
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["photo"]) from error
            photo.name = generated_name(kind)  # media files are public by URL: no guessable person's name
        return photo


class InstructorAddForm(InstructorForm):
    """Register an existing person of the library, or invite a new external trainer by email."""

    person = forms.ModelChoiceField(label=_("existing person"), queryset=User.objects.none(), required=False)
    full_name = forms.CharField(label=_("or a new person: full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("their email (the invitation goes there)"), required=False)

    class Meta(InstructorForm.Meta):
        pass

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, library=library, **kwargs)
        registered = scoped(InstructorProfile, library).values("user_id")
        model_choice_field(self, "person").queryset = (
            User.objects.filter(memberships__library=library, memberships__is_active=True)
            .exclude(pk__in=registered)
            .distinct()
            .order_by("full_name")
        )
        self.order_fields(["person", "full_name", "email", *InstructorForm.Meta.fields])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("full_name")):
            raise forms.ValidationError(_("Choose an existing person or give a new person's name, not both."))
        if data.get("full_name") and not data.get("email"):
            self.add_error("email", _("A new person needs an email address for the invitation."))
        return data


def _combine(day: Any, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class ScheduleForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("session"), queryset=SessionPlan.objects.none())
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("end"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.CharField(label=_("room"), max_length=100, required=False)
    instructors = forms.ModelMultipleChoiceField(
        label=_("instructors"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "plan").queryset = SessionPlan.objects.filter(
            module__programme=cohort.programme
        ).select_related("module")
        self.fields["plan"].label_from_instance = lambda p: f"{p.module.order}.{p.order} {p.title}"  # type: ignore[attr-defined]
        model_choice_field(self, "instructors").queryset = User.objects.filter(
            instructor_profiles__library=cohort.library
        ).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start") and data.get("end"):
            data["starts_at"] = _combine(data["day"], data["start"])
            data["ends_at"] = _combine(data["day"], data["end"])
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("A session must end after it starts."))
        return data


class EnrolForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = User.objects.filter(
            memberships__library=library, memberships__is_active=True
        ).distinct()


class AttendanceMarkForm(forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices)
    note = forms.CharField(max_length=200, required=False)


class CheckinForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("code on the screen"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class YearForm(forms.Form):
    tahun = forms.IntegerField(min_value=2000, max_value=2100, required=False)


class RosterUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("participant list"),
        help_text=_(
            "Excel (.xlsx) or CSV with the columns of the template: Nama, Email, NIP, Unit kerja, "
            "Jabatan fungsional, Telepon. At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
