"""Delivery pages: cohorts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.accounts.selectors import signin_states_attach
from lentera.delivery import selectors, services
from lentera.delivery.forms import (
    CohortForm,
    EnrolForm,
)
from lentera.delivery.models import Enrolment
from lentera.delivery.views.common import STAFF_ROLES, url_around_pk
from lentera.lib.forms import add_service_errors
from lentera.lib.tenancy import scoped

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
        "session_url": url_around_pk("delivery:session_detail"),
    }
    if access.is_coordinator:
        roster = selectors.cohort_roster(cohort=cohort)
        context["enrolled"] = [e for e in roster if e.status == Enrolment.Status.ENROLLED]
        context["waiting"] = [e for e in roster if e.status == Enrolment.Status.WAITLISTED]
        signin_states_attach(library=access.library, people=[e.user for e in context["enrolled"]])  # one query
        context["not_signed_in"] = sum(1 for e in context["enrolled"] if e.user.signin_state != "active")
        context["withdraw_url"] = url_around_pk("delivery:withdraw")
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
