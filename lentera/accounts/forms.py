from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import FunctionalLevel, Library, Role, User
from lentera.lib.forms import ServiceModelForm, StyledFormMixin, choice_field, model_choice_field


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    pass


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class ProfileForm(ServiceModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "nip", "functional_level", "work_unit"]
        help_texts = {
            "nip": _("18 digits, for civil servants. Leave empty if you have none."),
            "phone": _("Used for WhatsApp reminders, e.g. 0812 3456 7890."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "functional_level").queryset = FunctionalLevel.objects.all()
        self.fields["email"].required = True


class PersonAddForm(ProfileForm):
    username = forms.CharField(
        validators=[UnicodeUsernameValidator()],
        label=_("username"),
        max_length=150,
        help_text=_("Used to log in: letters, digits and . _ - @ (for example sri.wahyuni)."),
    )
    role = forms.ChoiceField(label=_("role in this library"), choices=Role.choices, initial=Role.PARTICIPANT)
    send_invitation = forms.BooleanField(label=_("Email a link to set a password"), required=False, initial=True)

    class Meta(ProfileForm.Meta):
        fields = ["full_name", "username", "email", "phone", "nip", "functional_level", "work_unit"]
        help_texts = {
            **ProfileForm.Meta.help_texts,
            "email": _("Leave empty for staff without email: print a sign-in code for them on the People page."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_invitation") and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                _("Enter an email address to send the link to, or untick “Email a link to set a password”."),
            )
        return data

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class RoleGrantForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)


class LibrarySettingsForm(ServiceModelForm):
    kecamatan_text = forms.CharField(
        label=_("districts (kecamatan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )

    class Meta:
        model = Library
        fields = [
            "name",
            "city",
            "province",
            "address",
            "email",
            "phone",
            "logo",
            "head_name",
            "head_nip",
            "population",
            "yearly_jp_target",
            "anonymity_floor",
        ]
        help_texts = {
            "population": _("People living in the area the library serves; used by IPLM and per-capita figures."),
            "yearly_jp_target": _("Competency development each librarian should log per year (1 JP = 45 minutes)."),
            "anonymity_floor": _("Feedback figures stay hidden until at least this many people answered."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kecamatan_text"].initial = "\n".join(self.instance.kecamatan or [])
        self.fields["logo"].widget = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})
        self.fields["logo"].widget.attrs["class"] = "form-control"
        self.order_fields([*self.Meta.fields[:10], "kecamatan_text", *self.Meta.fields[10:]])

    def clean_logo(self) -> Any:
        from django.core.files.uploadedfile import UploadedFile

        from lentera.lib.uploads import IMAGE_KINDS, check_upload, generated_name

        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > 1_048_576:
            raise forms.ValidationError(_("The logo may be at most 1 MB."))
        if isinstance(logo, UploadedFile):  # a new upload: PNG or JPEG by content, stored under a generated name
            try:
                kind = check_upload(logo, allowed=IMAGE_KINDS, max_bytes=1_048_576, field="logo")
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["logo"]) from error
            logo.name = generated_name(kind)
        return logo

    def clean_anonymity_floor(self) -> int:
        value: int = self.cleaned_data["anonymity_floor"]
        if value < 3:
            raise forms.ValidationError(_("The anonymity floor must be at least 3."))
        return value

    def clean_yearly_jp_target(self) -> int:
        value: int = self.cleaned_data["yearly_jp_target"]
        if value < 1:
            raise forms.ValidationError(_("The yearly JP target must be at least 1."))
        return value

    def settings_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["kecamatan"] = self.cleaned_data["kecamatan_text"].splitlines()
        return data


class LibraryChoiceForm(forms.Form):
    library = forms.IntegerField()
    next = forms.CharField(required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[])
    next = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = settings.LANGUAGES


class AuditFilterForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("action"), required=False)
    actor = forms.CharField(label=_("who"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lentera.accounts.audit import ACTION_LABELS

        super().__init__(*args, **kwargs)
        choice_field(self, "action").choices = [("", _("All actions")), *ACTION_LABELS.items()]


class PeopleFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("role"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = [("", _("All roles")), *Role.choices]


class EraseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person asked for it in writing on 3 March. Kept in the audit log."),
        error_messages={"required": _("Say why the data is erased (it is kept in the audit log).")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: the name, contact details, NIP, uploaded files and login go for good and cannot be restored."
        ),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )


class CodeEntryForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("sign-in code"),
        max_length=40,
        help_text=_("The code on the card from your coordinator, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={
                "class": "text-uppercase",
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class CodeSheetForm(StyledFormMixin, forms.Form):
    without_email = forms.BooleanField(label=_("Only people without an email address"), required=False, initial=True)
