"""Reads for delivery, with the access rule for each object type.

Coordinators see every cohort of their library. Instructors see the cohorts and sessions they
teach; participants the ones they are enrolled in. Another library's objects are 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from lentera.accounts.models import Library, Role, User
from lentera.curriculum.models import Material, SessionPlan
from lentera.delivery import scheduler
from lentera.delivery.models import (
    Attendance,
    CheckinFailure,
    Cohort,
    Enrolment,
    InstructorProfile,
    ScheduledSession,
    SessionInstructor,
)
from lentera.lib.tenancy import scoped

if TYPE_CHECKING:
    from lentera.accounts.access import LibraryAccess


# The columns of a roster row (the cohort too: its manager sets it on every row), and of a person
# named in a list (instructors of a session, members of a group). ``username`` stands in for a
# missing name in ``str(user)``.
ROSTER_FIELDS = ("cohort", "status", "user", "user__full_name", "user__username", "user__nip", "user__work_unit")
NAME_FIELDS = ("full_name", "username")


def _teachers() -> Prefetch[Any]:
    """A session's instructors by name as a list in ``teachers``: a template reads it as it is."""
    return Prefetch("instructors", queryset=User.objects.only(*NAME_FIELDS).order_by("full_name"), to_attr="teachers")


def _cohorts_visible(access: LibraryAccess) -> QuerySet[Cohort]:
    cohorts = scoped(Cohort, access.library)
    if access.is_coordinator:
        return cohorts
    mine = Q()
    if access.is_instructor:
        mine |= Q(sessions__instructor_links__user=access.user)
    if access.is_participant:
        mine |= Q(enrolments__user=access.user, enrolments__status=Enrolment.Status.ENROLLED)
    if not mine:
        return cohorts.none()
    return cohorts.filter(pk__in=cohorts.filter(mine).values("pk"))


def cohorts_for_user(*, access: LibraryAccess) -> QuerySet[Cohort]:
    if not access.roles:
        raise PermissionDenied
    return (
        _cohorts_visible(access)
        .select_related("programme")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED), distinct=True),
            waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED), distinct=True),
            session_count=Count("sessions", distinct=True),
        )
    )


def cohort_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Cohort:
    if for_write and not access.is_coordinator:
        raise PermissionDenied
    cohort = _cohorts_visible(access).select_related("programme").filter(pk=pk).first()
    if cohort is None:
        raise Http404
    return cohort


def cohort_roster(*, cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolled and waiting people, with only the columns the roster shows."""
    return list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("user")
        .only(*ROSTER_FIELDS)
        .order_by("status", "created_at", "id")
    )


def cohort_sessions(*, cohort: Cohort) -> QuerySet[ScheduledSession]:
    """The cohort's sessions with their plan and, as ``teachers``, their instructors by name."""
    return cohort.sessions.select_related("plan").prefetch_related(_teachers())


def session_get_for_user(*, access: LibraryAccess, pk: int, teach: bool = False) -> ScheduledSession:
    """A scheduled session; ``teach`` (attendance, projector) is for its instructors and coordinators."""
    session = scoped(ScheduledSession, access.library).select_related("cohort", "plan__module").filter(pk=pk).first()
    if session is None:
        raise Http404
    teaches = session.instructor_links.filter(user=access.user).exists() if access.is_instructor else False
    if access.is_coordinator or teaches:
        return session
    if teach:
        raise PermissionDenied
    if (
        access.is_participant
        and session.cohort.enrolments.filter(user=access.user, status=Enrolment.Status.ENROLLED).exists()
    ):
        return session
    raise PermissionDenied


def session_instructors(*, session: ScheduledSession) -> list[User]:
    """Who teaches the session, by name (one query): enough to list them and to know who teaches."""
    return list(session.instructors.only(*NAME_FIELDS).order_by("full_name"))


def session_attendance_rows(*, session: ScheduledSession) -> list[tuple[Enrolment, Attendance | None]]:
    """Every enrolled participant of the session's cohort with their attendance (two queries)."""
    enrolled = list(
        session.cohort.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("user")
        .only(*ROSTER_FIELDS)
        .order_by("user__full_name")
    )
    marks = {a.user_id: a for a in session.attendance.all()}
    return [(enrolment, marks.get(enrolment.user_id)) for enrolment in enrolled]


def checkin_blocked_user_ids(*, session: ScheduledSession) -> set[int]:
    """People who typed too many wrong check-in codes for the session and are not marked present
    or late yet: the instructor marks them by hand (one query)."""
    from lentera.delivery.checkin import MAX_WRONG_CODES

    counted = Attendance.objects.filter(session=session, status__in=Attendance.COUNTS_FOR_JP).values("user_id")
    return set(
        CheckinFailure.objects.filter(session=session, wrong__gte=MAX_WRONG_CODES)
        .exclude(user_id__in=counted)
        .values_list("user_id", flat=True)
    )


def checkin_tally(*, session: ScheduledSession) -> dict[str, int]:
    """How many of the cohort's enrolled people are checked in (present or late), in one query:
    the projector asks every few seconds."""
    checked_in = Attendance.objects.filter(session=session, status__in=Attendance.COUNTS_FOR_JP).values("user_id")
    return Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.ENROLLED).aggregate(
        enrolled=Count("pk"), present=Count("pk", filter=Q(user_id__in=checked_in))
    )


