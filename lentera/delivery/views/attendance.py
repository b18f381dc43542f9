"""Delivery pages: attendance."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery import checkin, selectors, services
from lentera.delivery.forms import (
    AttendanceMarkForm,
    CheckinForm,
)
from lentera.delivery.models import Attendance, Enrolment, ScheduledSession
from lentera.lib.tenancy import scoped

# Attendance -------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
@require_POST
def attendance_mark(request: AccessRequest, pk: int, user_pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    enrolment = get_object_or_404(
        session.cohort.enrolments.select_related("user"), user_id=user_pk, status=Enrolment.Status.ENROLLED
    )
    form = AttendanceMarkForm(request.POST)
    error = ""
    attendance = session.attendance.filter(user_id=user_pk).first()
    if form.is_valid():
        try:
            attendance = services.attendance_mark(
                actor=request.user,
                session=session,
                user=enrolment.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose present, late, excused or absent.")
    context = {
        "session": session,
        "enrolment": enrolment,
        "attendance": attendance,
        "statuses": Attendance.Status.choices,
        "error": error,
        "saved": not error,
        "blocked": selectors.checkin_blocked_user_ids(session=session),
    }
    if request.htmx:
        return render(request, "delivery/partials/attendance_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(session)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def checkin_screen(request: AccessRequest, pk: int) -> HttpResponse:
    """The projector page: a QR code and a six-digit code, both renewed every 30 seconds (the
    HTMX request for the code fragment comes when the code rotates), and the count of people in."""
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    context = _checkin_code_context(request, session)
    if request.htmx:
        return render(request, "delivery/checkin_screen.html#code", context)
    context.update(selectors.checkin_tally(session=session))
    return render(request, "delivery/checkin_screen.html", context)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def checkin_count(request: AccessRequest, pk: int) -> HttpResponse:
    """The projector's "12 of 20 checked in", polled every few seconds: one query after the session."""
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    context = {"session": session, **selectors.checkin_tally(session=session)}
    return render(request, "delivery/checkin_screen.html#count", context)


def _checkin_code_context(request: AccessRequest, session: ScheduledSession) -> dict[str, Any]:
    now = timezone.now()
    code = checkin.current_code(session.checkin_secret, now)
    url = request.build_absolute_uri(f"/hadir/{session.pk}/?kode={code}")
    qr = segno.make(url, error="m")
    return {
        "session": session,
        "code": f"{code[:3]} {code[3:]}",
        "qr_svg": qr.svg_inline(scale=8, dark="#1d1d1b", light="#ffffff", omitsize=True),
        "refresh_in": checkin.seconds_to_next_code(now),
        "window": checkin.window(session.starts_at, session.ends_at, now).value,
    }


@role_required(Role.PARTICIPANT)
@require_http_methods(["GET", "POST"])
def check_in(request: AccessRequest, pk: int | None = None) -> HttpResponse:
    """A participant's check-in on a phone: the QR opens this page with the code filled in."""
    access = request.access
    open_sessions = selectors.open_checkins_for(access=access)
    session = None
    if pk is not None:
        session = get_object_or_404(scoped(ScheduledSession, access.library).select_related("cohort", "plan"), pk=pk)
    elif len(open_sessions) == 1:
        session = open_sessions[0]
    form = CheckinForm(request.POST or None, initial={"code": request.GET.get("kode", "")})
    blocked = session is not None and request.user.pk in selectors.checkin_blocked_user_ids(session=session)
    if request.method == "POST" and form.is_valid() and not blocked:
        chosen = session or _session_from_post(request, open_sessions)
        if chosen is None:
            form.add_error(None, _("No session of yours is open for check-in now."))
        else:
            try:
                result = services.check_in(user=request.user, session=chosen, code=form.cleaned_data["code"])
            except services.CheckinRefused as refusal:
                form.add_error("code", refusal.messages[0])
                blocked = session is not None and request.user.pk in selectors.checkin_blocked_user_ids(session=session)
            else:
                status = result.attendance.get_status_display()
                if result.created:
                    messages.success(request, _("Checked in: %(status)s. Enjoy the session!") % {"status": status})
                else:
                    messages.info(request, _("You were already checked in (%(status)s).") % {"status": status})
                return redirect(chosen)
    context = {"form": form, "session": session, "open_sessions": open_sessions, "blocked": blocked}
    return render(request, "delivery/check_in.html", context)


def _session_from_post(request: AccessRequest, open_sessions: list[ScheduledSession]) -> ScheduledSession | None:
    wanted = request.POST.get("session")
    return next((s for s in open_sessions if str(s.pk) == wanted), None)
