"""Writes for delivery: instructors, cohorts, enrolment with waitlist, the schedule, attendance.

Each function is atomic, validated and audited; emails go out after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lentera.accounts import services as account_services
from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library, Membership, Role, User
from lentera.curriculum.jp import jp_for_minutes
from lentera.curriculum.models import Competency, Programme, SessionPlan
from lentera.delivery import checkin
from lentera.delivery.models import (
    Attendance,
    Cohort,
    Enrolment,
    InstructorProfile,
    ScheduledSession,
    SessionInstructor,
)

INSTRUCTOR_FIELDS = ("kind", "organisation", "years_experience", "bio", "certifications", "photo", "expertise")
COHORT_FIELDS = ("name", "starts_on", "ends_on", "venue", "capacity", "status", "checkin_grace_minutes")


def _ensure_role(*, actor: Any, library: Library, user: User, role: str) -> None:
    if not Membership.objects.filter(library=library, user=user, role=role, is_active=True).exists():
        account_services.membership_grant(actor=actor, library=library, user=user, role=role)


def _same_library(library: Library, field: str, objects: Iterable[Any]) -> list[Any]:
    objects = list(objects)
    if any(obj.library_id != library.pk for obj in objects):
        raise ValidationError({field: _("Choose only items of this library.")})
    return objects


# Instructors ---------------------------------------------------------------------------------


@transaction.atomic
def instructor_register(
    *,
    actor: Any,
    library: Library,
    user: User,
    kind: str = InstructorProfile.Kind.INTERNAL,
    organisation: str = "",
    years_experience: int = 0,
    bio: str = "",
    certifications: str = "",
    photo: Any = None,
    expertise: Iterable[Competency] = (),
) -> InstructorProfile:
    """Put a person in the instructor register (and give them the instructor role)."""
    profile = InstructorProfile(
        library=library,
        user=user,
        kind=kind,
        organisation=organisation,
        years_experience=years_experience,
        bio=bio,
        certifications=certifications,
    )
    if photo:
        profile.photo = photo
    profile.full_clean()
    profile.save()
    profile.expertise.set(_same_library(library, "expertise", expertise))
    _ensure_role(actor=actor, library=library, user=user, role=Role.INSTRUCTOR)
    audit_record(actor=actor, library=library, action="instructor.register", obj=profile)
    return profile


@transaction.atomic
def instructor_update(
    *, actor: Any, profile: InstructorProfile, expertise: Iterable[Competency] | None = None, **fields: Any
) -> InstructorProfile:
    m2m = {} if expertise is None else {"expertise": _same_library(profile.library, "expertise", expertise)}
    update_with_audit(
        actor=actor,
        library=profile.library,
        obj=profile,
        action="instructor.update",
        fields=fields,
        allowed=INSTRUCTOR_FIELDS,
        m2m=m2m,
    )
    return profile


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


def _locked_cohort(cohort: Cohort) -> Cohort:
    """Lock the cohort row so that two enrolments cannot both take the last place."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


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


