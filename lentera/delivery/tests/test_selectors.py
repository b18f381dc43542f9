"""Delivery reads: who sees which cohort and session, progress in JP, the JP ledger, clashes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lentera.accounts.access import LibraryAccess
from lentera.accounts.models import Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery import selectors, services
from lentera.delivery.models import Attendance, Cohort, Enrolment, ScheduledSession
from lentera.delivery.tests.factories import (
    WIB,
    CohortFactory,
    EnrolmentFactory,
    ScheduledSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=WIB)


def when(month: int, day: int, hour: int = 8, *, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=WIB)


def session_at(cohort: Cohort, starts_at: datetime, minutes: int = 90, **kwargs: Any) -> ScheduledSession:
    return ScheduledSessionFactory(
        cohort=cohort, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **kwargs
    )


def attend(session: ScheduledSession, user: Any, status: str) -> Attendance:
    return Attendance.objects.create(library=session.library, session=session, user=user, status=status)


def access_for(user: Any, library: Any, *roles: str) -> LibraryAccess:
    return LibraryAccess(user=user, library=library, roles=frozenset(roles), library_count=1)


# Progress and the JP ledger --------------------------------------------------------------------


class TestParticipantProgress:
    def test_jp_this_year_counts_present_and_late_only(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        attend(session_at(cohort, when(3, 2), minutes=90), participant.user, Attendance.Status.PRESENT)  # 2 JP
        attend(session_at(cohort, when(3, 3), minutes=135), participant.user, Attendance.Status.LATE)  # 3 JP
        attend(session_at(cohort, when(3, 4), minutes=180), participant.user, Attendance.Status.EXCUSED)
        attend(session_at(cohort, when(3, 5), minutes=180), participant.user, Attendance.Status.ABSENT)
        attend(session_at(cohort, when(11, 10, year=2025)), participant.user, Attendance.Status.PRESENT)  # last year
        session_at(cohort, when(3, 6))  # no attendance at all

        progress = selectors.participant_progress(access=participant.access, now=NOW)

        assert progress.jp_this_year == 5
        assert progress.jp_target == participant.library.yearly_jp_target == 20
        assert progress.jp_percent == 25

    def test_the_year_is_the_local_year(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        # 06:00 on 1 January in Jakarta is still 31 December in UTC.
        attend(session_at(cohort, when(1, 1, hour=6)), participant.user, Attendance.Status.PRESENT)
        progress = selectors.participant_progress(access=participant.access, now=NOW)
        assert progress.jp_this_year == 2

    def test_attendance_rate_is_over_past_sessions_of_enrolled_cohorts(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        attend(session_at(cohort, when(3, 2)), participant.user, Attendance.Status.PRESENT)
        attend(session_at(cohort, when(3, 3)), participant.user, Attendance.Status.LATE)
        attend(session_at(cohort, when(3, 4)), participant.user, Attendance.Status.ABSENT)
        session_at(cohort, when(3, 5))  # past, nothing recorded: counts as missed
        session_at(cohort, when(7, 1))  # still to come: not counted
        waiting = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=waiting, user=participant.user, status=Enrolment.Status.WAITLISTED)
        session_at(waiting, when(3, 9))  # a cohort they are only waiting for: not counted
        classmate = EnrolmentFactory(cohort=cohort).user
        attend(session_at(cohort, when(3, 10)), classmate, Attendance.Status.PRESENT)  # someone else's presence

        progress = selectors.participant_progress(access=participant.access, now=NOW)

        assert (progress.attended, progress.past_sessions) == (2, 5)
        assert progress.attendance_rate == 40

    def test_classmates_at_the_same_sessions_do_not_count(
        self, participant: Any, django_assert_num_queries: Any
    ) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        classmates = [EnrolmentFactory(cohort=cohort).user for _ in range(3)]
        attended = session_at(cohort, when(3, 2), minutes=90)  # 2 JP
        missed = session_at(cohort, when(3, 3), minutes=135)
        absent = session_at(cohort, when(3, 4))
        coming = session_at(cohort, when(7, 1))
        attend(attended, participant.user, Attendance.Status.PRESENT)
        attend(absent, participant.user, Attendance.Status.ABSENT)
        for session in (attended, missed, absent, coming):
            for classmate in classmates:
                attend(session, classmate, Attendance.Status.PRESENT)

        with django_assert_num_queries(2):
            progress = selectors.participant_progress(access=participant.access, now=NOW)

        assert (progress.jp_this_year, progress.attended, progress.past_sessions) == (2, 1, 3)
        assert progress.attendance_rate == 33

    def test_without_past_sessions_there_is_no_rate(self, participant: Any) -> None:
        progress = selectors.participant_progress(access=participant.access, now=NOW)
        assert (progress.jp_this_year, progress.past_sessions, progress.attendance_rate) == (0, 0, None)

    def test_another_librarys_attendance_does_not_count(self, participant: Any, library_b: Any) -> None:
        elsewhere = CohortFactory(programme__library=library_b)
        EnrolmentFactory(cohort=elsewhere, user=participant.user)
        attend(session_at(elsewhere, when(3, 2)), participant.user, Attendance.Status.PRESENT)
        progress = selectors.participant_progress(access=participant.access, now=NOW)
        assert (progress.jp_this_year, progress.past_sessions) == (0, 0)


class TestJpLedger:
    def test_one_row_per_participant_with_their_jp(
        self, coordinator: Any, participant: Any, instructor: Any, library_b: Any, django_assert_num_queries: Any
    ) -> None:
        library = coordinator.library
        cohort = CohortFactory(programme__library=library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        enrolled_only = EnrolmentFactory(cohort=cohort, user=UserFactory(full_name="Ani Enrolled")).user
        member_only = MembershipFactory(
            library=library, role=Role.PARTICIPANT, user=UserFactory(full_name="Budi Member")
        ).user
        attend(session_at(cohort, when(3, 2), minutes=90), participant.user, Attendance.Status.PRESENT)  # 2 JP
        attend(session_at(cohort, when(3, 3), minutes=135), participant.user, Attendance.Status.LATE)  # 3 JP
        attend(session_at(cohort, when(3, 4), minutes=180), participant.user, Attendance.Status.ABSENT)
        attend(session_at(cohort, when(3, 5), minutes=180), enrolled_only, Attendance.Status.EXCUSED)
        attend(session_at(cohort, when(11, 3, year=2025)), participant.user, Attendance.Status.PRESENT)  # last year
        # Library B: a participant of its own, and our participant attending there too.
        elsewhere = CohortFactory(programme__library=library_b)
        outsider = EnrolmentFactory(cohort=elsewhere).user
        EnrolmentFactory(cohort=elsewhere, user=participant.user)
        away = session_at(elsewhere, when(3, 2), minutes=240)
        attend(away, participant.user, Attendance.Status.PRESENT)
        attend(away, outsider, Attendance.Status.PRESENT)

        with django_assert_num_queries(1):
            rows = {
                user.pk: (user.jp, user.sessions) for user in selectors.jp_ledger(access=coordinator.access, year=2026)
            }

        assert rows == {participant.user.pk: (5, 2), enrolled_only.pk: (0, 0), member_only.pk: (0, 0)}
        assert instructor.user.pk not in rows and outsider.pk not in rows

    def test_rows_are_in_name_order(self, coordinator: Any) -> None:
        cohort = CohortFactory(programme__library=coordinator.library)
        for name in ("Citra", "Agus", "Bayu"):
            EnrolmentFactory(cohort=cohort, user=UserFactory(full_name=name))
        names = [user.full_name for user in selectors.jp_ledger(access=coordinator.access, year=2026)]
        assert names == ["Agus", "Bayu", "Citra"]

    @pytest.mark.parametrize("persona", ["participant", "instructor", "partner"])
    def test_only_coordinators_see_the_ledger(self, request: Any, persona: str) -> None:
        with pytest.raises(PermissionDenied):
            selectors.jp_ledger(access=request.getfixturevalue(persona).access, year=2026)


# Who sees which cohort and session ---------------------------------------------------------------


@pytest.fixture
def cohorts(library_a: Any, library_b: Any, participant: Any, instructor: Any) -> dict[str, Cohort]:
    """Library A: the participant is enrolled in one cohort, waiting for one, withdrawn from one;
    the instructor teaches in a fourth. Library B has a cohort the participant is enrolled in."""
    made = {name: CohortFactory(programme__library=library_a, name=name) for name in ("in", "wait", "gone", "taught")}
    made["b"] = CohortFactory(programme__library=library_b, name="b")
    EnrolmentFactory(cohort=made["in"], user=participant.user)
    EnrolmentFactory(cohort=made["wait"], user=participant.user, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=made["gone"], user=participant.user, status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(cohort=made["b"], user=participant.user)
    ScheduledSessionFactory(cohort=made["taught"], instructors=[instructor.user])
    ScheduledSessionFactory(cohort=made["taught"], instructors=[instructor.user])
    ScheduledSessionFactory(cohort=made["b"], instructors=[instructor.user])
    return made


def names(queryset: Any) -> set[str]:
    return {cohort.name for cohort in queryset}


class TestCohortsForUser:
    def test_coordinator_sees_every_cohort_of_the_library(self, coordinator: Any, cohorts: dict[str, Cohort]) -> None:
        assert names(selectors.cohorts_for_user(access=coordinator.access)) == {"in", "wait", "gone", "taught"}

    def test_coordinator_b_sees_only_library_b(self, coordinator_b: Any, cohorts: dict[str, Cohort]) -> None:
        assert names(selectors.cohorts_for_user(access=coordinator_b.access)) == {"b"}

    def test_participant_sees_only_cohorts_they_are_enrolled_in(
        self, participant: Any, cohorts: dict[str, Cohort]
    ) -> None:
        assert names(selectors.cohorts_for_user(access=participant.access)) == {"in"}

    def test_instructor_sees_the_cohorts_they_teach(self, instructor: Any, cohorts: dict[str, Cohort]) -> None:
        visible = list(selectors.cohorts_for_user(access=instructor.access))
        assert names(visible) == {"taught"}
        assert visible[0].session_count == 2

    def test_a_partner_sees_no_cohorts(self, partner: Any, cohorts: dict[str, Cohort]) -> None:
        assert names(selectors.cohorts_for_user(access=partner.access)) == set()

    def test_counts_of_enrolled_and_waiting(self, coordinator: Any, cohorts: dict[str, Cohort]) -> None:
        EnrolmentFactory(cohort=cohorts["in"])
        EnrolmentFactory(cohort=cohorts["in"], status=Enrolment.Status.WAITLISTED)
        counts = {c.name: (c.enrolled, c.waiting) for c in selectors.cohorts_for_user(access=coordinator.access)}
        assert counts == {"in": (2, 1), "wait": (0, 1), "gone": (0, 0), "taught": (0, 0)}

    def test_someone_without_a_role_is_refused(self, library_a: Any) -> None:
        with pytest.raises(PermissionDenied):
            selectors.cohorts_for_user(access=access_for(UserFactory(), library_a))


class TestSessionGetForUser:
    def test_coordinator_gets_any_session_of_the_library(self, coordinator: Any, cohorts: dict[str, Cohort]) -> None:
        session = ScheduledSessionFactory(cohort=cohorts["in"])
        assert selectors.session_get_for_user(access=coordinator.access, pk=session.pk, teach=True) == session

    def test_an_enrolled_participant_may_see_but_not_teach(self, participant: Any, cohorts: dict[str, Cohort]) -> None:
        session = ScheduledSessionFactory(cohort=cohorts["in"])
        assert selectors.session_get_for_user(access=participant.access, pk=session.pk) == session
        with pytest.raises(PermissionDenied):
            selectors.session_get_for_user(access=participant.access, pk=session.pk, teach=True)

    @pytest.mark.parametrize("cohort", ["wait", "gone", "taught"])
    def test_a_participant_of_another_cohort_is_refused(
        self, participant: Any, cohorts: dict[str, Cohort], cohort: str
    ) -> None:
        session = ScheduledSessionFactory(cohort=cohorts[cohort])
        with pytest.raises(PermissionDenied):
            selectors.session_get_for_user(access=participant.access, pk=session.pk)

    def test_the_instructor_teaching_it_may_teach(self, instructor: Any, cohorts: dict[str, Cohort]) -> None:
        session = cohorts["taught"].sessions.first()
        assert session is not None
        assert selectors.session_get_for_user(access=instructor.access, pk=session.pk, teach=True) == session

    def test_an_instructor_not_teaching_it_is_refused(self, instructor: Any, cohorts: dict[str, Cohort]) -> None:
        session = ScheduledSessionFactory(cohort=cohorts["taught"])
        for teach in (False, True):
            with pytest.raises(PermissionDenied):
                selectors.session_get_for_user(access=instructor.access, pk=session.pk, teach=teach)

    def test_a_session_of_another_library_is_not_found(self, coordinator_b: Any, cohorts: dict[str, Cohort]) -> None:
        session = ScheduledSessionFactory(cohort=cohorts["in"])
        with pytest.raises(Http404):
            selectors.session_get_for_user(access=coordinator_b.access, pk=session.pk)

    def test_the_instructor_teaching_in_library_b_is_not_found_from_library_a(
        self, instructor: Any, cohorts: dict[str, Cohort]
    ) -> None:
        session = cohorts["b"].sessions.get()
        with pytest.raises(Http404):
            selectors.session_get_for_user(access=instructor.access, pk=session.pk, teach=True)


class TestUpcomingSessions:
    def test_the_participants_next_sessions_in_order_without_ended_ones(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        tomorrow = session_at(cohort, NOW + timedelta(days=1))
        in_two_hours = session_at(cohort, NOW + timedelta(hours=2))
        running = session_at(cohort, NOW - timedelta(minutes=30))
        session_at(cohort, NOW - timedelta(hours=3))  # ended
        session_at(CohortFactory(programme__library=participant.library), NOW + timedelta(hours=1))  # not theirs

        upcoming = selectors.upcoming_sessions(access=participant.access, now=NOW)

        assert upcoming == [running, in_two_hours, tomorrow]

    def test_the_limit_keeps_the_soonest(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        soonest = [session_at(cohort, NOW + timedelta(days=d)) for d in (3, 1, 2)]
        assert selectors.upcoming_sessions(access=participant.access, now=NOW, limit=2) == [soonest[1], soonest[2]]

    def test_the_instructor_sees_the_sessions_they_teach(self, instructor: Any) -> None:
        cohort = CohortFactory(programme__library=instructor.library)
        mine = session_at(cohort, NOW + timedelta(days=1), instructors=[instructor.user])
        session_at(cohort, NOW + timedelta(hours=1))  # someone else teaches it
        assert selectors.upcoming_sessions(access=instructor.access, now=NOW) == [mine]

    def test_a_waiting_participant_has_no_upcoming_sessions(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        EnrolmentFactory(cohort=cohort, user=participant.user, status=Enrolment.Status.WAITLISTED)
        session_at(cohort, NOW + timedelta(days=1))
        assert selectors.upcoming_sessions(access=participant.access, now=NOW) == []


class TestFindClashes:
    def test_no_clash_gives_an_empty_list(self, library_a: Any, library_b: Any, instructor: Any) -> None:
        cohort = CohortFactory(programme__library=library_a)
        session_at(cohort, when(3, 2, hour=8), minutes=120, room="Aula", instructors=[instructor.user])
        session_at(
            CohortFactory(programme__library=library_b),
            when(3, 2, hour=10),
            room="Aula",
            instructors=[instructor.user],
        )
        clashes = services.find_clashes(
            library=library_a,
            starts_at=when(3, 2, hour=10),
            ends_at=when(3, 2, hour=12),
            room="Aula",
            instructors=[instructor.user],
        )
        assert clashes == []

    def test_an_overlap_gives_one_message_per_clash(self, library_a: Any, instructor: Any) -> None:
        cohort = CohortFactory(programme__library=library_a)
        session_at(cohort, when(3, 2, hour=8), minutes=120, room="Aula", instructors=[instructor.user])
        clashes = services.find_clashes(
            library=library_a,
            starts_at=when(3, 2, hour=9),
            ends_at=when(3, 2, hour=11),
            room="aula",
            instructors=[instructor.user],
        )
        assert len(clashes) == 2
