"""Delivery pages: schedule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import checkin, selectors, services
from lentera.delivery.forms import (
    ScheduleForm,
)
from lentera.delivery.models import Attendance
from lentera.delivery.views.common import STAFF_ROLES
from lentera.lib.forms import add_service_errors

# Schedule ---------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def session_schedule(request: AccessRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    form = ScheduleForm(request.POST or None, cohort=cohort, initial={"day": cohort.starts_on, "room": cohort.venue})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_schedule(
                actor=request.user,
                cohort=cohort,
                plan=data["plan"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                room=data["room"],
                instructors=data["instructors"],
                outside_dates_confirmed=data["outside_dates_confirmed"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session was scheduled."))
            return redirect(cohort)
    return render(request, "delivery/form.html", {"form": form, "title": _("Schedule a session"), "back": cohort})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def session_edit(request: AccessRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    cohort = session.cohort
    local_start, local_end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    initial = {
        "plan": session.plan,
        "day": local_start.date(),
        "start": local_start.time(),
        "end": local_end.time(),
        "room": session.room,
        "instructors": list(session.instructors.all()),
    }
    form = ScheduleForm(request.POST or None, cohort=cohort, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_schedule(
                actor=request.user,
                cohort=cohort,
                plan=data["plan"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                room=data["room"],
                instructors=data["instructors"],
                outside_dates_confirmed=data["outside_dates_confirmed"],
                session=session,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session was moved."))
            return redirect(session)
    return render(request, "delivery/form.html", {"form": form, "title": _("Move the session"), "back": session})


@role_required(*STAFF_ROLES)
def session_detail(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    session = selectors.session_get_for_user(access=access, pk=pk)
    instructors = selectors.session_instructors(session=session)
    teaches = access.is_coordinator or any(person.pk == access.user.pk for person in instructors)
    context: dict[str, Any] = {
        "session": session,
        "teaches": teaches,
        "instructors": instructors,
        "materials": session.plan.materials.all(),
        "window": checkin.window(session.starts_at, session.ends_at, timezone.now()).value,
    }
    if teaches:
        context["rows"] = selectors.session_attendance_rows(session=session)
        context["blocked"] = selectors.checkin_blocked_user_ids(session=session)
        context["statuses"] = Attendance.Status.choices
    else:
        context["mine"] = session.attendance.filter(user=access.user).first()
    return render(request, "delivery/session_detail.html", context)
