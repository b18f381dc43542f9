"""Delivery pages: a participant's own JP history, on screen and as a PDF for their dossier."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import exports, selectors
from lentera.delivery.forms import YearForm
from lentera.lib.downloads import download


@role_required(Role.PARTICIPANT)
def my_jp(request: AccessRequest) -> HttpResponse:
    years = selectors.participant_jp_history(access=request.access)
    return render(request, "delivery/my_jp.html", {"years": years})


@role_required(Role.PARTICIPANT)
def my_jp_pdf(request: AccessRequest) -> HttpResponse:
    """The history as a PDF: every year, or one year (``?tahun=2026``)."""
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("tahun") if form.is_valid() else None
    years = selectors.participant_jp_history(access=request.access)
    if year:
        years = [y for y in years if y.year == year]
    user = request.user
    content = exports.jp_history_pdf(
        library_name=request.access.current_library.name,
        person_name=user.full_name or user.username,
        nip=user.nip,
        work_unit=user.work_unit,
        functional_level=str(user.functional_level or ""),
        years=years,
        printed_at=timezone.now(),
    )
    stem = "-".join(x for x in ("riwayat-jp", slugify(user.full_name or user.username), str(year or "")) if x)
    return download(content, filename=f"{stem}.pdf", content_type="application/pdf")
