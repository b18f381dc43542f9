"""Writes for delivery: cohorts and enrolment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Role, User
from lentera.curriculum.models import Programme
from lentera.delivery.models import (
    Cohort,
    Enrolment,
)
from lentera.delivery.services.common import COHORT_FIELDS, _ensure_role, _locked_cohort

# Cohorts and enrolment -------------------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    starts_on: Any,
    ends_on: Any,
    venue: str = "",
    capacity: int = 30,
    status: str = Cohort.Status.PLANNED,
    checkin_grace_minutes: int = 15,
    min_attendance_percent: int = 80,
    min_post_test_percent: int = 70,
) -> Cohort:
    cohort = Cohort(
        library=programme.library,
        programme=programme,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue,
        capacity=capacity,
        status=status,
        checkin_grace_minutes=checkin_grace_minutes,
        min_attendance_percent=min_attendance_percent,
        min_post_test_percent=min_post_test_percent,
    )
    cohort.full_clean()
    cohort.save()
    audit_record(actor=actor, library=cohort.library, action="cohort.create", obj=cohort)
    return cohort


@transaction.atomic
def cohort_update(*, actor: Any, cohort: Cohort, **fields: Any) -> Cohort:
    update_with_audit(
        actor=actor, library=cohort.library, obj=cohort, action="cohort.update", fields=fields, allowed=COHORT_FIELDS
    )
    return cohort


@transaction.atomic
def enrol(*, actor: Any, cohort: Cohort, user: User) -> Enrolment:
    """Enrol a person; over capacity they join the waitlist. A withdrawn person can come back."""
    cohort = _locked_cohort(cohort)
    existing = Enrolment.objects.filter(cohort=cohort, user=user).first()
    if existing and existing.status != Enrolment.Status.WITHDRAWN:
        raise ValidationError(_("%(name)s is already in this cohort.") % {"name": user.full_name})
    taken = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).count()
    status = Enrolment.Status.ENROLLED if taken < cohort.capacity else Enrolment.Status.WAITLISTED
    if existing:
        existing.status = status
        existing.created_at = timezone.now()  # back of the queue
        existing.save(update_fields=["status", "created_at", "changed_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(library=cohort.library, cohort=cohort, user=user, status=status)
    _ensure_role(actor=actor, library=cohort.library, user=user, role=Role.PARTICIPANT)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="enrolment.create",
        obj=enrolment,
        changes={"status": [None, status]},
    )
    return enrolment


@transaction.atomic
def withdraw(*, actor: Any, enrolment: Enrolment) -> Enrolment | None:
    """Withdraw a participant; a freed place goes to the first person waiting, who is told by email.

    Returns the promoted enrolment, if any.
    """
    cohort = _locked_cohort(enrolment.cohort)
    enrolment.refresh_from_db()
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(_("This participant has already withdrawn."))
    freed_a_place = enrolment.status == Enrolment.Status.ENROLLED
    before = enrolment.status
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status", "changed_at"])
    audit_record(
        actor=actor,
        library=cohort.library,
        action="enrolment.withdraw",
        obj=enrolment,
        changes={"status": [before, Enrolment.Status.WITHDRAWN]},
    )
    if not freed_a_place:
        return None
    promoted = (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        .select_related("user")
        .order_by("created_at", "id")
        .first()
    )
    if promoted is None:
        return None
    promoted.status = Enrolment.Status.ENROLLED
    promoted.save(update_fields=["status", "changed_at"])
    audit_record(
        actor=actor,
        library=cohort.library,
        action="enrolment.promote",
        obj=promoted,
        changes={"status": [Enrolment.Status.WAITLISTED, Enrolment.Status.ENROLLED]},
    )
    if promoted.user.email:
        context = {"user": promoted.user, "cohort": cohort, "library": cohort.library}
        subject = "".join(render_to_string("delivery/emails/promoted_subject.txt", context).splitlines())
        body = render_to_string("delivery/emails/promoted.txt", context)
        address = promoted.user.email
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return promoted
