"""Shared by the services modules of delivery."""

from __future__ import annotations

from typing import Any

from lentera.accounts import services as account_services
from lentera.accounts.models import Library, Membership, User
from lentera.delivery.models import (
    Cohort,
)

INSTRUCTOR_FIELDS = ("kind", "organisation", "years_experience", "bio", "certifications", "photo", "expertise")
COHORT_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "venue",
    "capacity",
    "status",
    "checkin_grace_minutes",
    "min_attendance_percent",
    "min_post_test_percent",
)


def _ensure_role(*, actor: Any, library: Library, user: User, role: str) -> None:
    if not Membership.objects.filter(library=library, user=user, role=role, is_active=True).exists():
        account_services.membership_grant(actor=actor, library=library, user=user, role=role)


def _locked_cohort(cohort: Cohort) -> Cohort:
    """Lock the cohort row so that two enrolments cannot both take the last place."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)
