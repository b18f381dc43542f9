"""Delivery pages: sign-in for a cohort's participants who have never signed in (invite again, code sheet)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from lentera.accounts import invitation_views
from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.accounts.selectors import people_not_signed_in
from lentera.delivery import selectors
from lentera.delivery.models import Cohort, Enrolment


def _not_signed_in(request: AccessRequest, cohort: Cohort) -> QuerySet[User]:
    enrolled = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).values("user_id")
    return people_not_signed_in(access=request.access, among=enrolled)


@role_required(Role.COORDINATOR)
@require_POST
def cohort_invite(request: AccessRequest, pk: int) -> HttpResponse:
    """Email the invitation again to the cohort's participants who have never signed in."""
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk)
    people = _not_signed_in(request, cohort)
    return invitation_views.invite_again(request, people=people, back=cohort.get_absolute_url())


@role_required(Role.COORDINATOR)
@require_POST
def cohort_code_sheet(request: AccessRequest, pk: int) -> HttpResponse:
    """One-time sign-in codes for the cohort's participants who have never signed in, for its first day."""
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk)
    people = _not_signed_in(request, cohort)
    return invitation_views.code_sheet_download(
        request, people=people, back=cohort.get_absolute_url(), name=str(cohort)
    )