def instructors_for_user(*, access: LibraryAccess) -> QuerySet[InstructorProfile]:
    if not access.is_coordinator:
        raise PermissionDenied
    return scoped(InstructorProfile, access.library).select_related("user").prefetch_related("expertise")


def instructor_get_for_user(*, access: LibraryAccess, pk: int) -> InstructorProfile:
    if not access.is_coordinator:
        raise PermissionDenied
    profile = scoped(InstructorProfile, access.library).select_related("user").filter(pk=pk).first()
    if profile is None:
        raise Http404
    return profile


def upcoming_sessions(*, access: LibraryAccess, now: datetime | None = None, limit: int = 5) -> list[ScheduledSession]:
    """The person's next sessions (as instructor or participant), the running one first."""
    now = now or timezone.now()
    mine = Q()
    if access.is_instructor:
        mine |= Q(instructor_links__user=access.user)
    if access.is_participant:
        mine |= Q(cohort__enrolments__user=access.user, cohort__enrolments__status=Enrolment.Status.ENROLLED)
    if not mine:
        return []
    sessions = scoped(ScheduledSession, access.library)
    ids = sessions.filter(mine, ends_at__gte=now).values("pk")
    return list(
        sessions.filter(pk__in=ids)
        .select_related("plan", "cohort")
        .prefetch_related(
            _teachers(),
            # Only counted on the pages (``plan.material_list``): the rows without their text.
            Prefetch("plan__materials", queryset=Material.objects.only("session_plan"), to_attr="material_list"),
        )
        .order_by("starts_at")[:limit]
    )


@dataclass(frozen=True)
class ParticipantProgress:
    jp_this_year: int
    jp_target: int
    attended: int
    past_sessions: int

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attended / self.past_sessions) if self.past_sessions else None

    @property
    def jp_percent(self) -> int:
        return min(100, round(100 * self.jp_this_year / self.jp_target)) if self.jp_target else 100


def participant_progress(*, access: LibraryAccess, now: datetime | None = None) -> ParticipantProgress:
    """JP this year and the attendance rate over the participant's past sessions (two queries).

    Both figures come from the participant's own attendance rows (the ``(user, status)`` index),
    never from a join with everyone's attendance at their sessions.
    """
    now = now or timezone.now()
    year = timezone.localtime(now).year
    library = access.current_library
    cohorts = Enrolment.objects.filter(user=access.user, status=Enrolment.Status.ENROLLED).values("cohort_id")
    figures = (
        scoped(Attendance, library)
        .filter(user=access.user, status__in=Attendance.COUNTS_FOR_JP)
        .aggregate(
            jp=Sum("session__jp", filter=Q(session__starts_at__year=year), default=0),
            attended=Count(
                "pk",
                filter=Q(session__library=library, session__ends_at__lt=now, session__cohort_id__in=cohorts),
            ),
        )
    )
    past = scoped(ScheduledSession, library).filter(ends_at__lt=now, cohort_id__in=cohorts).count()
    return ParticipantProgress(
        jp_this_year=figures["jp"],
        jp_target=library.yearly_jp_target,
        attended=figures["attended"],
        past_sessions=past,
    )


