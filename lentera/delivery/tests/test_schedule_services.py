"""Scheduling writes added for the first real cohort: the cohort's dates, the end from the plan's
minutes, and a whole programme saved at once (every row or none)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import UserFactory
from lentera.curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SessionPlanFactory
from lentera.delivery import services
from lentera.delivery.models import Cohort, ScheduledSession
from lentera.delivery.services import DraftSession
from lentera.delivery.tests.factories import WIB, CohortFactory, InstructorProfileFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def cohort(library_a: Any) -> Cohort:
    """2-6 March 2026 (Monday to Friday)."""
    return CohortFactory(programme__library=library_a, name="Angkatan I")


def plan_for(cohort: Cohort, title: str = "Klasifikasi DDC", minutes: int = 90, **kwargs: Any) -> Any:
    return SessionPlanFactory(module__programme=cohort.programme, title=title, planned_minutes=minutes, **kwargs)


class TestCohortDates:
    @pytest.mark.parametrize(
        ("starts_at", "ends_at"),
        [(at(1, 8), at(1, 9, 30)), (at(7, 8), at(7, 9, 30)), (at(6, 23), at(7, 0, 30))],
        ids=["the day before", "the day after", "ends after midnight of the last day"],
    )
    def test_a_session_outside_the_cohort_dates_is_refused(
        self, cohort: Cohort, starts_at: datetime, ends_at: datetime
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.session_schedule(
                actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=starts_at, ends_at=ends_at
            )
        [message] = error.value.message_dict["day"]
        assert "2 Mar 2026 – 6 Mar 2026" in message
        assert not ScheduledSession.objects.exists()

    def test_the_first_and_last_day_are_inside(self, cohort: Cohort) -> None:
        first = services.session_schedule(actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=at(2, 0, 0))
        last = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort, "Tajuk"), starts_at=at(6, 22), ends_at=at(6, 23, 59)
        )
        assert first.pk and last.pk

    def test_a_confirmed_date_outside_is_scheduled(self, cohort: Cohort) -> None:
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort), starts_at=at(9, 8), outside_dates_confirmed=True
        )
        assert session.starts_at == at(9, 8)

    def test_moving_a_session_outside_is_refused_and_keeps_it(self, cohort: Cohort) -> None:
        session = ScheduledSessionFactory(cohort=cohort, starts_at=at(2, 8), ends_at=at(2, 9, 30))
        with pytest.raises(ValidationError):
            services.session_schedule(
                actor=None, cohort=cohort, plan=session.plan, starts_at=at(10, 8), session=session
            )
        session.refresh_from_db()
        assert session.starts_at == at(2, 8)


class TestEndFromThePlan:
    @pytest.mark.parametrize(("minutes", "end", "jp"), [(90, at(2, 9, 30), 2), (135, at(2, 10, 15), 3)])
    def test_without_an_end_the_session_lasts_the_plan_minutes(
        self, cohort: Cohort, minutes: int, end: datetime, jp: int
    ) -> None:
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort, minutes=minutes), starts_at=at(2, 8)
        )
        session.refresh_from_db()
        assert (session.ends_at, session.jp) == (end, jp)

    def test_a_given_end_wins_over_the_plan(self, cohort: Cohort) -> None:
        session = services.session_schedule(
            actor=None, cohort=cohort, plan=plan_for(cohort, minutes=90), starts_at=at(2, 8), ends_at=at(2, 8, 45)
        )
        assert session.minutes == 45


class TestProgrammeSchedule:
    def test_every_row_is_saved_with_its_audit_entry_and_instructors(self, coordinator: Any, cohort: Cohort) -> None:
        teacher = InstructorProfileFactory(library=cohort.library, user=UserFactory(full_name="Bu Sari")).user
        first, second = plan_for(cohort, "Klasifikasi DDC", 90), plan_for(cohort, "Tajuk Subjek", 120)
        saved = services.programme_schedule(
            actor=coordinator.user,
            cohort=cohort,
            rows=[
                DraftSession(plan=first, starts_at=at(2, 8), room="Aula", instructors=[teacher]),
                DraftSession(plan=second, starts_at=at(2, 13), room="Lab"),
            ],
        )
        assert [(s.plan, s.starts_at, s.ends_at, s.room) for s in saved] == [
            (first, at(2, 8), at(2, 9, 30), "Aula"),
            (second, at(2, 13), at(2, 15), "Lab"),
        ]
        assert list(saved[0].instructors.all()) == [teacher]
        entries = AuditEntry.objects.filter(action="session.schedule")
        assert [e.actor for e in entries] == [coordinator.user, coordinator.user]

    def test_an_empty_draft_is_refused(self, cohort: Cohort) -> None:
        with pytest.raises(ValidationError, match="no sessions"):
            services.programme_schedule(actor=None, cohort=cohort, rows=[])

    def test_a_clash_in_a_later_row_saves_nothing_and_names_the_row(self, cohort: Cohort) -> None:
        teacher = InstructorProfileFactory(library=cohort.library, user=UserFactory(full_name="Bu Sari")).user
        ScheduledSessionFactory(
            cohort=CohortFactory(programme=cohort.programme, name="Angkatan II"),
            plan__title="Katalogisasi",
            starts_at=at(3, 8),
            ends_at=at(3, 10),
            instructors=[teacher],
        )
        rows = [
            DraftSession(plan=plan_for(cohort, "Klasifikasi DDC"), starts_at=at(2, 8), instructors=[teacher]),
            DraftSession(plan=plan_for(cohort, "Tajuk Subjek"), starts_at=at(3, 9), instructors=[teacher]),
        ]
        with pytest.raises(ValidationError) as error:
            services.programme_schedule(actor=None, cohort=cohort, rows=rows)
        [message] = error.value.messages
        assert message.startswith("Row 2 (“Tajuk Subjek”): Bu Sari already teaches “Katalogisasi” (Angkatan II)")
        assert ScheduledSession.objects.filter(cohort=cohort).count() == 0
        assert not AuditEntry.objects.filter(action="session.schedule").exists()

    def test_two_rows_of_the_draft_in_the_same_room_at_once_are_refused(self, cohort: Cohort) -> None:
        rows = [
            DraftSession(plan=plan_for(cohort, "Klasifikasi DDC"), starts_at=at(2, 8), room="Aula"),
            DraftSession(plan=plan_for(cohort, "Tajuk Subjek"), starts_at=at(2, 9), room="aula"),
        ]
        with pytest.raises(ValidationError, match="Row 2"):
            services.programme_schedule(actor=None, cohort=cohort, rows=rows)
        assert not ScheduledSession.objects.exists()

    def test_a_row_outside_the_cohort_dates_is_refused(self, cohort: Cohort) -> None:
        rows = [DraftSession(plan=plan_for(cohort), starts_at=at(9, 8))]
        with pytest.raises(ValidationError, match="Row 1 .*outside the cohort's dates"):
            services.programme_schedule(actor=None, cohort=cohort, rows=rows)
        assert not ScheduledSession.objects.exists()

    def test_a_plan_of_another_programme_is_refused(self, cohort: Cohort) -> None:
        foreign = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=cohort.library)))
        with pytest.raises(ValidationError, match="Row 1"):
            services.programme_schedule(
                actor=None, cohort=cohort, rows=[DraftSession(plan=foreign, starts_at=at(2, 8))]
            )
        assert not ScheduledSession.objects.exists()

    def test_an_instructor_not_in_the_register_is_refused(self, cohort: Cohort) -> None:
        stranger = UserFactory(full_name="Pak Asing")
        rows = [DraftSession(plan=plan_for(cohort), starts_at=at(2, 8), instructors=[stranger])]
        with pytest.raises(ValidationError, match="Pak Asing"):
            services.programme_schedule(actor=None, cohort=cohort, rows=rows)
        assert not ScheduledSession.objects.exists()
