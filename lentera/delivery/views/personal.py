"""Delivery pages: personal schedule and jp."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import selectors
from lentera.delivery.forms import (
    YearForm,
)

# Personal schedule and JP -----------------------------------------------------------------------


@role_required(Role.INSTRUCTOR, Role.PARTICIPANT)
def my_schedule(request: AccessRequest) -> HttpResponse:
    sessions = selectors.upcoming_sessions(access=request.access, limit=50)
    return render(request, "delivery/my_schedule.html", {"sessions": sessions})


@role_required(Role.COORDINATOR)
def jp_ledger(request: AccessRequest) -> HttpResponse:
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("tahun") if form.is_valid() else None) or timezone.localdate().year
    people = list(selectors.jp_ledger(access=request.access, year=year))
    target = request.access.current_library.yearly_jp_target
    return render(
        request,
        "delivery/jp_ledger.html",
        {
            "people": people,
            "year": year,
            "target": target,
            "reached": len([p for p in people if getattr(p, "jp", 0) >= target]),
        },
    )