def jp_ledger(*, access: LibraryAccess, year: int) -> QuerySet[User]:
    """Every participant of the library with their JP in ``year`` (one query; coordinator only)."""
    if not access.is_coordinator:
        raise PermissionDenied
    library = access.current_library
    counted = Q(
        attendance__library=library,
        attendance__status__in=Attendance.COUNTS_FOR_JP,
        attendance__session__starts_at__year=year,
    )
    participants = scoped(Enrolment, library).values("user_id")
    members = User.objects.filter(
        Q(pk__in=participants)
        | Q(memberships__library=library, memberships__role=Role.PARTICIPANT, memberships__is_active=True)
    ).distinct()
    return (
        User.objects.filter(pk__in=members.values("pk"))
        .select_related("functional_level")
        .annotate(
            jp=Sum("attendance__session__jp", filter=counted, default=0), sessions=Count("attendance", filter=counted)
        )
        .order_by("full_name")
    )


def open_checkins_for(*, access: LibraryAccess, now: datetime | None = None) -> list[ScheduledSession]:
    """The participant's sessions whose check-in is open now."""
    from lentera.delivery.checkin import OPENS_BEFORE

    now = now or timezone.now()
    return list(
        scoped(ScheduledSession, access.library)
        .filter(
            starts_at__lte=now + OPENS_BEFORE,
            ends_at__gte=now,
            cohort__enrolments__user=access.user,
            cohort__enrolments__status=Enrolment.Status.ENROLLED,
        )
        .select_related("plan")
        .distinct()
    )


def my_attendance(*, access: LibraryAccess, sessions: list[ScheduledSession]) -> dict[int, Any]:
    return {
        a.session_id: a
        for a in scoped(Attendance, access.library).filter(user=access.user, session__in=[s.pk for s in sessions])
    }


def roster_import_get_for_user(*, access: LibraryAccess, pk: int) -> Any:
    from lentera.delivery.models import RosterImport

    if not access.is_coordinator:
        raise PermissionDenied
    roster_import = scoped(RosterImport, access.library).select_related("cohort").filter(pk=pk).first()
    if roster_import is None:
        raise Http404
    return roster_import


def calendar_sessions(*, access: LibraryAccess, start: datetime, end: datetime) -> list[ScheduledSession]:
    """Sessions between ``start`` and ``end`` that the person sees: all for a coordinator, else their own."""
    sessions = scoped(ScheduledSession, access.library).filter(starts_at__lt=end, ends_at__gt=start)
    if not access.is_coordinator:
        mine = Q(pk__in=[])
        if access.is_instructor:
            mine |= Q(instructor_links__user=access.user)
        if access.is_participant:
            mine |= Q(cohort__enrolments__user=access.user, cohort__enrolments__status=Enrolment.Status.ENROLLED)
        sessions = sessions.filter(pk__in=scoped(ScheduledSession, access.library).filter(mine).values("pk"))
    return list(sessions.select_related("plan", "cohort").order_by("starts_at"))


def feed_sessions(*, user: User, now: datetime | None = None) -> list[ScheduledSession]:
    """Everything on a person's calendar feed, in every library: taught, attended, or coordinated."""
    from datetime import timedelta

    now = now or timezone.now()
    coordinated = user.memberships.filter(role=Role.COORDINATOR, is_active=True).values("library_id")
    taught_or_attended = Q(instructor_links__user=user) | Q(
        cohort__enrolments__user=user, cohort__enrolments__status=Enrolment.Status.ENROLLED
    )
    active_libraries = user.memberships.filter(is_active=True).values("library_id")
    ids = ScheduledSession.objects.filter(
        Q(library_id__in=coordinated) | (taught_or_attended & Q(library_id__in=active_libraries)),
        starts_at__gte=now - timedelta(days=90),
        starts_at__lte=now + timedelta(days=366),
    ).values("pk")
    return list(
        ScheduledSession.objects.filter(pk__in=ids).select_related("plan", "cohort", "library").order_by("starts_at")
    )


