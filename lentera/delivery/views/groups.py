"""Delivery pages: discussion groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import User
from lentera.delivery import selectors, services
from lentera.delivery.models import Enrolment
from lentera.delivery.views.common import STAFF_ROLES

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
