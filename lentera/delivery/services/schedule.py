"""Writes for delivery: schedule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library, User
from lentera.curriculum.jp import jp_for_minutes
from lentera.curriculum.models import SessionPlan
from lentera.delivery.models import (
    Cohort,
    InstructorProfile,
    ScheduledSession,
    SessionInstructor,
)

# Schedule ------------------------------------------------------------------------------------


def _when(session: ScheduledSession) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{date_format(start, 'D, j M Y')} {start:%H:%M}–{end:%H:%M}"


def find_clashes(
    *,
    library: Library,
    starts_at: datetime,
    ends_at: datetime,
    room: str,
    instructors: Iterable[User],
    exclude_pk: int | None = None,
) -> list[str]:
    """Messages naming each other session that uses the same room or instructor at an overlapping time."""
    overlapping = ScheduledSession.objects.filter(
        library=library, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).select_related("plan", "cohort")
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    messages: list[str] = []
    room = room.strip()
    if room:
        for other in overlapping.filter(room__iexact=room):
            messages.append(
                _("Room %(room)s is already booked for “%(title)s” (%(cohort)s), %(when)s.")
                % {"room": room, "title": other.plan.title, "cohort": other.cohort.name, "when": _when(other)}
            )
    people = {user.pk: user for user in instructors}
    if people:
        links = SessionInstructor.objects.filter(session__in=overlapping, user_id__in=people).select_related(
            "session__plan", "session__cohort"
        )
        for link in links:
            other = link.session
            messages.append(
                _("%(name)s already teaches “%(title)s” (%(cohort)s), %(when)s.")
                % {
                    "name": people[link.user_id].full_name,
                    "title": other.plan.title,
                    "cohort": other.cohort.name,
                    "when": _when(other),
                }
            )
    return messages


def _check_instructors(library: Library, instructors: list[User]) -> None:
    registered = set(
        InstructorProfile.objects.filter(library=library, user__in=instructors).values_list("user_id", flat=True)
    )
    missing = [u.full_name for u in instructors if u.pk not in registered]
    if missing:
        raise ValidationError(
            {"instructors": _("Not in the instructor register: %(names)s.") % {"names": ", ".join(missing)}}
        )


def outside_cohort_dates(*, cohort: Cohort, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a session starts before the cohort's first day or ends after its last (in local time)."""
    first, last = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
    return first < cohort.starts_on or last > cohort.ends_on


@transaction.atomic
def session_schedule(
    *,
    actor: Any,
    cohort: Cohort,
    plan: SessionPlan,
    starts_at: datetime,
    ends_at: datetime | None = None,
    room: str = "",
    instructors: Iterable[User] = (),
    session: ScheduledSession | None = None,
    outside_dates_confirmed: bool = False,
) -> ScheduledSession:
    """Put a session plan on the calendar (or move it). Refuses instructor and room clashes, and a
    date outside the cohort's first and last day unless the coordinator confirmed it.

    Without ``ends_at`` the session lasts the plan's minutes.
    """
    instructors = list(instructors)
    library = cohort.library
    if ends_at is None:
        ends_at = starts_at + timedelta(minutes=plan.planned_minutes)
    if session is not None and session.cohort_id != cohort.pk:
        raise ValidationError(_("This session belongs to another cohort."))
    if plan.module.programme_id != cohort.programme_id:
        raise ValidationError({"plan": _("Choose a session of this cohort's programme.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})
    if not outside_dates_confirmed and outside_cohort_dates(cohort=cohort, starts_at=starts_at, ends_at=ends_at):
        raise ValidationError(
            {
                "day": _(
                    "This date is outside the cohort's dates (%(first)s – %(last)s). Choose another date, "
                    "or tick the confirmation to schedule it anyway."
                )
                % {"first": date_format(cohort.starts_on, "j M Y"), "last": date_format(cohort.ends_on, "j M Y")}
            }
        )
    _check_instructors(library, instructors)
    clashes = find_clashes(
        library=library,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        instructors=instructors,
        exclude_pk=session.pk if session else None,
    )
    if clashes:
        raise ValidationError(clashes)
    creating = session is None
    before: dict[str, str] = {}
    if session is None:
        session = ScheduledSession(library=library, cohort=cohort, plan=plan)
    else:
        before = {"starts_at": str(session.starts_at), "ends_at": str(session.ends_at), "room": session.room}
    session.plan = plan
    session.starts_at, session.ends_at, session.room = starts_at, ends_at, room.strip()
    session.jp = jp_for_minutes(session.minutes)
    session.full_clean()
    session.save()
    SessionInstructor.objects.filter(session=session).exclude(user__in=instructors).delete()
    for user in instructors:
        SessionInstructor.objects.get_or_create(library=library, session=session, user=user)
    after = {"starts_at": str(starts_at), "ends_at": str(ends_at), "room": session.room}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    audit_record(
        actor=actor,
        library=library,
        action="session.schedule" if creating else "session.reschedule",
        obj=session,
        changes=changes,
    )
    return session


@dataclass(frozen=True)
class DraftSession:
    """One row of a whole-programme draft, as the coordinator left it."""

    plan: SessionPlan
    starts_at: datetime
    room: str = ""
    instructors: Sequence[User] = field(default_factory=tuple)


@transaction.atomic
def programme_schedule(*, actor: Any, cohort: Cohort, rows: Sequence[DraftSession]) -> list[ScheduledSession]:
    """Save a whole draft at once through :func:`session_schedule`: every row or none.

    Each session lasts its plan's minutes; the same rules hold as for one session (clashes with the
    calendar and with the rows saved before it, the cohort's dates), and each row gets its audit entry.
    A refused row names its number and title.
    """
    if not rows:
        raise ValidationError(_("The draft has no sessions to save."))
    saved: list[ScheduledSession] = []
    for number, row in enumerate(rows, start=1):
        try:
            saved.append(
                session_schedule(
                    actor=actor,
                    cohort=cohort,
                    plan=row.plan,
                    starts_at=row.starts_at,
                    room=row.room,
                    instructors=row.instructors,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(number)d (“%(title)s”): %(problem)s")
                % {"number": number, "title": row.plan.title, "problem": " ".join(error.messages)}
            ) from error
    return saved