def active_feed(*, user: User) -> Any:
    from lentera.delivery.models import CalendarFeed

    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def cohort_groups(*, cohort: Cohort) -> list[Any]:
    """The cohort's groups with their members (two queries)."""
    from lentera.delivery.models import DiscussionGroup

    return list(
        DiscussionGroup.objects.filter(cohort=cohort).prefetch_related(
            Prefetch("members", queryset=User.objects.select_related("functional_level").order_by("full_name"))
        )
    )


def my_groups(*, access: LibraryAccess) -> list[Any]:
    """The participant's groups in their current cohorts, with the other members."""
    from lentera.delivery.models import DiscussionGroup

    return list(
        scoped(DiscussionGroup, access.library)
        .filter(memberships__user=access.user, cohort__status__in=[Cohort.Status.PLANNED, Cohort.Status.RUNNING])
        .select_related("cohort")
        .prefetch_related(Prefetch("members", queryset=User.objects.only(*NAME_FIELDS).order_by("full_name")))
    )


# Whole-programme scheduling -------------------------------------------------------------------


def plans_to_schedule(*, cohort: Cohort) -> list[SessionPlan]:
    """The programme's session plans not yet on the cohort's calendar, in module order, then plan order."""
    return list(
        SessionPlan.objects.filter(module__programme_id=cohort.programme_id)
        .exclude(pk__in=cohort.sessions.values("plan_id"))
        .select_related("module")
        .order_by("module__order", "module__title", "order", "title")
    )


def registered_instructors(*, library: Library) -> list[User]:
    """The people in the library's instructor register, by name (only what a choice list shows)."""
    return list(
        User.objects.filter(instructor_profiles__library=library).only(*NAME_FIELDS).order_by("full_name", "pk")
    )


def busy_sessions(*, library: Library, start: datetime, end: datetime) -> list[scheduler.Busy]:
    """Every session of the library between ``start`` and ``end`` (any cohort), as the scheduler sees it."""
    links = Prefetch("instructor_links", queryset=SessionInstructor.objects.only("session_id", "user_id"))
    sessions = (
        scoped(ScheduledSession, library)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("plan", "cohort")
        .only("starts_at", "ends_at", "room", "plan__title", "cohort__name")
        .prefetch_related(links)
        .order_by("starts_at")
    )
    tz = timezone.get_current_timezone()
    return [
        scheduler.Busy(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            room=session.room,
            instructors=frozenset(link.user_id for link in session.instructor_links.all()),
            label=f"“{session.plan.title}” ({session.cohort.name}), "
            + scheduler.when((session.starts_at, session.ends_at), tz),
        )
        for session in sessions
    ]


def participant_jp_history(*, access: LibraryAccess, now: datetime | None = None) -> list[Any]:
    """The person's own sessions in the current library, year by year with JP against the target.

    A session is listed when it has the person's attendance row, or when it has started and the
    person is enrolled in its cohort (then "not recorded"). Two queries, whatever the years.
    """
    from django.utils.translation import gettext as _

    from lentera.delivery.jp_history import HistoryLine, by_year

    if not access.is_participant:
        raise PermissionDenied
    now = now or timezone.now()
    library = access.current_library
    own = scoped(Attendance, library).filter(user=access.user)
    marks = {a.session_id: a for a in own.only("session", "status")}
    cohorts = Enrolment.objects.filter(user=access.user, status=Enrolment.Status.ENROLLED).values("cohort_id")
    sessions = (
        scoped(ScheduledSession, library)
        .filter(Q(pk__in=own.values("session_id")) | Q(cohort_id__in=cohorts, starts_at__lte=now))
        .select_related("plan", "cohort__programme")
        .only("starts_at", "ends_at", "jp", "plan__title", "cohort__name", "cohort__programme__title")
    )
    not_recorded = _("Not recorded")
    lines = []
    for session in sessions:
        mark = marks.get(session.pk)
        line = HistoryLine(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            session=session.plan.title,
            cohort=session.cohort.name,
            programme=session.cohort.programme.title,
            jp=session.jp,
            status=mark.status if mark else "",
            status_label=mark.get_status_display() if mark else not_recorded,
            counts=mark is not None and mark.status in Attendance.COUNTS_FOR_JP,
        )
        lines.append((timezone.localtime(session.starts_at).year, line))
    return by_year(lines, target=library.yearly_jp_target)
