"""What the delivery pages do: cohorts, enrolment, the schedule, attendance, check-in, instructors,
personal schedules, the JP ledger and discussion groups.

Who may open which URL is checked in ``test_url_matrix.py``; the downloads are in ``test_exports.py``
and the calendar in ``test_calendar.py``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from lentera.accounts.models import Membership, Role, SignInCode, User
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.curriculum.tests.factories import CompetencyFactory, ProgrammeFactory, SessionPlanFactory
from lentera.delivery import checkin, services
from lentera.delivery.models import (
    Attendance,
    Cohort,
    DiscussionGroup,
    Enrolment,
    GroupMember,
    InstructorProfile,
    ScheduledSession,
)
from lentera.delivery.tests.factories import (
    WIB,
    CohortFactory,
    EnrolmentFactory,
    InstructorProfileFactory,
    ScheduledSessionFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def translated(message: str) -> str:
    """The Indonesian text of ``message``; fails if the catalogue has none (it would equal the English)."""
    with translation.override("id"):
        text = translation.gettext(message)
    assert text != message, f"no Indonesian translation for {message!r}"
    return text


def indonesian(message: str) -> str:
    """``translated`` as it appears in HTML."""
    return escape(translated(message))


def flashed(response: Any) -> list[tuple[str, str]]:
    """The messages the request added, as (level, text)."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def member(library: Any, role: str = Role.PARTICIPANT, **kwargs: Any) -> User:
    """A person with a role in ``library``."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, library=library, role=role)
    return user


def enrolled(cohort: Cohort, *people: Any, status: str = Enrolment.Status.ENROLLED) -> list[Enrolment]:
    return [EnrolmentFactory(cohort=cohort, user=person, status=status) for person in people]


def session_at(cohort: Cohort, starts_at: datetime, minutes: int = 90, **kwargs: Any) -> ScheduledSession:
    return ScheduledSessionFactory(
        cohort=cohort, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **kwargs
    )


def march(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in March 2026, in Jakarta."""
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library, name="Angkatan Melati", capacity=30)


# Cohorts ----------------------------------------------------------------------------------------


def cohort_post(programme: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "programme": programme.pk,
        "name": "Angkatan Kenanga",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-06",
        "venue": "Aula Lantai 2",
        "capacity": "25",
        "status": Cohort.Status.PLANNED,
        "checkin_grace_minutes": "10",
        "min_attendance_percent": "80",
        "min_post_test_percent": "70",
    }
    return {**data, **overrides}


class TestCohortCreate:
    def test_the_coordinator_creates_a_cohort_and_lands_on_it(self, coordinator: Any) -> None:
        programme = ProgrammeFactory(library=coordinator.library)
        response = coordinator.client.post(reverse("delivery:cohort_create"), cohort_post(programme))
        cohort = Cohort.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        assert (cohort.library, cohort.programme, cohort.name) == (coordinator.library, programme, "Angkatan Kenanga")
        assert (cohort.starts_on, cohort.ends_on) == (date(2026, 3, 2), date(2026, 3, 6))
        assert (cohort.venue, cohort.capacity, cohort.checkin_grace_minutes) == ("Aula Lantai 2", 25, 10)
        assert [level for level, _text in flashed(response)] == ["success"]

    def test_a_last_day_before_the_first_day_is_refused_and_nothing_is_saved(self, coordinator: Any) -> None:
        programme = ProgrammeFactory(library=coordinator.library)
        response = coordinator.client.post(
            reverse("delivery:cohort_create"), cohort_post(programme, starts_on="2026-03-06", ends_on="2026-03-02")
        )
        assert response.status_code == 200
        assert not Cohort.objects.exists()
        assert response.context["form"].errors
        assert indonesian("The last day cannot be before the first day.") in response.content.decode()

    def test_a_programme_of_another_library_cannot_be_chosen(self, coordinator: Any, library_b: Any) -> None:
        programme = ProgrammeFactory(library=library_b)
        response = coordinator.client.post(reverse("delivery:cohort_create"), cohort_post(programme))
        assert response.status_code == 200
        assert "programme" in response.context["form"].errors
        assert not Cohort.objects.exists()


