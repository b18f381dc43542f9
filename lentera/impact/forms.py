from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.lib.forms import StyledFormMixin


class IndicatorUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("sheet of monthly figures"),
        help_text=_(
            "Excel (.xlsx) or CSV with the columns of the template: Bulan, Kunjungan, Peminjaman, Anggota baru, "
            "Kegiatan, Peserta kegiatan, Pertanyaan referensi. At most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
