"""Delivery writes: the instructor register, cohorts, enrolment with waitlist, the schedule, attendance."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lentera.accounts.models import AuditEntry, Membership, Role
from lentera.accounts.tests.factories import UserFactory
from lentera.curriculum.tests.factories import CompetencyFactory, ProgrammeFactory, SessionPlanFactory
from lentera.delivery import services
from lentera.delivery.checkin import code_for, current_code, step_at
from lentera.delivery.models import (
    Attendance,
    Cohort,
    Enrolment,
    InstructorProfile,
    ScheduledSession,
    SessionInstructor,
)
from lentera.delivery.tests.factories import (
    WIB,
    CohortFactory,
    EnrolmentFactory,
    InstructorProfileFactory,
    ScheduledSessionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "0123456789abcdef0123456789abcdef"


def at(hour: int, minute: int = 0, *, day: int = 2) -> datetime:
    """A time on a day of March 2026, in Jakarta."""
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


# Instructor register ----------------------------------------------------------------------------


class TestInstructorRegister:
    def test_register_adds_the_profile_the_role_and_an_audit_row(self, coordinator: Any) -> None:
        person = UserFactory()
        unit = CompetencyFactory(library=coordinator.library)
        profile = services.instructor_register(
            actor=coordinator.user,
            library=coordinator.library,
            user=person,
            kind=InstructorProfile.Kind.EXTERNAL,
            organisation="Universitas Airlangga",
            years_experience=7,
            expertise=[unit],
        )
        profile.refresh_from_db()
        assert (profile.library, profile.user, profile.kind) == (
            coordinator.library,
            person,
            InstructorProfile.Kind.EXTERNAL,
        )
        assert (profile.organisation, profile.years_experience) == ("Universitas Airlangga", 7)
        assert list(profile.expertise.all()) == [unit]
        assert Membership.objects.filter(
            user=person, library=coordinator.library, role=Role.INSTRUCTOR, is_active=True
        ).exists()
        [entry] = audit("instructor.register")
        assert (entry.actor, entry.library, entry.object_id) == (coordinator.user, coordinator.library, str(profile.pk))

    def test_a_person_who_already_has_the_instructor_role_keeps_one_membership(
        self, coordinator: Any, instructor: Any
    ) -> None:
        services.instructor_register(actor=coordinator.user, library=coordinator.library, user=instructor.user)
        assert Membership.objects.filter(user=instructor.user, role=Role.INSTRUCTOR).count() == 1
        assert audit("membership.grant") == []

    def test_registering_the_same_person_twice_is_refused(self, coordinator: Any) -> None:
        person = UserFactory()
        services.instructor_register(actor=coordinator.user, library=coordinator.library, user=person)
        with pytest.raises(ValidationError):
            services.instructor_register(actor=coordinator.user, library=coordinator.library, user=person)
        assert InstructorProfile.objects.filter(user=person).count() == 1
        assert len(audit("instructor.register")) == 1

    def test_the_same_person_may_teach_for_two_libraries(self, coordinator: Any, coordinator_b: Any) -> None:
        person = UserFactory()
        services.instructor_register(actor=coordinator.user, library=coordinator.library, user=person)
        services.instructor_register(actor=coordinator_b.user, library=coordinator_b.library, user=person)
        assert InstructorProfile.objects.filter(user=person).count() == 2

    def test_expertise_of_another_library_is_refused(self, coordinator: Any, library_b: Any) -> None:
        person = UserFactory()
        with pytest.raises(ValidationError) as error:
            services.instructor_register(
                actor=coordinator.user,
                library=coordinator.library,
                user=person,
                expertise=[CompetencyFactory(library=library_b)],
            )
        assert "expertise" in error.value.message_dict
        assert not InstructorProfile.objects.exists()
        assert not Membership.objects.filter(user=person).exists()
        assert audit("instructor.register") == []


class TestInstructorUpdate:
    def test_update_is_audited_with_what_changed(self, coordinator: Any) -> None:
        profile = InstructorProfileFactory(library=coordinator.library, years_experience=0)
        unit = CompetencyFactory(library=coordinator.library, title="Katalogisasi")
        services.instructor_update(actor=coordinator.user, profile=profile, years_experience=5, expertise=[unit])
        profile.refresh_from_db()
        assert profile.years_experience == 5
        assert list(profile.expertise.all()) == [unit]
        [entry] = audit("instructor.update")
        assert entry.actor == coordinator.user
        assert entry.changes["years_experience"] == [0, 5]
        assert entry.changes["expertise"] == [[], ["Katalogisasi"]]

    def test_an_update_that_changes_nothing_writes_no_audit_row(self, coordinator: Any) -> None:
        profile = InstructorProfileFactory(library=coordinator.library, years_experience=3)
        services.instructor_update(actor=coordinator.user, profile=profile, years_experience=3)
        assert audit("instructor.update") == []

    def test_expertise_of_another_library_is_refused(self, coordinator: Any, library_b: Any) -> None:
        profile = InstructorProfileFactory(library=coordinator.library)
        with pytest.raises(ValidationError):
            services.instructor_update(
                actor=coordinator.user, profile=profile, expertise=[CompetencyFactory(library=library_b)]
            )
        assert not profile.expertise.exists()
        assert audit("instructor.update") == []


# Cohorts --------------------------------------------------------------------------------------


def constraint_message(name: str) -> str:
    [constraint] = [c for c in Cohort._meta.constraints if c.name == name]
    return str(constraint.violation_error_message)


class TestCohort:
    def test_create(self, coordinator: Any) -> None:
        programme = ProgrammeFactory(library=coordinator.library)
        cohort = services.cohort_create(
            actor=coordinator.user,
            programme=programme,
            name="  Angkatan I  ",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 6),
            capacity=25,
        )
        cohort.refresh_from_db()
        assert (cohort.library, cohort.programme, cohort.name, cohort.capacity) == (
            coordinator.library,
            programme,
            "Angkatan I",
            25,
        )
        assert cohort.status == Cohort.Status.PLANNED
        [entry] = audit("cohort.create")
        assert (entry.actor, entry.object_id) == (coordinator.user, str(cohort.pk))

    def test_a_one_day_cohort_is_fine(self) -> None:
        cohort = services.cohort_create(
            actor=None,
            programme=ProgrammeFactory(),
            name="Sehari",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 2),
        )
        assert cohort.pk

    def test_last_day_before_first_day_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.cohort_create(
                actor=None, programme=ProgrammeFactory(), name="X", starts_on=date(2026, 3, 6), ends_on=date(2026, 3, 5)
            )
        assert error.value.messages == [constraint_message("delivery_cohort_dates_in_order")]
        assert not Cohort.objects.exists()

    def test_capacity_zero_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.cohort_create(
                actor=None,
                programme=ProgrammeFactory(),
                name="X",
                starts_on=date(2026, 3, 2),
                ends_on=date(2026, 3, 6),
                capacity=0,
            )
        assert error.value.messages == [constraint_message("delivery_cohort_capacity_positive")]
        assert not Cohort.objects.exists()

    def test_duplicate_name_in_a_programme_is_refused(self) -> None:
        programme = ProgrammeFactory()
        CohortFactory(programme=programme, name="Angkatan I")
        with pytest.raises(ValidationError):
            services.cohort_create(
                actor=None,
                programme=programme,
                name="Angkatan I ",
                starts_on=date(2026, 4, 1),
                ends_on=date(2026, 4, 3),
            )
        assert Cohort.objects.count() == 1

    def test_the_same_name_in_another_programme_is_fine(self) -> None:
        CohortFactory(name="Angkatan I")
        other = services.cohort_create(
            actor=None,
            programme=ProgrammeFactory(),
            name="Angkatan I",
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 4, 3),
        )
        assert other.pk

    def test_update_is_audited(self, coordinator: Any) -> None:
        cohort = CohortFactory(programme__library=coordinator.library, capacity=30)
        services.cohort_update(actor=coordinator.user, cohort=cohort, capacity=25, venue="Aula")
        cohort.refresh_from_db()
        assert (cohort.capacity, cohort.venue) == (25, "Aula")
        [entry] = audit("cohort.update")
        assert entry.actor == coordinator.user
        assert entry.changes["capacity"] == [30, 25]
        assert entry.changes["venue"] == ["", "Aula"]

    def test_update_keeps_the_date_rule(self) -> None:
        cohort = CohortFactory(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
        with pytest.raises(ValidationError):
            services.cohort_update(actor=None, cohort=cohort, ends_on=date(2026, 3, 1))
        cohort.refresh_from_db()
        assert cohort.ends_on == date(2026, 3, 6)
        assert audit("cohort.update") == []


# Enrolment and waitlist -------------------------------------------------------------------------


def set_created(enrolment: Enrolment, moment: datetime) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=moment)


class TestEnrol:
    def test_under_capacity_the_person_is_enrolled(self, coordinator: Any) -> None:
        cohort = CohortFactory(programme__library=coordinator.library, capacity=2)
        person = UserFactory()
        enrolment = services.enrol(actor=coordinator.user, cohort=cohort, user=person)
        assert (enrolment.status, enrolment.library, enrolment.user) == (
            Enrolment.Status.ENROLLED,
            coordinator.library,
            person,
        )
        [entry] = audit("enrolment.create")
        assert entry.changes == {"status": [None, Enrolment.Status.ENROLLED]}

    def test_over_capacity_the_person_joins_the_waitlist(self) -> None:
        cohort = CohortFactory(capacity=2)
        first, second, third = (services.enrol(actor=None, cohort=cohort, user=UserFactory()) for _ in range(3))
        assert [first.status, second.status, third.status] == [
            Enrolment.Status.ENROLLED,
            Enrolment.Status.ENROLLED,
            Enrolment.Status.WAITLISTED,
        ]

    def test_waiting_and_withdrawn_people_do_not_take_a_place(self) -> None:
        cohort = CohortFactory(capacity=2)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.ENROLLED)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
        enrolment = services.enrol(actor=None, cohort=cohort, user=UserFactory())
        assert enrolment.status == Enrolment.Status.ENROLLED

    @pytest.mark.parametrize("status", [Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED])
    def test_enrolling_twice_is_refused(self, status: str) -> None:
        existing = EnrolmentFactory(status=status)
        with pytest.raises(ValidationError):
            services.enrol(actor=None, cohort=existing.cohort, user=existing.user)
        existing.refresh_from_db()
        assert existing.status == status
        assert Enrolment.objects.count() == 1
        assert audit("enrolment.create") == []

    def test_a_withdrawn_person_comes_back_with_the_same_row(self) -> None:
        gone = EnrolmentFactory(status=Enrolment.Status.WITHDRAWN)
        back = services.enrol(actor=None, cohort=gone.cohort, user=gone.user)
        assert back.pk == gone.pk
        assert back.status == Enrolment.Status.ENROLLED
        assert Enrolment.objects.count() == 1

    def test_a_withdrawn_person_rejoins_at_the_back_of_the_queue(self) -> None:
        cohort = CohortFactory(capacity=1)
        services.enrol(actor=None, cohort=cohort, user=UserFactory())
        early = services.enrol(actor=None, cohort=cohort, user=UserFactory())  # waitlisted
        set_created(early, at(7))
        services.withdraw(actor=None, enrolment=early)
        later = services.enrol(actor=None, cohort=cohort, user=UserFactory())
        set_created(later, at(8))

        back = services.enrol(actor=None, cohort=cohort, user=early.user)

        assert back.status == Enrolment.Status.WAITLISTED
        assert back.created_at > at(8)
        waiting = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED).order_by("created_at")
        assert [e.user for e in waiting] == [later.user, early.user]

    def test_the_participant_role_is_granted(self, coordinator: Any) -> None:
        cohort = CohortFactory(programme__library=coordinator.library)
        person = UserFactory()
        services.enrol(actor=coordinator.user, cohort=cohort, user=person)
        assert Membership.objects.filter(
            user=person, library=coordinator.library, role=Role.PARTICIPANT, is_active=True
        ).exists()

    def test_an_existing_participant_keeps_one_membership(self, participant: Any) -> None:
        cohort = CohortFactory(programme__library=participant.library)
        services.enrol(actor=None, cohort=cohort, user=participant.user)
        assert Membership.objects.filter(user=participant.user, role=Role.PARTICIPANT).count() == 1


class TestWithdraw:
    def full_cohort(self) -> tuple[Enrolment, Enrolment, Enrolment]:
        """Capacity 1: one enrolled; two waiting, the second-created having waited longer."""
        cohort = CohortFactory(capacity=1)
        seated = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.ENROLLED)
        newer = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        older = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        set_created(newer, at(10))
        set_created(older, at(9))  # created later (higher id), but waiting since earlier
        return seated, older, newer

    def test_a_freed_place_goes_to_the_first_person_waiting_who_gets_one_email(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        seated, older, newer = self.full_cohort()
        with django_capture_on_commit_callbacks(execute=True):
            promoted = services.withdraw(actor=None, enrolment=seated)

        assert promoted is not None and promoted.pk == older.pk
        for enrolment in (seated, older, newer):
            enrolment.refresh_from_db()
        assert seated.status == Enrolment.Status.WITHDRAWN
        assert older.status == Enrolment.Status.ENROLLED
        assert newer.status == Enrolment.Status.WAITLISTED
        [message] = mail.outbox
        assert message.to == [older.user.email]
        assert [e.changes for e in audit("enrolment.promote")] == [
            {"status": [Enrolment.Status.WAITLISTED, Enrolment.Status.ENROLLED]}
        ]
        assert len(audit("enrolment.withdraw")) == 1

    def test_the_email_waits_for_the_commit(self, django_capture_on_commit_callbacks: Any) -> None:
        seated, _older, _newer = self.full_cohort()
        with django_capture_on_commit_callbacks() as callbacks:
            services.withdraw(actor=None, enrolment=seated)
        assert mail.outbox == []
        assert len(callbacks) == 1

    def test_withdrawing_a_waiting_person_promotes_nobody(self, django_capture_on_commit_callbacks: Any) -> None:
        seated, older, newer = self.full_cohort()
        with django_capture_on_commit_callbacks(execute=True):
            promoted = services.withdraw(actor=None, enrolment=newer)
        assert promoted is None
        seated.refresh_from_db()
        older.refresh_from_db()
        newer.refresh_from_db()
        assert (seated.status, older.status, newer.status) == (
            Enrolment.Status.ENROLLED,
            Enrolment.Status.WAITLISTED,
            Enrolment.Status.WITHDRAWN,
        )
        assert mail.outbox == []
        assert audit("enrolment.promote") == []

    def test_without_a_waitlist_nobody_is_promoted(self, django_capture_on_commit_callbacks: Any) -> None:
        enrolment = EnrolmentFactory()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.withdraw(actor=None, enrolment=enrolment) is None
        assert mail.outbox == []

    def test_withdrawing_twice_is_refused(self) -> None:
        enrolment = EnrolmentFactory()
        services.withdraw(actor=None, enrolment=enrolment)
        with pytest.raises(ValidationError):
            services.withdraw(actor=None, enrolment=enrolment)
        assert len(audit("enrolment.withdraw")) == 1


# Schedule ------------------------------------------------------------------------------------


@pytest.fixture
def cohort(library_a: Any) -> Cohort:
    return CohortFactory(programme__library=library_a, name="Angkatan I")


def plan_for(cohort: Cohort, title: str = "Klasifikasi DDC", minutes: int = 90) -> Any:
    return SessionPlanFactory(module__programme=cohort.programme, title=title, planned_minutes=minutes)


def registered(library: Any, name: str = "Bu Sari") -> Any:
    return InstructorProfileFactory(library=library, user=UserFactory(full_name=name)).user


class TestSessionSchedule:
    def test_schedule_links_instructors_and_is_audited(self, coordinator: Any, cohort: Cohort) -> None:
        teacher = registered(cohort.library)
        session = services.session_schedule(
            actor=coordinator.user,
            cohort=cohort,
            plan=plan_for(cohort),
            starts_at=at(8),
            ends_at=at(9, 30),
            room=" Ruang Baca 1 ",
            instructors=[teacher],
        )
        session.refresh_from_db()
        assert (session.library, session.cohort, session.room, session.jp) == (
            cohort.library,
            cohort,
            "Ruang Baca 1",
            2,
        )
        assert list(session.instructors.all()) == [teacher]
        assert SessionInstructor.objects.get().library == cohort.library
        [entry] = audit("session.schedule")
        assert entry.actor == coordinator.user
        assert entry.changes["room"] == [None, "Ruang Baca 1"]

    @pytest.mark.parametrize(
        ("ends_at", "minutes", "jp"),
        [(at(10, 15), 135, 3), (at(9, 29), 89, 1), (at(9, 30), 90, 2), (at(8, 44), 44, 0)],
    )
    def test_jp_comes_from_the_actual_minutes_not_the_plan(
        self, cohort: Cohort, ends_at: datetime, minutes: int, jp: int
    ) -> None:
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort, minutes=90), starts_at=at(8), ends_at=ends_at
        )
        session.refresh_from_db()
        assert (session.minutes, session.jp) == (minutes, jp)

    @pytest.mark.parametrize("ends_at", [at(8), at(7, 59)])
    def test_end_not_after_start_is_refused(self, cohort: Cohort, ends_at: datetime) -> None:
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=at(8), ends_at=ends_at
            )
        assert "ends_at" in error.value.message_dict
        assert not ScheduledSession.objects.exists()

    def test_a_plan_of_another_programme_is_refused(self, cohort: Cohort) -> None:
        foreign = SessionPlanFactory(module__programme=ProgrammeFactory(library=cohort.library))
        with pytest.raises(ValidationError) as error:
            services.session_schedule(actor=None, cohort=cohort, plan=foreign, starts_at=at(8), ends_at=at(9, 30))
        assert "plan" in error.value.message_dict
        assert not ScheduledSession.objects.exists()

    def test_an_instructor_not_in_the_register_is_refused(self, cohort: Cohort, instructor: Any) -> None:
        # The instructor role alone is not enough: the register (a profile) is what counts.
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None,
                cohort=cohort,
                plan=plan_for(cohort),
                starts_at=at(8),
                ends_at=at(9, 30),
                instructors=[instructor.user],
            )
        assert instructor.user.full_name in str(error.value.message_dict["instructors"])
        assert not ScheduledSession.objects.exists()

    def test_an_instructor_registered_only_in_another_library_is_refused(self, cohort: Cohort, library_b: Any) -> None:
        outsider = registered(library_b)
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None,
                cohort=cohort,
                plan=plan_for(cohort),
                starts_at=at(8),
                ends_at=at(9, 30),
                instructors=[outsider],
            )
        assert "instructors" in error.value.message_dict

    def test_the_same_instructor_at_an_overlapping_time_is_refused(self, cohort: Cohort) -> None:
        teacher = registered(cohort.library, name="Bu Sari")
        other_cohort = CohortFactory(programme=cohort.programme, name="Angkatan II")
        services.session_schedule(
            actor=None,
            cohort=other_cohort,
            plan=plan_for(other_cohort, title="Klasifikasi DDC"),
            starts_at=at(8),
            ends_at=at(10),
            instructors=[teacher],
        )
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None,
                cohort=cohort,
                plan=plan_for(cohort, title="Tajuk Subjek"),
                starts_at=at(9),
                ends_at=at(11),
                instructors=[teacher],
            )
        [message] = error.value.messages
        assert "Klasifikasi DDC" in message
        assert "Bu Sari" in message
        assert "Angkatan II" in message
        assert ScheduledSession.objects.count() == 1

    def test_a_session_inside_another_is_a_clash(self, cohort: Cohort) -> None:
        teacher = registered(cohort.library)
        ScheduledSessionFactory(cohort=cohort, starts_at=at(8), ends_at=at(12), instructors=[teacher])
        with pytest.raises(ValidationError):
            services.session_schedule(
                actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=at(9), ends_at=at(10), instructors=[teacher]
            )

    def test_the_same_room_at_an_overlapping_time_is_refused_whatever_the_case(self, cohort: Cohort) -> None:
        ScheduledSessionFactory(
            cohort=cohort, plan__title="Klasifikasi DDC", starts_at=at(8), ends_at=at(10), room="Ruang Baca 1"
        )
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None,
                cohort=cohort,
                plan=plan_for(cohort),
                starts_at=at(9, 59),
                ends_at=at(11),
                room="ruang BACA 1",
            )
        [message] = error.value.messages
        assert "ruang baca 1" in message.lower()
        assert "Klasifikasi DDC" in message
        assert ScheduledSession.objects.count() == 1

    def test_back_to_back_sessions_are_not_a_clash(self, cohort: Cohort) -> None:
        teacher = registered(cohort.library)
        ScheduledSessionFactory(cohort=cohort, starts_at=at(8), ends_at=at(10), room="Aula", instructors=[teacher])
        after = services.session_schedule(
            actor=None,
            cohort=cohort,
            plan=plan_for(cohort),
            starts_at=at(10),
            ends_at=at(11, 30),
            room="Aula",
            instructors=[teacher],
        )
        before = services.session_schedule(
            actor=None,
            cohort=cohort,
            plan=plan_for(cohort),
            starts_at=at(6, 30),
            ends_at=at(8),
            room="Aula",
            instructors=[teacher],
        )
        assert after.pk and before.pk
        assert ScheduledSession.objects.count() == 3

    def test_other_rooms_and_instructors_at_the_same_time_are_fine(self, cohort: Cohort) -> None:
        ScheduledSessionFactory(
            cohort=cohort, starts_at=at(8), ends_at=at(10), room="Aula", instructors=[registered(cohort.library)]
        )
        session = services.session_schedule(
            actor=None,
            cohort=cohort,
            plan=plan_for(cohort),
            starts_at=at(8),
            ends_at=at(10),
            room="Ruang Baca 1",
            instructors=[registered(cohort.library, name="Pak Budi")],
        )
        assert session.pk

    def test_sessions_without_a_room_do_not_clash_on_the_room(self, cohort: Cohort) -> None:
        ScheduledSessionFactory(cohort=cohort, starts_at=at(8), ends_at=at(10), room="")
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=at(8), ends_at=at(10), room=""
        )
        assert session.pk

    def test_rescheduling_onto_its_own_time_is_not_a_clash(self, coordinator: Any, cohort: Cohort) -> None:
        teacher = registered(cohort.library)
        plan = plan_for(cohort)
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan, starts_at=at(8), ends_at=at(10), room="Aula", instructors=[teacher]
        )
        moved = services.session_schedule(
            actor=coordinator.user,
            cohort=cohort,
            plan=plan,
            starts_at=at(8, 30),
            ends_at=at(9, 30),
            room="Aula",
            instructors=[teacher],
            session=session,
        )
        moved.refresh_from_db()
        assert moved.pk == session.pk
        assert (moved.starts_at, moved.ends_at, moved.jp) == (at(8, 30), at(9, 30), 1)
        assert ScheduledSession.objects.count() == 1
        [entry] = audit("session.reschedule")
        assert set(entry.changes) == {"starts_at", "ends_at"}

    def test_rescheduling_into_another_session_is_still_a_clash(self, cohort: Cohort) -> None:
        teacher = registered(cohort.library)
        ScheduledSessionFactory(
            cohort=cohort, plan__title="Literasi Digital", starts_at=at(13), ends_at=at(15), instructors=[teacher]
        )
        session = ScheduledSessionFactory(cohort=cohort, starts_at=at(8), ends_at=at(10), instructors=[teacher])
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None,
                cohort=cohort,
                plan=session.plan,
                starts_at=at(14),
                ends_at=at(16),
                instructors=[teacher],
                session=session,
            )
        assert "Literasi Digital" in error.value.messages[0]
        session.refresh_from_db()
        assert session.starts_at == at(8)

    def test_rescheduling_drops_instructors_no_longer_named(self, cohort: Cohort) -> None:
        first, second = registered(cohort.library, "Bu Sari"), registered(cohort.library, "Pak Budi")
        plan = plan_for(cohort)
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan, starts_at=at(8), ends_at=at(10), instructors=[first]
        )
        services.session_schedule(
            actor=None, cohort=cohort, plan=plan, starts_at=at(8), ends_at=at(10), instructors=[second], session=session
        )
        assert list(session.instructors.all()) == [second]

    def test_clashes_are_only_within_the_same_library(self, cohort: Cohort, library_b: Any) -> None:
        teacher = registered(cohort.library)
        InstructorProfileFactory(library=library_b, user=teacher)
        ScheduledSessionFactory(
            cohort__programme__library=library_b, starts_at=at(8), ends_at=at(10), room="Aula", instructors=[teacher]
        )
        session = services.session_schedule(
            actor=None,
            cohort=cohort,
            plan=plan_for(cohort),
            starts_at=at(8),
            ends_at=at(10),
            room="Aula",
            instructors=[teacher],
        )
        assert session.library == cohort.library


# Check-in ------------------------------------------------------------------------------------


@pytest.fixture
def lesson(cohort: Cohort) -> ScheduledSession:
    """08:00–09:30 WIB; the cohort counts a check-in as late after 15 minutes."""
    return ScheduledSessionFactory(cohort=cohort, starts_at=at(8), ends_at=at(9, 30), checkin_secret=SECRET)


@pytest.fixture
def learner(lesson: ScheduledSession) -> Any:
    return EnrolmentFactory(cohort=lesson.cohort).user


def check_in(user: Any, session: ScheduledSession, now: datetime, code: str | None = None) -> services.CheckinResult:
    code = current_code(session.checkin_secret, now) if code is None else code
    return services.check_in(user=user, session=session, code=code, now=now)


def rotated_away(secret: str, moment: datetime) -> str:
    """The code that stopped being current at ``moment`` (a 30-second step boundary)."""
    return current_code(secret, moment - timedelta(seconds=1))


class TestCheckIn:
    def test_the_current_code_marks_the_participant_present(self, lesson: ScheduledSession, learner: Any) -> None:
        result = check_in(learner, lesson, at(8, 5))
        assert result.created
        attendance = Attendance.objects.get()
        assert (attendance.user, attendance.session, attendance.library) == (learner, lesson, lesson.library)
        assert (attendance.status, attendance.method, attendance.checked_in_at) == (
            Attendance.Status.PRESENT,
            Attendance.Method.CODE,
            at(8, 5),
        )

    def test_a_code_typed_with_a_space_is_accepted(self, lesson: ScheduledSession, learner: Any) -> None:
        code = current_code(SECRET, at(8))
        result = check_in(learner, lesson, at(8), code=f"{code[:3]} {code[3:]}")
        assert result.attendance.status == Attendance.Status.PRESENT

    def test_check_in_opens_30_minutes_before_the_start(self, lesson: ScheduledSession, learner: Any) -> None:
        with pytest.raises(services.CheckinRefused):
            check_in(learner, lesson, at(7, 30) - timedelta(seconds=1))
        assert not Attendance.objects.exists()
        assert check_in(learner, lesson, at(7, 30)).attendance.status == Attendance.Status.PRESENT

    def test_check_in_closes_at_the_end(self, lesson: ScheduledSession, learner: Any) -> None:
        with pytest.raises(services.CheckinRefused):
            check_in(learner, lesson, at(9, 30) + timedelta(seconds=1))
        assert not Attendance.objects.exists()

    def test_someone_not_in_the_cohort_is_refused(self, lesson: ScheduledSession) -> None:
        EnrolmentFactory()  # enrolled, but in another cohort
        with pytest.raises(services.CheckinRefused):
            check_in(Enrolment.objects.get().user, lesson, at(8, 5))
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("status", [Enrolment.Status.WAITLISTED, Enrolment.Status.WITHDRAWN])
    def test_a_waiting_or_withdrawn_person_is_refused(self, lesson: ScheduledSession, status: str) -> None:
        person = EnrolmentFactory(cohort=lesson.cohort, status=status).user
        with pytest.raises(services.CheckinRefused):
            check_in(person, lesson, at(8, 5))
        assert not Attendance.objects.exists()

    def test_a_wrong_code_is_refused(self, lesson: ScheduledSession, learner: Any) -> None:
        right = current_code(SECRET, at(8, 5))
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        with pytest.raises(services.CheckinRefused):
            check_in(learner, lesson, at(8, 5), code=wrong)
        assert not Attendance.objects.exists()

    def test_another_sessions_code_is_refused(self, lesson: ScheduledSession, learner: Any) -> None:
        other = code_for("fedcba9876543210fedcba9876543210", step_at(at(8, 5)))
        assert other != current_code(SECRET, at(8, 5))
        with pytest.raises(services.CheckinRefused):
            check_in(learner, lesson, at(8, 5), code=other)

    def test_a_code_that_rotated_away_60_seconds_ago_is_accepted(self, lesson: ScheduledSession, learner: Any) -> None:
        code = rotated_away(SECRET, at(8, 4))
        result = check_in(learner, lesson, at(8, 5), code=code)
        assert result.attendance.status == Attendance.Status.PRESENT

    def test_a_code_that_rotated_away_100_seconds_ago_is_refused(self, lesson: ScheduledSession, learner: Any) -> None:
        code = rotated_away(SECRET, at(8, 4))
        with pytest.raises(services.CheckinRefused):
            check_in(learner, lesson, at(8, 4) + timedelta(seconds=100), code=code)
        assert not Attendance.objects.exists()

    def test_after_the_cohorts_grace_period_the_participant_is_late(self, lesson: ScheduledSession) -> None:
        Cohort.objects.filter(pk=lesson.cohort_id).update(checkin_grace_minutes=10)
        lesson.cohort.refresh_from_db()
        on_time, late = (EnrolmentFactory(cohort=lesson.cohort).user for _ in range(2))
        assert check_in(on_time, lesson, at(8, 10)).attendance.status == Attendance.Status.PRESENT
        assert check_in(late, lesson, at(8, 11)).attendance.status == Attendance.Status.LATE

    def test_checking_in_twice_keeps_the_first_time(self, lesson: ScheduledSession, learner: Any) -> None:
        check_in(learner, lesson, at(8, 5))
        again = check_in(learner, lesson, at(8, 25))
        assert not again.created
        attendance = Attendance.objects.get()
        assert (attendance.status, attendance.checked_in_at) == (Attendance.Status.PRESENT, at(8, 5))
        assert again.attendance.pk == attendance.pk

    def test_a_participant_marked_absent_who_checks_in_becomes_present(
        self, lesson: ScheduledSession, learner: Any, instructor: Any
    ) -> None:
        services.attendance_mark(actor=instructor.user, session=lesson, user=learner, status=Attendance.Status.ABSENT)
        result = check_in(learner, lesson, at(8, 5))
        assert not result.created
        attendance = Attendance.objects.get()
        assert (attendance.status, attendance.method, attendance.checked_in_at) == (
            Attendance.Status.PRESENT,
            Attendance.Method.CODE,
            at(8, 5),
        )


# Hand-marked attendance --------------------------------------------------------------------------


class TestAttendanceMark:
    def test_mark_present_is_recorded_and_audited(
        self, lesson: ScheduledSession, learner: Any, instructor: Any
    ) -> None:
        attendance = services.attendance_mark(
            actor=instructor.user, session=lesson, user=learner, status=Attendance.Status.PRESENT, note="tanpa HP"
        )
        attendance.refresh_from_db()
        assert (attendance.status, attendance.method, attendance.marked_by, attendance.note) == (
            Attendance.Status.PRESENT,
            Attendance.Method.MANUAL,
            instructor.user,
            "tanpa HP",
        )
        assert attendance.checked_in_at is not None
        [entry] = audit("attendance.mark")
        assert (entry.actor, entry.library) == (instructor.user, lesson.library)
        assert entry.changes == {"status": [None, Attendance.Status.PRESENT]}

    def test_an_excused_absence_has_no_time_in(self, lesson: ScheduledSession, learner: Any) -> None:
        attendance = services.attendance_mark(
            actor=None, session=lesson, user=learner, status=Attendance.Status.EXCUSED
        )
        assert attendance.checked_in_at is None

    def test_an_unknown_status_is_refused(self, lesson: ScheduledSession, learner: Any) -> None:
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(actor=None, session=lesson, user=learner, status="asleep")
        assert "status" in error.value.message_dict
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("status", [None, Enrolment.Status.WAITLISTED, Enrolment.Status.WITHDRAWN])
    def test_a_person_not_enrolled_is_refused(self, lesson: ScheduledSession, status: str | None) -> None:
        person = UserFactory() if status is None else EnrolmentFactory(cohort=lesson.cohort, status=status).user
        with pytest.raises(ValidationError):
            services.attendance_mark(actor=None, session=lesson, user=person, status=Attendance.Status.PRESENT)
        assert not Attendance.objects.exists()
        assert audit("attendance.mark") == []

    def test_remarking_the_same_status_writes_no_second_audit_row(self, lesson: ScheduledSession, learner: Any) -> None:
        services.attendance_mark(actor=None, session=lesson, user=learner, status=Attendance.Status.ABSENT)
        services.attendance_mark(actor=None, session=lesson, user=learner, status=Attendance.Status.ABSENT)
        assert len(audit("attendance.mark")) == 1
        assert Attendance.objects.count() == 1

    def test_changing_the_status_is_audited_with_before_and_after(self, lesson: ScheduledSession, learner: Any) -> None:
        services.attendance_mark(actor=None, session=lesson, user=learner, status=Attendance.Status.ABSENT)
        attendance = services.attendance_mark(actor=None, session=lesson, user=learner, status=Attendance.Status.LATE)
        assert attendance.status == Attendance.Status.LATE
        assert attendance.checked_in_at is not None
        changes = [e.changes for e in AuditEntry.objects.filter(action="attendance.mark").order_by("id")]
        assert changes == [
            {"status": [None, Attendance.Status.ABSENT]},
            {"status": [Attendance.Status.ABSENT, Attendance.Status.LATE]},
        ]


def test_factories_agree_with_the_models() -> None:
    session = ScheduledSessionFactory()
    assert session.plan.module.programme == session.cohort.programme
    assert session.library == session.cohort.library == session.plan.library
    assert session.jp == session.actual_jp() == 2


class TestCompletionRules:
    def test_defaults_and_a_percentage_over_100_is_refused(self) -> None:
        from lentera.curriculum.tests.factories import ProgrammeFactory

        programme = ProgrammeFactory()
        cohort = services.cohort_create(
            actor=None, programme=programme, name="A", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6)
        )
        assert (cohort.min_attendance_percent, cohort.min_post_test_percent) == (80, 70)
        with pytest.raises(ValidationError):
            services.cohort_update(actor=None, cohort=cohort, min_attendance_percent=101)
        cohort.refresh_from_db()
        assert cohort.min_attendance_percent == 80