class TestCohortEdit:
    def test_the_coordinator_saves_changes(self, coordinator: Any, cohort: Cohort) -> None:
        other_programme = ProgrammeFactory(library=coordinator.library)
        response = coordinator.client.post(
            reverse("delivery:cohort_edit", args=[cohort.pk]),
            cohort_post(other_programme, name="Angkatan Melati II", capacity="12", status=Cohort.Status.RUNNING),
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        cohort.refresh_from_db()
        assert (cohort.name, cohort.capacity, cohort.status) == ("Angkatan Melati II", 12, Cohort.Status.RUNNING)
        assert cohort.programme != other_programme  # the programme of a cohort is fixed

    def test_a_last_day_before_the_first_day_changes_nothing(self, coordinator: Any, cohort: Cohort) -> None:
        response = coordinator.client.post(
            reverse("delivery:cohort_edit", args=[cohort.pk]),
            cohort_post(cohort.programme, name="Baru", starts_on="2026-03-06", ends_on="2026-03-01"),
        )
        assert response.status_code == 200
        assert indonesian("The last day cannot be before the first day.") in response.content.decode()
        cohort.refresh_from_db()
        assert (cohort.name, cohort.ends_on) == ("Angkatan Melati", date(2026, 3, 6))


class TestCohortDetail:
    def test_the_coordinator_sees_the_schedule_the_roster_and_the_waitlist(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        cohort.capacity = 1
        cohort.save()
        first = session_at(cohort, march(2), plan__title="Pengantar Katalogisasi")
        second = session_at(cohort, march(3), minutes=135, plan__title="Klasifikasi DDC")
        enrolled(cohort, member(coordinator.library, full_name="Siti Aminah"))
        enrolled(cohort, member(coordinator.library, full_name="Budi Santoso"), status=Enrolment.Status.WAITLISTED)
        enrolled(cohort, member(coordinator.library, full_name="Tono Keluar"), status=Enrolment.Status.WITHDRAWN)

        response = coordinator.client.get(reverse("delivery:cohort_detail", args=[cohort.pk]))

        html = response.content.decode()
        assert response.context["sessions"] == [first, second]
        assert response.context["total_jp"] == 5  # 2 + 3
        assert "Pengantar Katalogisasi" in html and "Klasifikasi DDC" in html
        assert [e.user.full_name for e in response.context["enrolled"]] == ["Siti Aminah"]
        assert [e.user.full_name for e in response.context["waiting"]] == ["Budi Santoso"]
        assert "Siti Aminah" in html and "Budi Santoso" in html
        assert "Tono Keluar" not in html
        assert reverse("delivery:enrol_search", args=[cohort.pk]) in html

    def test_a_participant_of_the_cohort_sees_the_schedule_but_no_roster(
        self, participant: Any, cohort: Cohort
    ) -> None:
        session_at(cohort, march(2), plan__title="Pengantar Katalogisasi")
        enrolled(cohort, participant.user, member(participant.library, full_name="Siti Aminah"))
        enrolled(cohort, member(participant.library, full_name="Budi Santoso"), status=Enrolment.Status.WAITLISTED)

        response = participant.client.get(reverse("delivery:cohort_detail", args=[cohort.pk]))

        html = response.content.decode()
        assert response.status_code == 200
        assert "Pengantar Katalogisasi" in html
        assert "enrolled" not in response.context and "waiting" not in response.context
        assert "Siti Aminah" not in html and "Budi Santoso" not in html
        assert 'id="participants-heading"' not in html
        assert reverse("delivery:enrol_search", args=[cohort.pk]) not in html
        assert reverse("delivery:cohort_edit", args=[cohort.pk]) not in html

    def test_each_roster_button_withdraws_its_own_person(self, coordinator: Any, cohort: Cohort) -> None:
        cohort.capacity = 2
        cohort.save()
        people = [member(coordinator.library, full_name=name) for name in ("Ani", "Budi", "Citra")]
        enrolled(cohort, *people[:2])
        enrolled(cohort, people[2], status=Enrolment.Status.WAITLISTED)
        enrolments = {e.user.full_name: e for e in cohort.enrolments.select_related("user")}
        session = session_at(cohort, march(2))

        html = coordinator.client.get(reverse("delivery:cohort_detail", args=[cohort.pk])).content.decode()

        # One form per list (roster, waitlist) that asks first; each button posts for its own person.
        assert len(re.findall(r'<form method="post" data-confirm="[^"]+"><input type="hidden" name="csrf', html)) == 2
        for name, enrolment in enrolments.items():
            assert f'formaction="{reverse("delivery:withdraw", args=[enrolment.pk])}"' in html, name
            assert f'<span class="visually-hidden"> {name}</span>' in html
        assert f'href="{reverse("delivery:session_detail", args=[session.pk])}"' in html
        response = coordinator.client.post(reverse("delivery:withdraw", args=[enrolments["Budi"].pk]))
        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        enrolments["Budi"].refresh_from_db()
        assert enrolments["Budi"].status == Enrolment.Status.WITHDRAWN


# Enrolment --------------------------------------------------------------------------------------


class TestEnrol:
    def test_the_coordinator_enrols_a_person(self, coordinator: Any, cohort: Cohort) -> None:
        person = member(coordinator.library, full_name="Siti Aminah")
        response = coordinator.client.post(reverse("delivery:enrol", args=[cohort.pk]), {"person": person.pk})
        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        assert Enrolment.objects.get(cohort=cohort, user=person).status == Enrolment.Status.ENROLLED
        assert flashed(response) == [("success", translated("%(name)s was enrolled.") % {"name": person})]

    def test_over_capacity_the_person_joins_the_waitlist_with_a_warning(self, coordinator: Any, cohort: Cohort) -> None:
        cohort.capacity = 1
        cohort.save()
        enrolled(cohort, member(coordinator.library))
        person = member(coordinator.library, full_name="Budi Santoso")
        response = coordinator.client.post(reverse("delivery:enrol", args=[cohort.pk]), {"person": person.pk})
        assert response.status_code == 302
        assert Enrolment.objects.get(cohort=cohort, user=person).status == Enrolment.Status.WAITLISTED
        assert flashed(response) == [
            ("warning", translated("The cohort is full: %(name)s is on the waitlist.") % {"name": person})
        ]

    def test_a_person_of_another_library_is_refused(self, coordinator: Any, cohort: Cohort, library_b: Any) -> None:
        outsider = member(library_b)
        response = coordinator.client.post(reverse("delivery:enrol", args=[cohort.pk]), {"person": outsider.pk})
        assert response.status_code == 302
        assert not Enrolment.objects.exists()
        assert [level for level, _text in flashed(response)] == ["error"]

    def test_enrolling_twice_is_an_error_message(self, coordinator: Any, cohort: Cohort) -> None:
        person = member(coordinator.library)
        enrolled(cohort, person)
        response = coordinator.client.post(reverse("delivery:enrol", args=[cohort.pk]), {"person": person.pk})
        assert [level for level, _text in flashed(response)] == ["error"]
        assert Enrolment.objects.filter(cohort=cohort, user=person).count() == 1


class TestEnrolSearch:
    def search(self, persona: Any, cohort: Cohort, query: str) -> Any:
        return persona.client.get(reverse("delivery:enrol_search", args=[cohort.pk]), {"q": query}, headers=HTMX)

    def test_finds_people_of_the_library_who_are_not_in_the_cohort(
        self, coordinator: Any, cohort: Cohort, library_b: Any
    ) -> None:
        free = member(coordinator.library, full_name="Sitti Rahma")
        by_nip = member(coordinator.library, full_name="Ahmad Sitompul", nip="198703152010012003")
        in_cohort = member(coordinator.library, full_name="Sitti Enrolled")
        waiting = member(coordinator.library, full_name="Sitti Waiting")
        gone = member(coordinator.library, full_name="Sitti Withdrawn")
        enrolled(cohort, in_cohort)
        enrolled(cohort, waiting, status=Enrolment.Status.WAITLISTED)
        enrolled(cohort, gone, status=Enrolment.Status.WITHDRAWN)
        member(library_b, full_name="Sitti Other Library")
        inactive = member(coordinator.library, full_name="Sitti Inactive")
        Membership.objects.filter(user=inactive).update(is_active=False)

        response = self.search(coordinator, cohort, "sit")

        assert response.status_code == 200
        assert [p.full_name for p in response.context["people"]] == [
            "Ahmad Sitompul",
            "Sitti Rahma",
            "Sitti Withdrawn",
        ]
        html = response.content.decode()
        assert "<html" not in html  # a fragment
        assert f'name="person" value="{free.pk}"' in html
        assert "Sitti Enrolled" not in html and "Sitti Other Library" not in html
        assert [p.pk for p in self.search(coordinator, cohort, "19870315").context["people"]] == [by_nip.pk]

    def test_needs_two_characters(self, coordinator: Any, cohort: Cohort) -> None:
        member(coordinator.library, full_name="Sitti Rahma")
        response = self.search(coordinator, cohort, " s ")
        assert response.context["people"] == []
        assert "Sitti Rahma" not in response.content.decode()


class TestWithdraw:
    def test_withdrawing_promotes_the_first_person_waiting(
        self, coordinator: Any, cohort: Cohort, django_capture_on_commit_callbacks: Any
    ) -> None:
        cohort.capacity = 1
        cohort.save()
        [leaving] = enrolled(cohort, member(coordinator.library, full_name="Siti Aminah"))
        [first] = enrolled(
            cohort, member(coordinator.library, full_name="Budi Santoso"), status=Enrolment.Status.WAITLISTED
        )
        [second] = enrolled(
            cohort, member(coordinator.library, full_name="Citra Dewi"), status=Enrolment.Status.WAITLISTED
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(reverse("delivery:withdraw", args=[leaving.pk]))

        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        statuses = dict(Enrolment.objects.values_list("pk", "status"))
        assert statuses == {
            leaving.pk: Enrolment.Status.WITHDRAWN,
            first.pk: Enrolment.Status.ENROLLED,
            second.pk: Enrolment.Status.WAITLISTED,
        }
        assert flashed(response) == [
            ("success", translated("%(name)s was withdrawn.") % {"name": leaving.user}),
            ("info", translated("%(name)s moved up from the waitlist and was told by email.") % {"name": first.user}),
        ]
        assert [m.to for m in mail.outbox] == [[first.user.email]]

    def test_withdrawing_from_the_waitlist_promotes_nobody(self, coordinator: Any, cohort: Cohort) -> None:
        [waiting] = enrolled(cohort, member(coordinator.library), status=Enrolment.Status.WAITLISTED)
        response = coordinator.client.post(reverse("delivery:withdraw", args=[waiting.pk]))
        assert [level for level, _text in flashed(response)] == ["success"]
        waiting.refresh_from_db()
        assert waiting.status == Enrolment.Status.WITHDRAWN


# Schedule ---------------------------------------------------------------------------------------


def schedule_post(plan: Any, day: str = "2026-03-02", start: str = "08:00", end: str = "09:30", **extra: Any) -> dict:
    return {"plan": plan.pk, "day": day, "start": start, "end": end, "room": "", "instructors": [], **extra}


class TestSessionSchedule:
    def test_the_coordinator_schedules_a_session(self, coordinator: Any, instructor: Any, cohort: Cohort) -> None:
        InstructorProfileFactory(library=coordinator.library, user=instructor.user)
        plan = SessionPlanFactory(module__programme=cohort.programme)
        response = coordinator.client.post(
            reverse("delivery:session_schedule", args=[cohort.pk]),
            schedule_post(plan, start="13:00", end="15:15", room="Ruang Baca", instructors=[instructor.user.pk]),
        )
        assert response["Location"] == reverse("delivery:cohort_detail", args=[cohort.pk])
        session = ScheduledSession.objects.get()
        assert (session.cohort, session.plan, session.room) == (cohort, plan, "Ruang Baca")
        assert (session.starts_at, session.ends_at) == (march(2, 13), march(2, 15, 15))
        assert session.jp == 3  # 135 minutes
        assert list(session.instructors.all()) == [instructor.user]

    def test_a_room_clash_shows_the_form_again_naming_the_other_session(self, coordinator: Any, cohort: Cohort) -> None:
        other_cohort = CohortFactory(programme__library=coordinator.library, name="Angkatan Mawar")
        session_at(other_cohort, march(2, 9), room="Ruang Baca", plan__title="Klasifikasi DDC")
        plan = SessionPlanFactory(module__programme=cohort.programme)
        response = coordinator.client.post(
            reverse("delivery:session_schedule", args=[cohort.pk]), schedule_post(plan, room="ruang baca")
        )
        assert response.status_code == 200
        [error] = response.context["form"].non_field_errors()
        prefix = translated("Room %(room)s is already booked for “%(title)s” (%(cohort)s), %(when)s.").split("%(")[0]
        assert error.startswith(prefix)
        assert "“Klasifikasi DDC” (Angkatan Mawar)" in error
        assert escape(error) in response.content.decode()
        assert ScheduledSession.objects.count() == 1

    def test_an_instructor_clash_names_the_other_session(
        self, coordinator: Any, instructor: Any, cohort: Cohort
    ) -> None:
        InstructorProfileFactory(library=coordinator.library, user=instructor.user)
        session_at(cohort, march(2, 9), plan__title="Klasifikasi DDC", instructors=[instructor.user])
        plan = SessionPlanFactory(module__programme=cohort.programme)
        response = coordinator.client.post(
            reverse("delivery:session_schedule", args=[cohort.pk]),
            schedule_post(plan, instructors=[instructor.user.pk]),
        )
        assert response.status_code == 200
        [error] = response.context["form"].non_field_errors()
        assert instructor.user.full_name in error and "Klasifikasi DDC" in error
        assert ScheduledSession.objects.count() == 1

    def test_an_end_before_the_start_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        plan = SessionPlanFactory(module__programme=cohort.programme)
        response = coordinator.client.post(
            reverse("delivery:session_schedule", args=[cohort.pk]), schedule_post(plan, start="10:00", end="09:00")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["end"] == [translated("A session must end after it starts.")]
        assert not ScheduledSession.objects.exists()

    def test_a_plan_of_another_programme_cannot_be_chosen(self, coordinator: Any, cohort: Cohort) -> None:
        plan = SessionPlanFactory(module__programme__library=coordinator.library)
        response = coordinator.client.post(reverse("delivery:session_schedule", args=[cohort.pk]), schedule_post(plan))
        assert "plan" in response.context["form"].errors
        assert not ScheduledSession.objects.exists()


class TestSessionEdit:
    def test_the_coordinator_moves_a_session(self, coordinator: Any, cohort: Cohort) -> None:
        session = session_at(cohort, march(2, 8), room="Aula")
        response = coordinator.client.post(
            reverse("delivery:session_edit", args=[session.pk]),
            schedule_post(session.plan, day="2026-03-04", start="10:00", end="12:15", room="Aula"),
        )
        assert response["Location"] == reverse("delivery:session_detail", args=[session.pk])
        session.refresh_from_db()
        assert (session.starts_at, session.ends_at, session.jp) == (march(4, 10), march(4, 12, 15), 3)

    def test_the_form_starts_from_the_current_local_times(self, coordinator: Any, cohort: Cohort) -> None:
        session = session_at(cohort, march(2, 6, 30), minutes=60)  # 23:30 UTC the day before
        form = coordinator.client.get(reverse("delivery:session_edit", args=[session.pk])).context["form"]
        assert (form.initial["day"], str(form.initial["start"]), str(form.initial["end"])) == (
            date(2026, 3, 2),
            "06:30:00",
            "07:30:00",
        )

    def test_moving_onto_another_sessions_room_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        session_at(cohort, march(3, 8), room="Aula", plan__title="Klasifikasi DDC")
        session = session_at(cohort, march(2, 8), room="Aula")
        response = coordinator.client.post(
            reverse("delivery:session_edit", args=[session.pk]),
            schedule_post(session.plan, day="2026-03-03", start="09:00", end="10:00", room="Aula"),
        )
        assert response.status_code == 200
        [error] = response.context["form"].non_field_errors()
        assert "Klasifikasi DDC" in error
        session.refresh_from_db()
        assert session.starts_at == march(2, 8)

    def test_keeping_its_own_slot_is_no_clash(self, coordinator: Any, cohort: Cohort) -> None:
        session = session_at(cohort, march(2, 8), room="Aula")
        response = coordinator.client.post(
            reverse("delivery:session_edit", args=[session.pk]),
            schedule_post(session.plan, start="08:00", end="10:00", room="Aula"),
        )
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.ends_at == march(2, 10)

    def test_an_end_before_the_start_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        session = session_at(cohort, march(2, 8))
        response = coordinator.client.post(
            reverse("delivery:session_edit", args=[session.pk]), schedule_post(session.plan, start="10:00", end="10:00")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["end"] == [translated("A session must end after it starts.")]
        session.refresh_from_db()
        assert session.starts_at == march(2, 8)


# Session page and attendance --------------------------------------------------------------------


@pytest.fixture
def taught(instructor: Any, participant: Any, cohort: Cohort) -> ScheduledSession:
    """A session of ``cohort`` taught by the instructor persona, with the participant persona enrolled."""
    enrolled(cohort, participant.user)
    return session_at(cohort, march(2, 8), instructors=[instructor.user], plan__title="Pengantar Katalogisasi")


class TestSessionDetail:
    def test_the_instructor_who_teaches_it_sees_the_attendance_table(
        self, instructor: Any, participant: Any, cohort: Cohort, taught: ScheduledSession
    ) -> None:
        other = member(cohort.library, full_name="Ani Lestari")
        enrolled(cohort, other)
        enrolled(cohort, member(cohort.library, full_name="Waiting Person"), status=Enrolment.Status.WAITLISTED)
        Attendance.objects.create(
            library=cohort.library, session=taught, user=other, status=Attendance.Status.EXCUSED, note="Sakit"
        )

        response = instructor.client.get(reverse("delivery:session_detail", args=[taught.pk]))

        html = response.content.decode()
        assert response.context["teaches"] is True
        assert [(e.user.full_name, a.status if a else None) for e, a in response.context["rows"]] == [
            ("Ani Lestari", Attendance.Status.EXCUSED),
            (participant.user.full_name, None),
        ]
        assert f'id="attendance-{other.pk}"' in html and f'id="attendance-{participant.user.pk}"' in html
        assert "Waiting Person" not in html
        assert reverse("delivery:checkin_screen", args=[taught.pk]) in html
        assert reverse("delivery:attendance_sheet", args=[taught.pk, "pdf"]) in html
        assert reverse("delivery:session_edit", args=[taught.pk]) not in html  # moving is the coordinator's

    def test_a_participant_sees_their_own_attendance_and_no_table(
        self, participant: Any, cohort: Cohort, taught: ScheduledSession
    ) -> None:
        other = member(cohort.library, full_name="Ani Lestari")
        enrolled(cohort, other)
        Attendance.objects.create(
            library=cohort.library,
            session=taught,
            user=participant.user,
            status=Attendance.Status.LATE,
            checked_in_at=march(2, 8, 20),
        )

        response = participant.client.get(reverse("delivery:session_detail", args=[taught.pk]))

        html = response.content.decode()
        assert response.context["teaches"] is False
        assert "rows" not in response.context
        assert response.context["mine"].status == Attendance.Status.LATE
        with translation.override("id"):
            status = Attendance.Status.LATE.label
            line = translation.gettext("Your attendance: %(status)s") % {"status": status}
        assert escape(line) in html and "08:20" in html
        assert "attendance-table" not in html and 'id="attendance-' not in html
        assert "Ani Lestari" not in html
        assert reverse("delivery:checkin_screen", args=[taught.pk]) not in html


class TestAttendanceMark:
    def url(self, session: ScheduledSession, user: Any) -> str:
        return reverse("delivery:attendance_mark", args=[session.pk, user.pk])

    def test_an_htmx_mark_returns_only_the_row(
        self, instructor: Any, participant: Any, taught: ScheduledSession
    ) -> None:
        response = instructor.client.post(
            self.url(taught, participant.user),
            {"status": Attendance.Status.EXCUSED, "note": "Dinas luar"},
            headers=HTMX,
        )
        assert response.status_code == 200
        html = response.content.decode().strip()
        assert html.startswith(f'<tr id="attendance-{participant.user.pk}"') and html.endswith("</tr>")
        assert "<html" not in html
        assert indonesian("Saved") in html
        attendance = Attendance.objects.get(session=taught, user=participant.user)
        assert (attendance.status, attendance.note, attendance.marked_by) == (
            Attendance.Status.EXCUSED,
            "Dinas luar",
            instructor.user,
        )
        assert attendance.method == Attendance.Method.MANUAL
        assert 'value="excused" selected' in html

    def test_an_unknown_status_is_a_400_with_the_error_in_the_row(
        self, instructor: Any, participant: Any, taught: ScheduledSession
    ) -> None:
        response = instructor.client.post(self.url(taught, participant.user), {"status": "asleep"}, headers=HTMX)
        assert response.status_code == 400
        html = response.content.decode().strip()
        assert html.startswith(f'<tr id="attendance-{participant.user.pk}"')
        assert indonesian("Choose present, late, excused or absent.") in html
        assert indonesian("Saved") not in html
        assert not Attendance.objects.exists()

    def test_a_plain_post_saves_and_goes_back_to_the_session(
        self, coordinator: Any, participant: Any, taught: ScheduledSession
    ) -> None:
        response = coordinator.client.post(self.url(taught, participant.user), {"status": Attendance.Status.PRESENT})
        assert response.status_code == 302
        assert response["Location"] == reverse("delivery:session_detail", args=[taught.pk])
        attendance = Attendance.objects.get(session=taught, user=participant.user)
        assert attendance.status == Attendance.Status.PRESENT and attendance.checked_in_at is not None

    def test_a_plain_post_with_an_unknown_status_redirects_with_an_error(
        self, coordinator: Any, participant: Any, taught: ScheduledSession
    ) -> None:
        response = coordinator.client.post(self.url(taught, participant.user), {"status": "asleep"})
        assert response.status_code == 302
        assert flashed(response) == [("error", translated("Choose present, late, excused or absent."))]
        assert not Attendance.objects.exists()

    def test_someone_not_enrolled_is_404(self, instructor: Any, cohort: Cohort, taught: ScheduledSession) -> None:
        [waiting] = enrolled(cohort, member(cohort.library), status=Enrolment.Status.WAITLISTED)
        response = instructor.client.post(self.url(taught, waiting.user), {"status": "present"}, headers=HTMX)
        assert response.status_code == 404
        assert not Attendance.objects.exists()


# Check-in ---------------------------------------------------------------------------------------


def open_session(cohort: Cohort, **kwargs: Any) -> ScheduledSession:
    """A session that started ten minutes ago and runs for another 80: check-in is open."""
    return session_at(cohort, timezone.now() - timedelta(minutes=10), **kwargs)


def codes_around_now(session: ScheduledSession) -> set[str]:
    step = checkin.step_at(timezone.now())
    return {checkin.code_for(session.checkin_secret, s) for s in range(step - 5, step + 3)}


class TestCheckinScreen:
    def test_htmx_refresh_returns_the_code_fragment_with_a_qr(
        self, instructor: Any, cohort: Cohort, participant: Any
    ) -> None:
        enrolled(cohort, participant.user)
        session = open_session(cohort, instructors=[instructor.user])
        before = checkin.current_code(session.checkin_secret, timezone.now())

        response = instructor.client.get(reverse("delivery:checkin_screen", args=[session.pk]), headers=HTMX)

        after = checkin.current_code(session.checkin_secret, timezone.now())
        html = response.content.decode().strip()
        assert html.startswith('<div id="checkin-code"') and html.endswith("</div>")
        assert "<html" not in html
        [shown] = re.findall(r'<p class="checkin-digits"[^>]*>(\d{3} \d{3})</p>', html)
        assert shown.replace(" ", "") in {before, after}
        assert "<svg" in html and "</svg>" in html
        assert 'id="checkin-count"' not in html  # the count has its own, cheaper fragment

    def test_the_full_page_has_the_session_and_the_fragment(self, coordinator: Any, cohort: Cohort) -> None:
        session = open_session(cohort, plan__title="Pengantar Katalogisasi")
        html = coordinator.client.get(reverse("delivery:checkin_screen", args=[session.pk])).content.decode()
        assert "<html" in html and "Pengantar Katalogisasi" in html and 'id="checkin-code"' in html
        assert 'id="checkin-count"' in html

    def test_more_than_thirty_minutes_before_the_start_says_not_yet(self, coordinator: Any, cohort: Cohort) -> None:
        session = session_at(cohort, timezone.now() + timedelta(minutes=45))
        response = coordinator.client.get(reverse("delivery:checkin_screen", args=[session.pk]), headers=HTMX)
        html = response.content.decode()
        assert html.strip().startswith('<div id="checkin-code"')
        assert indonesian("Check-in opens 30 minutes before the session starts.") in html
        assert "<svg" not in html and "checkin-digits" not in html


class TestCheckIn:
    @pytest.fixture
    def session(self, participant: Any, cohort: Cohort) -> ScheduledSession:
        enrolled(cohort, participant.user)
        return open_session(cohort, plan__title="Pengantar Katalogisasi")

    def url(self, session: ScheduledSession) -> str:
        return reverse("delivery:check_in_session", args=[session.pk])

    def test_the_qr_link_fills_in_the_code(self, participant: Any, session: ScheduledSession) -> None:
        response = participant.client.get(self.url(session), {"kode": "123456"})
        assert response.context["form"]["code"].value() == "123456"
        assert 'value="123456"' in response.content.decode()
        assert response.context["session"] == session

    def test_the_current_code_checks_the_participant_in(self, participant: Any, session: ScheduledSession) -> None:
        code = checkin.current_code(session.checkin_secret, timezone.now())
        response = participant.client.post(self.url(session), {"code": f"{code[:3]} {code[3:]}"})
        assert response.status_code == 302
        assert response["Location"] == reverse("delivery:session_detail", args=[session.pk])
        attendance = Attendance.objects.get(session=session, user=participant.user)
        assert (attendance.status, attendance.method) == (Attendance.Status.PRESENT, Attendance.Method.CODE)
        with translation.override("id"):
            present = Attendance.Status.PRESENT.label
            expected = translation.gettext("Checked in: %(status)s. Enjoy the session!") % {"status": present}
        assert flashed(response) == [("success", expected)]

    def test_checking_in_again_says_already(self, participant: Any, session: ScheduledSession) -> None:
        code = checkin.current_code(session.checkin_secret, timezone.now())
        participant.client.post(self.url(session), {"code": code}, follow=True)  # shows (uses up) the first message
        response = participant.client.post(self.url(session), {"code": code})
        assert response.status_code == 302
        with translation.override("id"):
            present = Attendance.Status.PRESENT.label
            expected = translation.gettext("You were already checked in (%(status)s).") % {"status": present}
        assert expected != "You were already checked in (Present)."
        assert flashed(response) == [("info", expected)]
        assert Attendance.objects.filter(session=session, user=participant.user).count() == 1

    def test_a_wrong_code_is_explained_on_the_code_field(self, participant: Any, session: ScheduledSession) -> None:
        valid = codes_around_now(session)
        wrong = next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in valid)
        response = participant.client.post(self.url(session), {"code": wrong})
        assert response.status_code == 200
        message = translated("This code has expired or belongs to another session. Type the code shown now.")
        assert response.context["form"].errors["code"] == [message]
        assert escape(message) in response.content.decode()
        assert not Attendance.objects.exists()

    def test_without_a_session_the_only_open_one_is_chosen(
        self, participant: Any, cohort: Cohort, session: ScheduledSession
    ) -> None:
        session_at(cohort, timezone.now() + timedelta(hours=3))  # not open yet
        response = participant.client.get(reverse("delivery:check_in"))
        assert response.context["session"] == session
        assert "Pengantar Katalogisasi" in response.content.decode()

    def test_without_a_session_the_only_open_one_gets_the_code(
        self, participant: Any, session: ScheduledSession
    ) -> None:
        code = checkin.current_code(session.checkin_secret, timezone.now())
        response = participant.client.post(reverse("delivery:check_in"), {"code": code})
        assert response["Location"] == reverse("delivery:session_detail", args=[session.pk])
        assert Attendance.objects.filter(session=session, user=participant.user).exists()

    def test_with_two_open_sessions_the_participant_chooses(self, participant: Any, cohort: Cohort) -> None:
        enrolled(cohort, participant.user)
        first, second = open_session(cohort), open_session(cohort)
        page = participant.client.get(reverse("delivery:check_in"))
        assert page.context["session"] is None
        assert set(page.context["open_sessions"]) == {first, second}
        code = checkin.current_code(second.checkin_secret, timezone.now())
        response = participant.client.post(reverse("delivery:check_in"), {"code": code, "session": second.pk})
        assert response["Location"] == reverse("delivery:session_detail", args=[second.pk])
        assert list(Attendance.objects.values_list("session_id", flat=True)) == [second.pk]

    def test_with_no_open_session_the_page_says_so(self, participant: Any, cohort: Cohort) -> None:
        enrolled(cohort, participant.user)
        session_at(cohort, timezone.now() + timedelta(hours=3))
        response = participant.client.get(reverse("delivery:check_in"))
        html = response.content.decode()
        assert response.context["session"] is None and response.context["open_sessions"] == []
        assert (
            indonesian("None of your sessions is open for check-in now. It opens 30 minutes before a session starts.")
            in html
        )
        assert 'name="code"' not in html


# Instructors ------------------------------------------------------------------------------------


def instructor_post(**fields: Any) -> dict[str, Any]:
    data = {
        "person": "",
        "full_name": "",
        "email": "",
        "kind": InstructorProfile.Kind.INTERNAL,
        "organisation": "",
        "years_experience": "0",
        "bio": "",
        "certifications": "",
    }
    return {**data, **fields}


class TestInstructorAdd:
    def test_an_existing_person_is_registered(self, coordinator: Any, participant: Any) -> None:
        unit = CompetencyFactory(library=coordinator.library)
        response = coordinator.client.post(
            reverse("delivery:instructor_add"),
            instructor_post(person=participant.user.pk, years_experience="4", expertise=[unit.pk]),
        )
        assert response["Location"] == reverse("delivery:instructor_list")
        profile = InstructorProfile.objects.get()
        assert (profile.library, profile.user, profile.years_experience) == (
            coordinator.library,
            participant.user,
            4,
        )
        assert list(profile.expertise.all()) == [unit]
        assert Membership.objects.filter(user=participant.user, role=Role.INSTRUCTOR, is_active=True).exists()
        assert mail.outbox == []

    def test_a_new_person_is_created_and_invited_by_email(
        self, coordinator: Any, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(
                reverse("delivery:instructor_add"),
                instructor_post(
                    full_name="Dr. Rina Wulandari",
                    email="Rina.Wulandari@Kampus.ac.id",
                    kind=InstructorProfile.Kind.EXTERNAL,
                    organisation="Universitas Airlangga",
                ),
            )
        assert response["Location"] == reverse("delivery:instructor_list")
        person = User.objects.get(full_name="Dr. Rina Wulandari")
        assert person.email == "rina.wulandari@kampus.ac.id"
        assert not person.has_usable_password()
        profile = InstructorProfile.objects.get()
        assert (profile.user, profile.kind, profile.organisation) == (
            person,
            InstructorProfile.Kind.EXTERNAL,
            "Universitas Airlangga",
        )
        assert Membership.objects.filter(user=person, library=coordinator.library, role=Role.INSTRUCTOR).exists()
        assert person.username == "rina.wulandari@kampus.ac.id"
        # the invitation every new person gets (a one-time link to set a password), not a reset email
        [invitation] = mail.outbox
        assert invitation.to == ["rina.wulandari@kampus.ac.id"]
        assert "/akun/undangan/" in invitation.body and person.username in invitation.body
        assert SignInCode.objects.get().user == person

    @pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
    def test_either_an_existing_or_a_new_person(self, coordinator: Any, participant: Any, both: bool) -> None:
        fields = {"person": participant.user.pk, "full_name": "Rina", "email": "rina@contoh.id"} if both else {}
        users = User.objects.count()
        response = coordinator.client.post(reverse("delivery:instructor_add"), instructor_post(**fields))
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            translated("Choose an existing person or give a new person's name, not both.")
        ]
        assert not InstructorProfile.objects.exists()
        assert User.objects.count() == users
        assert mail.outbox == []

    def test_a_new_person_needs_an_email(self, coordinator: Any) -> None:
        response = coordinator.client.post(reverse("delivery:instructor_add"), instructor_post(full_name="Rina"))
        assert response.status_code == 200
        assert "email" in response.context["form"].errors
        assert not User.objects.filter(full_name="Rina").exists()

    def test_an_email_someone_already_uses_is_refused_and_nothing_is_sent(
        self, coordinator: Any, participant: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(
                reverse("delivery:instructor_add"),
                instructor_post(full_name="Rina Baru", email=participant.user.email.upper()),
            )
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == [
            translated("Another person already uses this email address.")
        ]
        assert not User.objects.filter(full_name="Rina Baru").exists()
        assert not InstructorProfile.objects.exists()
        assert mail.outbox == []

    def test_a_person_already_registered_is_not_offered(self, coordinator: Any, instructor: Any) -> None:
        InstructorProfileFactory(library=coordinator.library, user=instructor.user)
        response = coordinator.client.post(
            reverse("delivery:instructor_add"), instructor_post(person=instructor.user.pk)
        )
        assert "person" in response.context["form"].errors
        assert InstructorProfile.objects.count() == 1


class TestInstructorEdit:
    def test_the_coordinator_saves_expertise(self, coordinator: Any, instructor: Any) -> None:
        profile = InstructorProfileFactory(library=coordinator.library, user=instructor.user)
        units = [CompetencyFactory(library=coordinator.library) for _ in range(2)]
        response = coordinator.client.post(
            reverse("delivery:instructor_edit", args=[profile.pk]),
            {
                "kind": InstructorProfile.Kind.INTERNAL,
                "organisation": "",
                "years_experience": "6",
                "bio": "Pustakawan ahli madya.",
                "certifications": "",
                "expertise": [u.pk for u in units],
            },
        )
        assert response["Location"] == reverse("delivery:instructor_list")
        profile.refresh_from_db()
        assert (profile.years_experience, profile.bio) == (6, "Pustakawan ahli madya.")
        assert set(profile.expertise.all()) == set(units)

    def test_expertise_of_another_library_is_refused(self, coordinator: Any, instructor: Any, library_b: Any) -> None:
        profile = InstructorProfileFactory(library=coordinator.library, user=instructor.user)
        foreign = CompetencyFactory(library=library_b)
        response = coordinator.client.post(
            reverse("delivery:instructor_edit", args=[profile.pk]),
            {"kind": "internal", "years_experience": "1", "expertise": [foreign.pk]},
        )
        assert response.status_code == 200
        assert "expertise" in response.context["form"].errors
        assert not profile.expertise.exists()


# Personal schedule and JP -----------------------------------------------------------------------


class TestMySchedule:
    def test_lists_upcoming_sessions_only(self, participant: Any, cohort: Cohort) -> None:
        enrolled(cohort, participant.user)
        now = timezone.now()
        session_at(cohort, now - timedelta(days=2), plan__title="Sudah Lewat")
        running = session_at(cohort, now - timedelta(minutes=30), plan__title="Sedang Berjalan")
        later = session_at(cohort, now + timedelta(days=3), plan__title="Minggu Depan")
        other_cohort = CohortFactory(programme__library=participant.library)
        session_at(other_cohort, now + timedelta(days=1), plan__title="Bukan Angkatan Saya")

        response = participant.client.get(reverse("delivery:my_schedule"))

        html = response.content.decode()
        assert response.context["sessions"] == [running, later]
        assert "Sedang Berjalan" in html and "Minggu Depan" in html
        assert "Sudah Lewat" not in html and "Bukan Angkatan Saya" not in html

    def test_an_instructor_sees_the_sessions_they_teach(self, instructor: Any, cohort: Cohort) -> None:
        now = timezone.now()
        mine = session_at(cohort, now + timedelta(days=1), instructors=[instructor.user])
        session_at(cohort, now + timedelta(days=2))
        response = instructor.client.get(reverse("delivery:my_schedule"))
        assert response.context["sessions"] == [mine]


class TestJpLedger:
    def test_shows_each_participants_jp_for_the_year(self, coordinator: Any, participant: Any, cohort: Cohort) -> None:
        ani = member(coordinator.library, full_name="Ani Lestari", nip="198001012005012001")
        enrolled(cohort, participant.user, ani)
        long_session = session_at(cohort, march(2), minutes=180)  # 4 JP
        short_session = session_at(cohort, march(3), minutes=90)  # 2 JP
        for session, person, status in [
            (long_session, ani, Attendance.Status.PRESENT),
            (short_session, ani, Attendance.Status.LATE),
            (long_session, participant.user, Attendance.Status.EXCUSED),
            (short_session, participant.user, Attendance.Status.PRESENT),
        ]:
            Attendance.objects.create(library=cohort.library, session=session, user=person, status=status)

        response = coordinator.client.get(reverse("delivery:jp_ledger"), {"tahun": "2026"})

        assert response.context["year"] == 2026
        assert [(p.full_name, p.sessions, p.jp) for p in response.context["people"]] == [
            ("Ani Lestari", 2, 6),
            (participant.user.full_name, 1, 2),
        ]
        html = response.content.decode()
        assert re.search(r"Ani Lestari</td>.*?198001012005012001.*?>2</td>\s*<td[^>]*>6", html, re.S)
        assert f"{reverse('delivery:jp_ledger_export')}?tahun=2026" in html

    def test_another_year_counts_nothing(self, coordinator: Any, participant: Any, cohort: Cohort) -> None:
        enrolled(cohort, participant.user)
        session = session_at(cohort, march(2))
        Attendance.objects.create(
            library=cohort.library, session=session, user=participant.user, status=Attendance.Status.PRESENT
        )
        response = coordinator.client.get(reverse("delivery:jp_ledger"), {"tahun": "2025"})
        assert [(p.full_name, p.jp) for p in response.context["people"]] == [(participant.user.full_name, 0)]

    def test_a_bad_year_falls_back_to_this_year(self, coordinator: Any) -> None:
        response = coordinator.client.get(reverse("delivery:jp_ledger"), {"tahun": "abc"})
        assert response.status_code == 200
        assert response.context["year"] == timezone.localdate().year


# Discussion groups ------------------------------------------------------------------------------


class TestGroups:
    @pytest.fixture
    def people(self, participant: Any, cohort: Cohort) -> list[User]:
        others = [member(cohort.library, full_name=f"Peserta {n}", work_unit=f"Unit {n % 2}") for n in range(5)]
        enrolled(cohort, participant.user, *others)
        return [participant.user, *others]

    def test_the_coordinator_forms_groups(self, coordinator: Any, cohort: Cohort, people: list[User]) -> None:
        response = coordinator.client.post(
            reverse("delivery:cohort_groups", args=[cohort.pk]), {"action": "form", "group_count": "2"}
        )
        assert response["Location"] == reverse("delivery:cohort_groups", args=[cohort.pk])
        groups = list(DiscussionGroup.objects.filter(cohort=cohort))
        assert len(groups) == 2
        sizes = sorted(g.members.count() for g in groups)
        assert sizes == [3, 3]
        assert set(GroupMember.objects.values_list("user_id", flat=True)) == {p.pk for p in people}
        assert [level for level, _text in flashed(response)] == ["success"]

    def test_a_missing_group_count_is_an_error_message(
        self, coordinator: Any, cohort: Cohort, people: list[User]
    ) -> None:
        response = coordinator.client.post(
            reverse("delivery:cohort_groups", args=[cohort.pk]), {"action": "form", "group_count": "x"}
        )
        assert response.status_code == 302
        assert [level for level, _text in flashed(response)] == ["error"]
        assert not DiscussionGroup.objects.exists()

    def test_the_coordinator_moves_a_member(self, coordinator: Any, cohort: Cohort, people: list[User]) -> None:
        first, second = services.groups_form(actor=coordinator.user, cohort=cohort, group_count=2)
        mover = first.members.first()
        response = coordinator.client.post(
            reverse("delivery:cohort_groups", args=[cohort.pk]), {"user": mover.pk, "group": second.pk}
        )
        assert response.status_code == 302
        assert GroupMember.objects.get(cohort=cohort, user=mover).group == second
        assert (first.members.count(), second.members.count()) == (2, 4)

        coordinator.client.post(reverse("delivery:cohort_groups", args=[cohort.pk]), {"user": mover.pk, "group": ""})
        assert not GroupMember.objects.filter(user=mover).exists()
        page = coordinator.client.get(reverse("delivery:cohort_groups", args=[cohort.pk]))
        assert page.context["ungrouped"] == [mover]

    def test_a_participant_sees_the_groups_read_only(
        self, coordinator: Any, participant: Any, cohort: Cohort, people: list[User]
    ) -> None:
        services.groups_form(actor=coordinator.user, cohort=cohort, group_count=2)
        response = participant.client.get(reverse("delivery:cohort_groups", args=[cohort.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        for person in people:
            assert person.full_name in html
        assert len(response.context["groups"]) == 2
        assert 'name="group_count"' not in html and 'name="group"' not in html and 'name="user"' not in html
        assert response.context["ungrouped"] == []

    def test_the_participant_dashboard_shows_their_group(
        self, coordinator: Any, participant: Any, cohort: Cohort, people: list[User]
    ) -> None:
        services.groups_form(actor=coordinator.user, cohort=cohort, group_count=2)
        mine = DiscussionGroup.objects.get(memberships__user=participant.user)
        others = DiscussionGroup.objects.exclude(pk=mine.pk).get()
        html = participant.client.get(reverse("dashboard")).content.decode()
        assert indonesian("Your discussion group") in html
        section = html.split('id="group-heading"')[1].split("</section>")[0]
        assert mine.name in section
        for person in mine.members.all():
            assert person.full_name in section
        for person in others.members.all():
            assert person.full_name not in section


# Query counts -----------------------------------------------------------------------------------

# Each page's queries, whatever the number of rows. The first request of a client warms its session.
# Every request starts with three: the session, the user and their memberships (the access).

COHORT_LIST_QUERIES = 3 + 1  # the cohorts with their counts
COHORT_DETAIL_QUERIES = 3 + 5  # cohort, sessions, their instructors, roster, the roster's sign-in states
# session, "teaches?" (selector), instructors (the view's "teaches?" too), roster, attendance, materials,
# who is blocked from checking in (too many wrong codes)
SESSION_DETAIL_QUERIES = 3 + 7
JP_LEDGER_QUERIES = 3 + 1  # one query for the ledger
MY_SCHEDULE_QUERIES = 3 + 3  # sessions, their instructors, their materials


def warm(persona: Any) -> None:
    persona.client.get(reverse("dashboard"))


@pytest.mark.parametrize("size", [2, 12])
def test_cohort_list_queries(coordinator: Any, size: int, django_assert_num_queries: Any) -> None:
    for _ in range(size):
        cohort = CohortFactory(programme__library=coordinator.library)
        enrolled(cohort, member(coordinator.library))
        session_at(cohort, march(2))
    warm(coordinator)
    with django_assert_num_queries(COHORT_LIST_QUERIES):
        response = coordinator.client.get(reverse("delivery:cohort_list"))
    assert len(response.context["cohorts"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_cohort_detail_queries(
    coordinator: Any, instructor: Any, cohort: Cohort, size: int, django_assert_num_queries: Any
) -> None:
    teachers = [instructor.user, member(cohort.library, Role.INSTRUCTOR)]
    for n in range(size):
        session_at(cohort, march(2 + n % 5, 8 + n // 5), instructors=teachers)
        enrolled(cohort, member(cohort.library), status=Enrolment.Status.ENROLLED if n % 3 else "waitlisted")
    warm(coordinator)
    with django_assert_num_queries(COHORT_DETAIL_QUERIES):
        response = coordinator.client.get(reverse("delivery:cohort_detail", args=[cohort.pk]))
    assert len(response.context["sessions"]) == size


@pytest.mark.parametrize("size", [3, 20])
def test_session_detail_queries(instructor: Any, cohort: Cohort, size: int, django_assert_num_queries: Any) -> None:
    session = session_at(cohort, march(2), instructors=[instructor.user])
    people = [member(cohort.library) for _ in range(size)]
    enrolled(cohort, *people)
    for person in people[::2]:
        Attendance.objects.create(
            library=cohort.library, session=session, user=person, status="present", checked_in_at=march(2, 8, 5)
        )
    warm(instructor)
    with django_assert_num_queries(SESSION_DETAIL_QUERIES):
        response = instructor.client.get(reverse("delivery:session_detail", args=[session.pk]))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [2, 15])
def test_jp_ledger_queries(coordinator: Any, cohort: Cohort, size: int, django_assert_num_queries: Any) -> None:
    session = session_at(cohort, march(2))
    for _ in range(size):
        person = member(cohort.library)
        enrolled(cohort, person)
        Attendance.objects.create(library=cohort.library, session=session, user=person, status="present")
    warm(coordinator)
    with django_assert_num_queries(JP_LEDGER_QUERIES):
        response = coordinator.client.get(reverse("delivery:jp_ledger"), {"tahun": "2026"})
    assert len(response.context["people"]) == size


@pytest.mark.parametrize("size", [2, 15])
def test_my_schedule_queries(participant: Any, cohort: Cohort, size: int, django_assert_num_queries: Any) -> None:
    enrolled(cohort, participant.user)
    teacher = member(cohort.library, Role.INSTRUCTOR)
    now = timezone.now()
    for n in range(size):
        session_at(cohort, now + timedelta(days=n + 1), instructors=[teacher])
    warm(participant)
    with django_assert_num_queries(MY_SCHEDULE_QUERIES):
        response = participant.client.get(reverse("delivery:my_schedule"))
    assert len(response.context["sessions"]) == size
