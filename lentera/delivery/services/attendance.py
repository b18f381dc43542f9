"""Writes for delivery: attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lentera.accounts.audit import audit_record
from lentera.accounts.models import User
from lentera.delivery import checkin
from lentera.delivery.models import (
    Attendance,
    CheckinFailure,
    Enrolment,
    ScheduledSession,
)

# Attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    created: bool


class CheckinRefused(ValidationError):
    """A check-in that cannot be accepted; the message says why, for the participant."""


def check_in(
    *,
    user: User,
    session: ScheduledSession,
    code: str,
    now: datetime | None = None,
    method: str = Attendance.Method.CODE,
) -> CheckinResult:
    """Mark the participant present (or late) with the code on the projector. Idempotent."""
    now = now or timezone.now()
    state = checkin.window(session.starts_at, session.ends_at, now)
    if state is checkin.Window.NOT_YET:
        raise CheckinRefused(_("Check-in opens 30 minutes before the session starts."))
    if state is checkin.Window.CLOSED:
        raise CheckinRefused(_("This session has ended; check-in is closed. Ask the instructor to mark you."))
    if not Enrolment.objects.filter(cohort_id=session.cohort_id, user=user, status=Enrolment.Status.ENROLLED).exists():
        raise CheckinRefused(_("You are not enrolled in the cohort of this session."))
    _check_code(session=session, user=user, code=code, now=now)
    late = checkin.arrival(session.starts_at, now, grace_minutes=session.cohort.checkin_grace_minutes).late
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    with transaction.atomic():
        existing = Attendance.objects.select_for_update().filter(session=session, user=user).first()
        if existing and existing.status in Attendance.COUNTS_FOR_JP:
            return CheckinResult(existing, created=False)
        if existing:
            existing.status, existing.method, existing.checked_in_at = status, method, now
            existing.save(update_fields=["status", "method", "checked_in_at", "updated_at"])
            return CheckinResult(existing, created=False)
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    library=session.library,
                    session=session,
                    user=user,
                    status=status,
                    method=method,
                    checked_in_at=now,
                )
        except IntegrityError:  # a double tap that raced us: the other request recorded it
            return CheckinResult(Attendance.objects.get(session=session, user=user), created=False)
    return CheckinResult(attendance, created=True)


def _check_code(*, session: ScheduledSession, user: User, code: str, now: datetime) -> None:
    """Refuse a wrong code and count it; refuse every code once the person reached the limit.

    The person's row is locked while the code is judged, so parallel tries queue up behind each
    other (PostgreSQL; SQLite writes one at a time anyway) and no burst gets more than the limit."""
    with transaction.atomic():
        failure = CheckinFailure.objects.select_for_update().filter(session=session, user=user).first()
        wrong = failure.wrong if failure else 0
        right = wrong < checkin.MAX_WRONG_CODES and checkin.code_is_valid(session.checkin_secret, code, now)
        if not right and wrong < checkin.MAX_WRONG_CODES:
            wrong = _count_wrong_code(session=session, user=user, failure=failure, now=now)
            if wrong == checkin.MAX_WRONG_CODES:  # this try reached the limit: the coordinator can see who and when
                audit_record(actor=user, library=session.library, action="checkin.blocked", obj=session)
    if wrong >= checkin.MAX_WRONG_CODES:
        raise CheckinRefused(
            _("Too many wrong codes for this session. Ask the instructor to mark your attendance by hand.")
        )
    if not right:
        message = _("This code has expired or belongs to another session. Type the code shown now.")
        left = checkin.MAX_WRONG_CODES - wrong
        if left <= 3:
            message += " " + ngettext("%(n)d try left.", "%(n)d tries left.", left) % {"n": left}
        raise CheckinRefused(message)


def _count_wrong_code(*, session: ScheduledSession, user: User, failure: CheckinFailure | None, now: datetime) -> int:
    if failure is not None:
        failure.wrong += 1
        failure.last_at = now
        failure.save(update_fields=["wrong", "last_at"])
        return failure.wrong
    try:
        with transaction.atomic():
            CheckinFailure.objects.create(library=session.library, session=session, user=user, wrong=1, last_at=now)
    except IntegrityError:  # a parallel wrong try created it first
        CheckinFailure.objects.filter(session=session, user=user).update(wrong=F("wrong") + 1, last_at=now)
    return CheckinFailure.objects.filter(session=session, user=user).values_list("wrong", flat=True).get()


@transaction.atomic
def attendance_mark(*, actor: Any, session: ScheduledSession, user: User, status: str, note: str = "") -> Attendance:
    """The instructor's hand-marked attendance (people without a phone, excused absences)."""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": _("Unknown attendance status.")})
    if not Enrolment.objects.filter(cohort_id=session.cohort_id, user=user, status=Enrolment.Status.ENROLLED).exists():
        raise ValidationError(_("%(name)s is not enrolled in this cohort.") % {"name": user.full_name})
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        session=session,
        user=user,
        defaults={
            "library": session.library,
            "status": status,
            "note": note,
            "marked_by": actor,
            "method": Attendance.Method.MANUAL,
            "checked_in_at": timezone.now() if status in Attendance.COUNTS_FOR_JP else None,
        },
    )
    before = None if created else attendance.status
    if not created:
        attendance.status, attendance.note, attendance.marked_by = status, note, actor
        if status in Attendance.COUNTS_FOR_JP and attendance.checked_in_at is None:
            attendance.checked_in_at = timezone.now()
        attendance.save()
    if before != status:
        audit_record(
            actor=actor,
            library=session.library,
            action="attendance.mark",
            obj=attendance,
            changes={"status": [before, status]},
        )
    return attendance
