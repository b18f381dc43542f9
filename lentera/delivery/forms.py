from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
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


class PlanSelect(forms.Select):
    """The session-plan choice; each option carries its planned minutes, so the page fills the end."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-minutes"] = instance.planned_minutes
        return option


class ScheduleForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("session"), queryset=SessionPlan.objects.none(), widget=PlanSelect)
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(
        label=_("end"),
        required=False,
        help_text=_("Filled in from the session plan's minutes; change it if the session is longer or shorter."),
        widget=forms.TimeInput(attrs={"type": "time", "data-end-from-plan": ""}, format="%H:%M"),
    )
    room = forms.CharField(label=_("room"), max_length=100, required=False)
    instructors = forms.ModelMultipleChoiceField(
        label=_("instructors"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    outside_dates_confirmed = forms.BooleanField(
        label=_("Schedule it even if the date is outside the cohort's dates"), required=False
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        model_choice_field(self, "plan").queryset = SessionPlan.objects.filter(
            module__programme=cohort.programme
        ).select_related("module")
        self.fields["plan"].label_from_instance = lambda p: f"{p.module.order}.{p.order} {p.title}"  # type: ignore[attr-defined]
        model_choice_field(self, "instructors").queryset = User.objects.filter(
            instructor_profiles__library=cohort.library
        ).order_by("full_name")
        self.fields["day"].help_text = _("The cohort runs from %(first)s to %(last)s.") % {
            "first": date_format(cohort.starts_on, "j M Y"),
            "last": date_format(cohort.ends_on, "j M Y"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start"):
            data["starts_at"] = _combine(data["day"], data["start"])
            if data.get("end"):
                data["ends_at"] = _combine(data["day"], data["end"])
            elif data.get("plan"):  # the plan's minutes, as the page fills it in
                data["ends_at"] = data["starts_at"] + timedelta(minutes=data["plan"].planned_minutes)
            if data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("A session must end after it starts."))
        return data


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ProgrammeScheduleForm(StyledFormMixin, forms.Form):
    """The slots a whole programme is laid on; the instructors of each module."""

    first_day = forms.DateField(label=_("first day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_times = forms.CharField(
        label=_("start times"),
        max_length=100,
        help_text=_("One or more, separated by commas, for example 08:00, 13:00."),
    )
    rooms = forms.CharField(
        label=_("rooms"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas; each session takes the first room that is free."),
    )
    days_off = forms.CharField(
        label=_("days off (holidays)"),
        max_length=500,
        required=False,
        help_text=_("Dates to leave out, separated by commas, for example 2026-03-19, 2026-03-20."),
    )

    def __init__(self, *args: Any, modules: list[Any], instructors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = modules
        choices = [("", _("(none yet)")), *((str(u.pk), u.full_name) for u in instructors)]
        for module in modules:
            self.fields[f"module_{module.pk}"] = forms.ChoiceField(
                label=_("instructor of module %(order)s, %(title)s") % {"order": module.order, "title": module.title},
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self._instructors = {u.pk: u for u in instructors}

    def clean_start_times(self) -> list[time]:
        starts: list[time] = []
        for part in _split(self.cleaned_data["start_times"]):
            try:
                starts.append(datetime.strptime(part.replace(".", ":"), "%H:%M").time())  # noqa: DTZ007 - a time of day
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a time; write it as 08:00.") % {"value": part}
                ) from None
        if not starts:
            raise forms.ValidationError(_("Give at least one start time."))
        return sorted(set(starts))

    def clean_rooms(self) -> list[str]:
        rooms = _split(self.cleaned_data["rooms"])
        for room in rooms:
            if len(room) > 100:
                raise forms.ValidationError(_("A room name is at most 100 characters."))
        return rooms

    def clean_days_off(self) -> list[date]:
        days: list[date] = []
        for part in _split(self.cleaned_data["days_off"]):
            for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
                try:
                    days.append(datetime.strptime(part, pattern).date())  # noqa: DTZ007 - a calendar date
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(_("“%(value)s” is not a date; write it as 2026-03-19.") % {"value": part})
        return days

    def module_instructors(self) -> dict[int, list[User]]:
        """Each module's chosen instructors (none or one), by module pk."""
        chosen: dict[int, list[User]] = {}
        for module in self.modules:
            value = self.cleaned_data.get(f"module_{module.pk}")
            chosen[module.pk] = [self._instructors[int(value)]] if value else []
        return chosen


class DraftRowForm(StyledFormMixin, forms.Form):
    """One session of the draft: the coordinator can move it (date, start, room) before saving."""

    plan = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.CharField(label=_("room"), max_length=100, required=False)


DraftRowFormSet = forms.formset_factory(DraftRowForm, extra=0, max_num=500, validate_max=True)


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