@transaction.atomic
def session_schedule(
    *,
    actor: Any,
    cohort: Cohort,
    plan: SessionPlan,
    starts_at: datetime,
    ends_at: datetime,
    room: str = "",
    instructors: Iterable[User] = (),
    session: ScheduledSession | None = None,
) -> ScheduledSession:
    """Put a session plan on the calendar (or move it). Refuses instructor and room clashes."""
    instructors = list(instructors)
    library = cohort.library
    if session is not None and session.cohort_id != cohort.pk:
        raise ValidationError(_("This session belongs to another cohort."))
    if plan.module.programme_id != cohort.programme_id:
        raise ValidationError({"plan": _("Choose a session of this cohort's programme.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})
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
    if not checkin.code_is_valid(session.checkin_secret, code, now):
        raise CheckinRefused(_("This code has expired or belongs to another session. Type the code shown now."))
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


# Participant list import ------------------------------------------------------------------------


def _roster_lookups(cohort: Cohort, rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Everything ``check_rows`` needs from the database, read in four queries whatever the size."""
    from lentera.accounts.models import FunctionalLevel

    emails = {values["email"].strip().lower() for _line, values in rows if values["email"].strip()}
    nips = {values["nip"].replace(" ", "") for _line, values in rows if values["nip"].strip()}
    levels = list(FunctionalLevel.objects.values_list("pk", "name"))
    return {
        "levels": {name.lower(): pk for pk, name in levels},
        "level_names": [name for _pk, name in levels],
        "users_by_email": {
            e.lower(): pk
            for pk, e in User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("pk", "email")
        },
        "users_by_nip": dict(User.objects.filter(nip__in=nips).values_list("nip", "pk")),
        "enrolled_user_ids": set(
            cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).values_list("user_id", flat=True)
        ),
    }


@transaction.atomic
def roster_import_preview(*, actor: Any, cohort: Cohort, upload: Any) -> Any:
    """Read and check an uploaded list; store the checked rows for the coordinator to confirm.

    Raises ImportFileError (a ValidationError) when the file as a whole cannot be read.
    """
    from lentera.delivery.models import RosterImport
    from lentera.delivery.roster_import import check_rows, read_rows

    _columns, rows = read_rows(upload)
    checks = check_rows(rows, **_roster_lookups(cohort, rows))
    summary: dict[str, int] = {}
    for check in checks:
        summary[check.outcome] = summary.get(check.outcome, 0) + 1
    return RosterImport.objects.create(
        library=cohort.library,
        cohort=cohort,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=(upload.name or "")[:255],
        rows=[c.as_dict() for c in checks],
        summary=summary,
    )


def _username_for(values: dict[str, str], taken: set[str]) -> str:
    base = (values["email"] or values["nip"] or values["name"].lower().replace(" ", "."))[:140]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.lower())
    return candidate


@transaction.atomic
def roster_import_apply(*, actor: Any, roster_import: Any) -> dict[str, int]:
    """Enrol every row that is still valid, all in one transaction (all of them, or none on failure).

    New people are created without a password (they set one through "Forgot your password?" or an
    invitation); existing people are matched by email or NIP. Over capacity, people join the waitlist.
    """
    from django.contrib.auth.hashers import make_password

    from lentera.delivery.models import RosterImport
    from lentera.delivery.roster_import import check_rows

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != RosterImport.Status.PREVIEW:
        raise ValidationError(_("This list was already imported or cancelled."))
    cohort = _locked_cohort(roster_import.cohort)
    library = cohort.library
    rows = [(r["line"], r["values"]) for r in roster_import.rows]
    checks = [c for c in check_rows(rows, **_roster_lookups(cohort, rows)) if c.outcome in ("new", "existing")]

    new = [c for c in checks if c.outcome == "new"]
    taken = {
        u.lower()
        for u in User.objects.filter(username__in=[(c.values["email"] or c.values["nip"]) for c in new]).values_list(
            "username", flat=True
        )
    }
    unusable = make_password(None)
    people = [
        User(
            username=_username_for(c.values, taken),
            full_name=c.values["name"],
            email=c.values["email"],
            nip=c.values["nip"],
            work_unit=c.values["work_unit"],
            phone=c.values["phone"],
            functional_level_id=c.level_id,
            password=unusable,
        )
        for c in new
    ]
    User.objects.bulk_create(people, batch_size=500)
    created = {
        (u.email or u.nip): u.pk
        for u in User.objects.filter(username__in=[p.username for p in people]).only("pk", "email", "nip")
    }
    # in the order of the rows, so the places go to the first rows, new or existing people alike
    user_ids: list[int] = [
        c.user_id if c.outcome == "existing" and c.user_id else created[c.values["email"] or c.values["nip"]]
        for c in checks
    ]

    Membership.objects.filter(library=library, user_id__in=user_ids, role=Role.PARTICIPANT).update(is_active=True)
    Membership.objects.bulk_create(
        [Membership(library=library, user_id=pk, role=Role.PARTICIPANT) for pk in user_ids],
        ignore_conflicts=True,
        batch_size=500,
    )
    places = max(0, cohort.capacity - cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).count())
    statuses = {
        pk: Enrolment.Status.ENROLLED if index < places else Enrolment.Status.WAITLISTED
        for index, pk in enumerate(user_ids)
    }
    withdrawn = {e.user_id: e for e in cohort.enrolments.filter(user_id__in=user_ids)}
    now = timezone.now()
    for pk, enrolment in withdrawn.items():
        enrolment.status, enrolment.created_at, enrolment.changed_at = statuses[pk], now, now
    Enrolment.objects.bulk_update(list(withdrawn.values()), ["status", "created_at", "changed_at"], batch_size=500)
    Enrolment.objects.bulk_create(
        [
            Enrolment(library=library, cohort=cohort, user_id=pk, status=statuses[pk])
            for pk in user_ids
            if pk not in withdrawn
        ],
        batch_size=500,
    )
    summary = {
        "new_people": len(new),
        "existing_people": len(user_ids) - len(new),
        "enrolled": sum(1 for s in statuses.values() if s == Enrolment.Status.ENROLLED),
        "waitlisted": sum(1 for s in statuses.values() if s == Enrolment.Status.WAITLISTED),
        "skipped": len(roster_import.rows) - len(checks),
    }
    roster_import.status, roster_import.summary = (
        RosterImport.Status.IMPORTED,
        {**roster_import.summary, "applied": summary},
    )
    roster_import.save(update_fields=["status", "summary"])
    audit_record(actor=actor, library=library, action="roster.import", obj=cohort, changes=summary)
    return summary


@transaction.atomic
def roster_import_cancel(*, actor: Any, roster_import: Any) -> None:
    from lentera.delivery.models import RosterImport

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != RosterImport.Status.PREVIEW:
        raise ValidationError(_("This list was already imported or cancelled."))
    roster_import.status = RosterImport.Status.CANCELLED
    roster_import.rows = []
    roster_import.save(update_fields=["status", "rows"])
    audit_record(
        actor=actor,
        library=roster_import.library,
        action="roster.cancel",
        obj=roster_import.cohort,
        changes={"file": [roster_import.file_name, None]},
    )


# Calendar feed --------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user: User) -> Any:
    """A new secret calendar address; the old one stops working at once."""
    from lentera.delivery.models import CalendarFeed

    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Stop the person's calendar address; returns how many were active (0 or 1)."""
    from lentera.delivery.models import CalendarFeed

    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# Discussion groups --------------------------------------------------------------------------------


@transaction.atomic
def groups_form(*, actor: Any, cohort: Cohort, group_count: int, seed: int = 0) -> list[Any]:
    """Replace the cohort's groups with ``group_count`` balanced groups of its enrolled participants."""
    from lentera.delivery.grouping import Person, balanced_groups
    from lentera.delivery.models import DiscussionGroup, GroupMember

    if group_count < 1:
        raise ValidationError({"group_count": _("Form at least one group.")})
    people = [
        Person(key=e.user_id, unit=e.user.work_unit, level=str(e.user.functional_level or ""))
        for e in cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("user__functional_level")
    ]
    if not people:
        raise ValidationError(_("Nobody is enrolled yet; enrol participants before forming groups."))
    if group_count > len(people):
        raise ValidationError({"group_count": _("There are only %(n)s participants.") % {"n": len(people)}})
    DiscussionGroup.objects.filter(cohort=cohort).delete()
    groups = []
    for number, keys in enumerate(balanced_groups(people, group_count, seed=seed), start=1):
        group = DiscussionGroup.objects.create(
            library=cohort.library, cohort=cohort, name=_("Group %(n)s") % {"n": number}
        )
        GroupMember.objects.bulk_create(
            [GroupMember(library=cohort.library, cohort=cohort, group=group, user_id=key) for key in keys]
        )
        groups.append(group)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="groups.form",
        obj=cohort,
        changes={"groups": [None, group_count], "people": [None, len(people)]},
    )
    return groups


@transaction.atomic
def group_move(*, actor: Any, cohort: Cohort, user: User, group: Any | None) -> None:
    """Put a participant in ``group`` (or in no group), by hand."""
    from lentera.delivery.models import GroupMember

    if group is not None and group.cohort_id != cohort.pk:
        raise ValidationError({"group": _("Choose a group of this cohort.")})
    if not cohort.enrolments.filter(user=user, status=Enrolment.Status.ENROLLED).exists():
        raise ValidationError(_("%(name)s is not enrolled in this cohort.") % {"name": user.full_name})
    GroupMember.objects.filter(cohort=cohort, user=user).delete()
    if group is not None:
        GroupMember.objects.create(library=cohort.library, cohort=cohort, group=group, user=user)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="groups.move",
        obj=user,
        changes={"group": [None, str(group) if group else None]},
    )
