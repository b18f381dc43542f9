"""Delivery pages: exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import exports, selectors
from lentera.delivery.forms import (
    YearForm,
)
from lentera.lib.downloads import download
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

# Exports ----------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def attendance_sheet(request: AccessRequest, pk: int, fmt: str) -> HttpResponse:
    """The daftar hadir of a session, as PDF (to print and sign) or Excel."""
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    sheet = exports.attendance_sheet(session=session)
    if fmt == "pdf":
        return download(
            exports.daftar_hadir_pdf(sheet), filename=f"{sheet.filename_stem}.pdf", content_type="application/pdf"
        )
    return download(
        exports.daftar_hadir_xlsx(sheet), filename=f"{sheet.filename_stem}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@role_required(Role.COORDINATOR)
def jp_ledger_export(request: AccessRequest) -> HttpResponse:
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("tahun") if form.is_valid() else None) or timezone.localdate().year
    library = request.access.current_library
    people = list(selectors.jp_ledger(access=request.access, year=year))
    content = exports.jp_ledger_xlsx(
        library_name=library.name, year=year, target=library.yearly_jp_target, people=people
    )
    return download(content, filename=f"jp-{library.slug}-{year}.xlsx", content_type=XLSX_CONTENT_TYPE)
