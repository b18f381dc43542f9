"""Delivery pages: cohorts and their schedule and roster, instructors, attendance and check-in, JP."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts import services as account_services
from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.delivery import calendar as cal
from lentera.delivery import checkin, exports, selectors, services
from lentera.delivery.forms import (
    AttendanceMarkForm,
    CheckinForm,
    CohortForm,
    EnrolForm,
    InstructorAddForm,
    InstructorForm,
    RosterUploadForm,
    ScheduleForm,
    YearForm,
)
from lentera.delivery.models import Attendance, Enrolment, ScheduledSession
from lentera.lib.forms import add_service_errors
from lentera.lib.tenancy import scoped
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

STAFF_ROLES = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)


# Cohorts ----------------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def cohort_list(request: AccessRequest) -> HttpResponse:
    cohorts = selectors.cohorts_for_user(access=request.access)
    return render(request, "delivery/cohort_list.html", {"cohorts": cohorts})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_create(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    form = CohortForm(request.POST or None, library=library)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cohort was created. Now schedule its sessions and enrol participants."))
            return redirect(cohort)
    return render(request, "delivery/form.html", {"form": form, "title": _("New cohort")})


@role_required(*STAFF_ROLES)
def cohort_detail(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    cohort = selectors.cohort_get_for_user(access=access, pk=pk)
    sessions = list(selectors.cohort_sessions(cohort=cohort))
    context: dict[str, Any] = {
        "cohort": cohort,
        "sessions": sessions,
        "total_jp": sum(s.jp for s in sessions),
        "now": timezone.now(),
    }
    if access.is_coordinator:
        roster = selectors.cohort_roster(cohort=cohort)
        context["enrolled"] = [e for e in roster if e.status == Enrolment.Status.ENROLLED]
        context["waiting"] = [e for e in roster if e.status == Enrolment.Status.WAITLISTED]
    return render(request, "delivery/cohort_detail.html", context)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_edit(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    cohort = selectors.cohort_get_for_user(access=access, pk=pk, for_write=True)
    form = CohortForm(request.POST or None, instance=cohort, library=access.current_library)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "programme"}
        try:
            services.cohort_update(actor=request.user, cohort=cohort, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cohort was saved."))
            return redirect(cohort)
    return render(request, "delivery/form.html", {"form": form, "title": _("Edit cohort"), "back": cohort})


@role_required(Role.COORDINATOR)
def enrol_search(request: AccessRequest, pk: int) -> HttpResponse:
    """People of the library matching a search, to enrol one by one (an HTMX fragment)."""
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    query = request.GET.get("q", "").strip()
    people: list[User] = []
    if len(query) >= 2:
        taken = cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).values("user_id")
        people = list(
            User.objects.filter(memberships__library=cohort.library, memberships__is_active=True)
            .filter(Q(full_name__icontains=query) | Q(nip__startswith=query) | Q(email__icontains=query))
            .exclude(pk__in=taken)
            .distinct()
            .order_by("full_name")[:10]
        )
    return render(request, "delivery/partials/enrol_results.html", {"cohort": cohort, "people": people, "query": query})


@role_required(Role.COORDINATOR)
@require_POST
def enrol(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    cohort = selectors.cohort_get_for_user(access=access, pk=pk, for_write=True)
    form = EnrolForm(request.POST, library=access.current_library)
    if not form.is_valid():
        messages.error(request, _("Choose a person of this library."))
        return redirect(cohort)
    person = form.cleaned_data["person"]
    try:
        enrolment = services.enrol(actor=request.user, cohort=cohort, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.status == Enrolment.Status.WAITLISTED:
            messages.warning(request, _("The cohort is full: %(name)s is on the waitlist.") % {"name": person})
        else:
            messages.success(request, _("%(name)s was enrolled.") % {"name": person})
    return redirect(cohort)


@role_required(Role.COORDINATOR)
@require_POST
def withdraw(request: AccessRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(scoped(Enrolment, request.access.library).select_related("cohort", "user"), pk=pk)
    try:
        promoted = services.withdraw(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was withdrawn.") % {"name": enrolment.user})
        if promoted:
            messages.info(
                request, _("%(name)s moved up from the waitlist and was told by email.") % {"name": promoted.user}
            )
    return redirect(enrolment.cohort)


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
    teaches = access.is_coordinator or session.instructor_links.filter(user=access.user).exists()
    context: dict[str, Any] = {
        "session": session,
        "teaches": teaches,
        "instructors": session.instructors.order_by("full_name"),
        "materials": session.plan.materials.all(),
        "window": checkin.window(session.starts_at, session.ends_at, timezone.now()).value,
    }
    if teaches:
        context["rows"] = selectors.session_attendance_rows(session=session)
        context["statuses"] = Attendance.Status.choices
    else:
        context["mine"] = session.attendance.filter(user=access.user).first()
    return render(request, "delivery/session_detail.html", context)


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
    }
    if request.htmx:
        return render(request, "delivery/partials/attendance_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(session)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def checkin_screen(request: AccessRequest, pk: int) -> HttpResponse:
    """The projector page: a QR code and a six-digit code, both renewed every 30 seconds."""
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    context = _checkin_code_context(request, session)
    template = "delivery/checkin_screen.html#code" if request.htmx else "delivery/checkin_screen.html"
    return render(request, template, context)


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
        "present": session.attendance.filter(status__in=Attendance.COUNTS_FOR_JP).count(),
        "enrolled": session.cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).count(),
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
    if request.method == "POST" and form.is_valid():
        chosen = session or _session_from_post(request, open_sessions)
        if chosen is None:
            form.add_error(None, _("No session of yours is open for check-in now."))
        else:
            try:
                result = services.check_in(user=request.user, session=chosen, code=form.cleaned_data["code"])
            except services.CheckinRefused as refusal:
                form.add_error("code", refusal.messages[0])
            else:
                status = result.attendance.get_status_display()
                if result.created:
                    messages.success(request, _("Checked in: %(status)s. Enjoy the session!") % {"status": status})
                else:
                    messages.info(request, _("You were already checked in (%(status)s).") % {"status": status})
                return redirect(chosen)
    return render(request, "delivery/check_in.html", {"form": form, "session": session, "open_sessions": open_sessions})


def _session_from_post(request: AccessRequest, open_sessions: list[ScheduledSession]) -> ScheduledSession | None:
    wanted = request.POST.get("session")
    return next((s for s in open_sessions if str(s.pk) == wanted), None)


# Instructors ------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def instructor_list(request: AccessRequest) -> HttpResponse:
    instructors = selectors.instructors_for_user(access=request.access)
    return render(request, "delivery/instructor_list.html", {"instructors": instructors})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def instructor_add(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    form = InstructorAddForm(request.POST or None, request.FILES or None, library=library)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_fields = {k: data[k] for k in InstructorForm.Meta.fields}
        try:
            with transaction.atomic():
                person = data["person"]
                if person is None:
                    username = data["email"].split("@")[0][:30]
                    if User.objects.filter(username__iexact=username).exists():
                        username = f"{username}{User.objects.count() + 1}"
                    person = account_services.user_create(
                        actor=request.user,
                        library=library,
                        username=username,
                        full_name=data["full_name"],
                        email=data["email"],
                    )
                    account_services.password_setup_send(request=request, user=person, library=library)
                services.instructor_register(actor=request.user, library=library, user=person, **profile_fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is in the instructor register.") % {"name": person})
            return redirect("delivery:instructor_list")
    return render(request, "delivery/form.html", {"form": form, "title": _("Add an instructor"), "multipart": True})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def instructor_edit(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    profile = selectors.instructor_get_for_user(access=access, pk=pk)
    form = InstructorForm(request.POST or None, request.FILES or None, instance=profile, library=access.current_library)
    if request.method == "POST" and form.is_valid():
        try:
            services.instructor_update(
                actor=request.user, profile=profile, **{k: form.cleaned_data[k] for k in InstructorForm.Meta.fields}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instructor was saved."))
            return redirect("delivery:instructor_list")
    return render(request, "delivery/form.html", {"form": form, "title": str(profile.user), "multipart": True})


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


# Exports ----------------------------------------------------------------------------------------


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def attendance_sheet(request: AccessRequest, pk: int, fmt: str) -> HttpResponse:
    """The daftar hadir of a session, as PDF (to print and sign) or Excel."""
    session = selectors.session_get_for_user(access=request.access, pk=pk, teach=True)
    sheet = exports.attendance_sheet(session=session)
    if fmt == "pdf":
        return _download(
            exports.daftar_hadir_pdf(sheet), filename=f"{sheet.filename_stem}.pdf", content_type="application/pdf"
        )
    return _download(
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
    return _download(content, filename=f"jp-{library.slug}-{year}.xlsx", content_type=XLSX_CONTENT_TYPE)


# Participant list import ------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def roster_import_upload(request: AccessRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = services.roster_import_preview(
                actor=request.user, cohort=cohort, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect(roster_import)
    return render(request, "delivery/roster_import_upload.html", {"cohort": cohort, "form": form})


@role_required(Role.COORDINATOR)
def roster_import_detail(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    rows = roster_import.rows
    return render(
        request,
        "delivery/roster_import_detail.html",
        {
            "roster_import": roster_import,
            "cohort": roster_import.cohort,
            "errors": [(r["line"], column, message) for r in rows for column, message in r["errors"]],
            "valid": [r for r in rows if r["outcome"] in ("new", "existing")],
            "already": [r for r in rows if r["outcome"] == "enrolled"],
            "outcome_labels": {"new": _("new person"), "existing": _("existing person")},
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def roster_import_confirm(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    try:
        summary = services.roster_import_apply(actor=request.user, roster_import=roster_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(roster_import)
    messages.success(
        request,
        _(
            "Imported: %(enrolled)s enrolled, %(waitlisted)s on the waitlist "
            "(%(new)s new people, %(existing)s existing)."
        )
        % {
            "enrolled": summary["enrolled"],
            "waitlisted": summary["waitlisted"],
            "new": summary["new_people"],
            "existing": summary["existing_people"],
        },
    )
    return redirect(roster_import.cohort)


@role_required(Role.COORDINATOR)
@require_POST
def roster_import_cancel(request: AccessRequest, pk: int) -> HttpResponse:
    roster_import = selectors.roster_import_get_for_user(access=request.access, pk=pk)
    try:
        services.roster_import_cancel(actor=request.user, roster_import=roster_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The list was not imported; nothing changed."))
    return redirect(roster_import.cohort)


@role_required(Role.COORDINATOR)
def roster_template(request: AccessRequest) -> HttpResponse:
    from lentera.accounts.models import FunctionalLevel

    levels = list(FunctionalLevel.objects.values_list("name", flat=True))
    return _download(
        exports.roster_template_xlsx(levels=levels), filename="templat-peserta.xlsx", content_type=XLSX_CONTENT_TYPE
    )


# Calendar ---------------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def calendar_view(request: AccessRequest) -> HttpResponse:
    """Month view (``?bulan=2026-11``) or week view (``?minggu=2026-11-23``, any day of the week)."""
    today = timezone.localdate()
    week_param, month_param = request.GET.get("minggu"), request.GET.get("bulan")
    context: dict[str, Any] = {"today": today}
    try:
        if week_param:
            monday = cal.monday_of(date.fromisoformat(week_param))
            days = cal.week_days(monday)
            context.update(
                mode="week", days=days, previous=monday - timedelta(days=7), following=monday + timedelta(days=7)
            )
            start_day, end_day = days[0], days[-1]
        else:
            year, month = (int(x) for x in month_param.split("-")) if month_param else (today.year, today.month)
            weeks = cal.month_weeks(year, month)
            context.update(
                mode="month",
                weeks=weeks,
                month=date(year, month, 1),
                previous=date(*cal.shift_month(year, month, -1), 1),
                following=date(*cal.shift_month(year, month, 1), 1),
            )
            start_day, end_day = weeks[0][0], weeks[-1][-1]
    except (ValueError, TypeError):
        messages.error(request, _("That date is not valid; here is this month."))
        return redirect("delivery:calendar")
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    end = timezone.make_aware(datetime.combine(end_day + timedelta(days=1), time.min))
    by_day: dict[date, list[ScheduledSession]] = {}
    for session in selectors.calendar_sessions(access=request.access, start=start, end=end):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    context["by_day"] = by_day
    feed = selectors.active_feed(user=request.user)
    context["feed_url"] = request.build_absolute_uri(reverse("delivery:ical_feed", args=[feed.token])) if feed else ""
    return render(request, "delivery/calendar.html", context)


@role_required(*STAFF_ROLES)
@require_POST
def calendar_feed(request: AccessRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(user=request.user)
        messages.info(request, _("Your calendar address was switched off. Calendars subscribed to it stop updating."))
    else:
        services.calendar_feed_renew(user=request.user)
        messages.success(request, _("Your calendar address is ready. Copy it into your phone's calendar."))
    return redirect("delivery:calendar")


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's sessions as an iCalendar feed; the secret address is the only key (no login)."""
    from lentera.delivery.models import CalendarFeed

    feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).select_related("user").first()
    if feed is None:
        raise Http404
    now = timezone.now()
    events = [
        cal.Event(
            uid=f"sesi-{s.pk}@lentera",
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            summary=f"{s.plan.title} ({s.cohort.name})",
            location=", ".join(x for x in (s.room, s.library.name) if x),
            description=f"{s.plan.get_method_display()} · {s.jp} JP",
            url=request.build_absolute_uri(reverse("delivery:session_detail", args=[s.pk])),
        )
        for s in selectors.feed_sessions(user=feed.user, now=now)
    ]
    body = cal.ics(name=f"Lentera · {feed.user.full_name}", events=events, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


# Discussion groups ------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def cohort_groups(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    cohort = selectors.cohort_get_for_user(access=access, pk=pk, for_write=request.method == "POST")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "form":
                count = int(request.POST.get("group_count") or 0)
                groups = services.groups_form(actor=request.user, cohort=cohort, group_count=count)
                messages.success(request, _("%(n)s balanced groups were formed.") % {"n": len(groups)})
            else:
                person = get_object_or_404(User, pk=request.POST.get("user"))
                group_pk = request.POST.get("group")
                group = get_object_or_404(cohort.groups, pk=group_pk) if group_pk else None
                services.group_move(actor=request.user, cohort=cohort, user=person, group=group)
                messages.success(request, _("%(name)s was moved.") % {"name": person.full_name})
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [_("Give a number of groups.")])))
        return redirect("delivery:cohort_groups", pk=cohort.pk)
    groups = selectors.cohort_groups(cohort=cohort)
    grouped = {member.pk for group in groups for member in group.members.all()}
    ungrouped = (
        []
        if not access.is_coordinator
        else [
            e.user
            for e in selectors.cohort_roster(cohort=cohort)
            if e.status == Enrolment.Status.ENROLLED and e.user_id not in grouped
        ]
    )
    return render(
        request,
        "delivery/cohort_groups.html",
        {
            "cohort": cohort,
            "groups": groups,
            "ungrouped": ungrouped,
            "suggested": max(1, round((len(grouped) + len(ungrouped)) / 5)),
        },
    )
