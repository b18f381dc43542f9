"""The projector check-in screen: the code fragment, and the count that updates by itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lentera.accounts.models import Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery import selectors, services
from lentera.delivery.checkin import current_code
from lentera.delivery.models import Attendance, Enrolment, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
NOW = START + timedelta(minutes=5)


def tally(present: int, enrolled: int) -> str:
    with translation.override("id"):
        text = translation.gettext("%(present)s of %(enrolled)s checked in")
    return escape(text % {"present": present, "enrolled": enrolled})


@pytest.fixture
def session(instructor: Any, participant: Any) -> ScheduledSession:
    cohort = CohortFactory(programme__library=instructor.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    for _ in range(2):
        EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    return ScheduledSessionFactory(
        cohort=cohort, starts_at=START, ends_at=START + timedelta(minutes=90), instructors=[instructor.user]
    )


def count_url(session: ScheduledSession) -> str:
    return reverse("delivery:checkin_count", args=[session.pk])


class TestTheCount:
    def test_it_changes_after_a_check_in(self, instructor: Any, participant: Any, session: ScheduledSession) -> None:
        before = instructor.client.get(count_url(session)).content.decode()
        code = current_code(session.checkin_secret, NOW)
        services.check_in(user=participant.user, session=session, code=code, now=NOW)
        after = instructor.client.get(count_url(session)).content.decode()
        assert tally(0, 3) in before and tally(1, 3) in after
        assert after.strip().startswith('<p id="checkin-count"') and "<html" not in after
        assert 'hx-trigger="every 3s"' in after  # the fragment keeps polling

    def test_late_counts_excused_and_absent_do_not_nor_someone_withdrawn(self, session: ScheduledSession) -> None:
        people = list(session.cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("user"))
        for enrolment, status in zip(people, ["late", "excused", "absent"], strict=True):
            Attendance.objects.create(library=session.library, session=session, user=enrolment.user, status=status)
        withdrawn = EnrolmentFactory(cohort=session.cohort, status=Enrolment.Status.WITHDRAWN).user
        Attendance.objects.create(library=session.library, session=session, user=withdrawn, status="present")
        assert selectors.checkin_tally(session=session) == {"present": 1, "enrolled": 3}

    @pytest.mark.parametrize("size", [3, 30])
    def test_it_is_one_query_after_the_access_and_the_session(
        self, coordinator: Any, session: ScheduledSession, size: int, django_assert_num_queries: Any
    ) -> None:
        for _ in range(size):
            user = EnrolmentFactory(cohort=session.cohort).user
            Attendance.objects.create(library=session.library, session=session, user=user, status="present")
        coordinator.client.get(count_url(session))  # warms the client's session
        # the Django session, the user, their memberships; the scheduled session; the count
        with django_assert_num_queries(3 + 1 + 1):
            response = coordinator.client.get(count_url(session))
        assert tally(size, size + 3) in response.content.decode()

    def test_who_may_see_it(
        self, coordinator: Any, participant: Any, coordinator_b: Any, anon: Any, session: ScheduledSession
    ) -> None:
        url = count_url(session)
        assert coordinator.client.get(url).status_code == 200
        assert participant.client.get(url).status_code == 403
        assert coordinator_b.client.get(url).status_code == 404
        response = anon.client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_an_instructor_who_does_not_teach_the_session_may_not(self, session: ScheduledSession) -> None:
        other = UserFactory()
        MembershipFactory(user=other, library=session.library, role=Role.INSTRUCTOR)
        client = Client()
        client.force_login(other)
        assert client.get(count_url(session)).status_code == 403


class TestThePage:
    def test_the_page_polls_the_count_and_the_code_when_it_rotates(
        self, instructor: Any, session: ScheduledSession
    ) -> None:
        with time_machine.travel(NOW + timedelta(seconds=12), tick=False):
            html = instructor.client.get(reverse("delivery:checkin_screen", args=[session.pk])).content.decode()
        assert f'hx-get="{count_url(session)}" hx-trigger="every 3s"' in html
        assert 'hx-trigger="every 18s"' in html  # the code fragment comes back when the code rotates
        assert tally(0, 3) in html
