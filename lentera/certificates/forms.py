from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.certificates.models import CertificateSettings
from lentera.lib.forms import ServiceModelForm, StyledFormMixin


class CertificateSettingsForm(ServiceModelForm):
    remove_signature = forms.BooleanField(label=_("remove the current signature"), required=False)

    class Meta:
        model = CertificateSettings
        fields = ["number_pattern", "library_code", "title_text", "signature"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signature"].widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg"})
        self.fields["signature"].widget.attrs["class"] = "form-control"
        if not self.instance.signature:
            del self.fields["remove_signature"]

    def settings_data(self) -> dict[str, Any]:
        return {
            "number_pattern": self.cleaned_data["number_pattern"],
            "library_code": self.cleaned_data["library_code"],
            "title_text": self.cleaned_data["title_text"],
            "signature": self.files.get(self.add_prefix("signature")),
            "remove_signature": self.cleaned_data.get("remove_signature", False),
        }


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), strip=True)


class VerifyForm(StyledFormMixin, forms.Form):
    nomor = forms.CharField(label=_("certificate number"), max_length=60, strip=True)


class HolderNameForm(StyledFormMixin, forms.Form):
    """The holder's name typed on the public check, to see it in full (sent by POST: no name in the address)."""

    nomor = forms.CharField(max_length=60, strip=True, widget=forms.HiddenInput)
    nama = forms.CharField(label=_("holder's full name"), max_length=150, strip=True)
