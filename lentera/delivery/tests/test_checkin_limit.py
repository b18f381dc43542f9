"""Wrong check-in codes are limited per person and session: the code cannot be guessed."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lentera.accounts.models import Membership, Role
from lentera.accounts.personal_data import personal_data_export, user_erase
from lentera.delivery import checkin, selectors, services
from lentera.delivery.checkin import MAX_WRONG_CODES, current_code
from lentera.delivery.models import Attendance, CheckinFailure, Cohort, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db

SECRET = "0123456789abcdef0123456789abcdef"
START = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
NOW = START + timedelta(minutes=5)
BLOCKED = "Too many wrong codes for this session. Ask the instructor to mark your attendance by hand."


def indonesian(message: str) -> str:
    with translation.override("id"):
        text = translation.gettext(message)
    assert text != message, f"no Indonesian translation for {message!r}"
    return text


def wrong_code(session: ScheduledSession, moment: datetime) -> str:
    step = checkin.step_at(moment)
    valid = {checkin.code_for(session.checkin_secret, s) for s in range(step - 4, step + 2)}
    return next(f"{n:06d}" for n in range(100) if f"{n:06d}" not in valid)


def attempt(user: Any, session: ScheduledSession, code: str, now: datetime = NOW) -> services.CheckinResult:
    return services.check_in(user=user, session=session, code=code, now=now)


def fail(user: Any, session: ScheduledSession, times: int, now: datetime = NOW) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(services.CheckinRefused) as refusal:
            attempt(user, session, wrong_code(session, now), now)
        messages.append(refusal.value.messages[0])
    return messages


@pytest.fixture
def cohort(library_a: Any) -> Cohort:
    return CohortFactory(programme__library=library_a)


@pytest.fixture
def lesson(cohort: Cohort) -> ScheduledSession:
    return ScheduledSessionFactory(
        cohort=cohort, starts_at=START, ends_at=START + timedelta(minutes=90), checkin_secret=SECRET
    )


@pytest.fixture
def learner(lesson: ScheduledSession) -> Any:
    return EnrolmentFactory(cohort=lesson.cohort).user


class TestTheLimit:
    @pytest.fixture(autouse=True)
    def english(self) -> Any:
        with translation.override("en"):
            yield

    def test_after_ten_wrong_codes_even_the_right_code_is_refused(self, lesson: ScheduledSession, learner: Any) -> None:
        messages = fail(learner, lesson, MAX_WRONG_CODES)
        with pytest.raises(services.CheckinRefused) as refusal:
            attempt(learner, lesson, current_code(SECRET, NOW))  # the 11th try, with the right code
        assert refusal.value.messages == [BLOCKED]
        assert messages[-1] == BLOCKED  # the 10th wrong code already says what to do
        assert not Attendance.objects.exists()
        assert CheckinFailure.objects.get().wrong == MAX_WRONG_CODES  # tries after the limit are not counted

    def test_the_last_tries_are_counted_down(self, lesson: ScheduledSession, learner: Any) -> None:
        messages = fail(learner, lesson, MAX_WRONG_CODES - 1)
        assert "left" not in messages[5]
        assert messages[6].endswith(" 3 tries left.") and messages[8].endswith(" 1 try left.")

    def test_a_right_code_before_the_limit_still_works(self, lesson: ScheduledSession, learner: Any) -> None:
        fail(learner, lesson, MAX_WRONG_CODES - 1)
        result = attempt(learner, lesson, current_code(SECRET, NOW))
        assert result.created and result.attendance.status == Attendance.Status.PRESENT

    def test_another_person_is_unaffected(self, lesson: ScheduledSession, learner: Any) -> None:
        fail(learner, lesson, MAX_WRONG_CODES)
        other = EnrolmentFactory(cohort=lesson.cohort).user
        assert attempt(other, lesson, current_code(SECRET, NOW)).created

    def test_another_session_is_unaffected(self, lesson: ScheduledSession, learner: Any) -> None:
        fail(learner, lesson, MAX_WRONG_CODES)
        later = ScheduledSessionFactory(
            cohort=lesson.cohort, starts_at=START + timedelta(hours=2), ends_at=START + timedelta(hours=3)
        )
        moment = START + timedelta(hours=2, minutes=1)
        assert attempt(learner, later, current_code(later.checkin_secret, moment), moment).created

    def test_reaching_the_limit_is_in_the_audit_log_once(self, lesson: ScheduledSession, learner: Any) -> None:
        from lentera.accounts.models import AuditEntry

        fail(learner, lesson, MAX_WRONG_CODES - 1)
        assert not AuditEntry.objects.filter(action="checkin.blocked").exists()
        fail(learner, lesson, 3)  # the tenth, then two more after the limit
        [entry] = AuditEntry.objects.filter(action="checkin.blocked")
        assert (entry.actor, entry.library, entry.object_id) == (learner, lesson.library, str(lesson.pk))

    def test_the_instructor_sees_who_is_blocked_until_marked(
        self, lesson: ScheduledSession, learner: Any, instructor: Any
    ) -> None:
        almost = EnrolmentFactory(cohort=lesson.cohort).user
        fail(learner, lesson, MAX_WRONG_CODES)
        fail(almost, lesson, MAX_WRONG_CODES - 1)
        assert selectors.checkin_blocked_user_ids(session=lesson) == {learner.pk}
        services.attendance_mark(actor=instructor.user, session=lesson, user=learner, status=Attendance.Status.LATE)
        assert selectors.checkin_blocked_user_ids(session=lesson) == set()


class TestPages:
    @pytest.fixture
    def session(self, participant: Any, instructor: Any, coordinator: Any) -> ScheduledSession:
        cohort = CohortFactory(programme__library=coordinator.library)
        EnrolmentFactory(cohort=cohort, user=participant.user)
        session = ScheduledSessionFactory(
            cohort=cohort, starts_at=START, ends_at=START + timedelta(minutes=90), instructors=[instructor.user]
        )
        return session

    def test_the_participant_reads_why_in_indonesian(self, participant: Any, session: ScheduledSession) -> None:
        import time_machine

        url = reverse("delivery:check_in_session", args=[session.pk])
        with time_machine.travel(NOW, tick=False):
            for _ in range(MAX_WRONG_CODES):
                participant.client.post(url, {"code": wrong_code(session, NOW)})
            response = participant.client.post(url, {"code": current_code(session.checkin_secret, NOW)})
        assert response.status_code == 200 and response.context["blocked"]
        html = response.content.decode()
        assert escape(indonesian(BLOCKED)) in html
        assert 'name="code"' not in html  # no field to type into: only the instructor can mark them now
        assert not Attendance.objects.exists()
        with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
            again = participant.client.get(url).content.decode()
        assert escape(indonesian(BLOCKED)) in again and 'name="code"' not in again

    def test_the_tenth_wrong_code_shows_the_reason_without_the_field(
        self, participant: Any, session: ScheduledSession
    ) -> None:
        import time_machine

        url = reverse("delivery:check_in_session", args=[session.pk])
        with time_machine.travel(NOW, tick=False):
            for _ in range(MAX_WRONG_CODES - 1):
                participant.client.post(url, {"code": wrong_code(session, NOW)})
            ninth = participant.client.get(url).content.decode()
            tenth = participant.client.post(url, {"code": wrong_code(session, NOW)}).content.decode()
        assert 'name="code"' in ninth
        assert escape(indonesian(BLOCKED)) in tenth and 'name="code"' not in tenth

    def test_the_attendance_list_flags_the_blocked_person(
        self, instructor: Any, participant: Any, session: ScheduledSession
    ) -> None:
        other = EnrolmentFactory(cohort=session.cohort).user
        fail(participant.user, session, MAX_WRONG_CODES)
        flag = escape(indonesian("Too many wrong check-in codes: mark this person by hand."))

        html = instructor.client.get(reverse("delivery:session_detail", args=[session.pk])).content.decode()

        row = html.split(f'id="attendance-{participant.user.pk}"')[1].split("</tr>")[0]
        other_row = html.split(f'id="attendance-{other.pk}"')[1].split("</tr>")[0]
        assert flag in row and flag not in other_row

        marked = instructor.client.post(
            reverse("delivery:attendance_mark", args=[session.pk, participant.user.pk]),
            {"status": "present", "note": ""},
            headers={"HX-Request": "true"},
        )
        assert flag not in marked.content.decode()


class TestPersonalData:
    def test_wrong_codes_are_in_the_export_and_go_with_the_erasure(
        self, lesson: ScheduledSession, learner: Any, coordinator: Any
    ) -> None:
        Membership.objects.get_or_create(user=learner, library=lesson.library, defaults={"role": Role.PARTICIPANT})
        fail(learner, lesson, 2)
        content = personal_data_export(actor=learner, user=learner)
        data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("data.json"))
        [row] = data["wrong_checkin_codes"]
        assert row["wrong_codes"] == 2 and row["session"] == lesson.plan.title
        user_erase(actor=coordinator.user, user=learner, library=lesson.library, reason="permintaan peserta")
        assert not CheckinFailure.objects.exists()
