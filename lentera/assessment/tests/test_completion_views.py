"""Completion per participant from real attendance and post-test results, and the coordinator's override."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lentera.accounts.models import AuditEntry
from lentera.assessment import exam_services as exams
from lentera.assessment.exam_selectors import cohort_completion
from lentera.assessment.services import question_save
from lentera.delivery.models import Attendance
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(coordinator: Any) -> Any:
    cohort = CohortFactory(programme__library=coordinator.library, min_attendance_percent=80, min_post_test_percent=70)
    past = timezone.now() - timedelta(days=10)
    for day in range(5):  # five sessions held
        start = past + timedelta(days=day)
        ScheduledSessionFactory(cohort=cohort, starts_at=start, ends_at=start + timedelta(minutes=90))
    later = timezone.now() + timedelta(days=3)  # one more session to come: the cohort is still running
    ScheduledSessionFactory(cohort=cohort, starts_at=later, ends_at=later + timedelta(minutes=90))
    return cohort


def attend(cohort: Any, person: Any, sessions: int) -> None:
    for session in cohort.sessions.filter(ends_at__lt=timezone.now()).order_by("starts_at")[:sessions]:
        Attendance.objects.create(library=cohort.library, session=session, user=person, status="present")


def post_test(cohort: Any, scores: dict[Any, int]) -> None:
    questions = [
        question_save(actor=None, library=cohort.library, kind="true_false", text=f"Pernyataan {i}", true_answer=True)
        for i in range(10)
    ]
    test = exams.test_set_open(
        actor=None,
        test=exams.test_create(actor=None, cohort=cohort, kind="post", title="Post", questions=questions),
        is_open=True,
    )
    for person, correct in scores.items():
        attempt = exams.attempt_start(user=person, test=test)
        for n, item in enumerate(test.items.select_related("question")):
            choice = [c.pk for c in item.question.choices.all() if c.is_correct == (n < correct)][0]
            exams.answer_save(attempt=attempt, question=item.question, chosen=[choice])
        exams.attempt_submit(attempt=attempt)


def test_statuses_and_reasons_from_attendance_and_the_post_test(cohort: Any) -> None:
    good, absent, weak, missing = (EnrolmentFactory(cohort=cohort).user for _ in range(4))
    attend(cohort, good, 4)  # 80 %
    attend(cohort, absent, 3)  # 60 %
    attend(cohort, weak, 5)
    attend(cohort, missing, 5)
    post_test(cohort, {good: 7, absent: 9, weak: 6})
    rows = {r.user: r for r in cohort_completion(cohort=cohort)}
    assert rows[good].status == "completed" and rows[good].attendance_percent == 80
    assert (rows[absent].status, rows[absent].computed.reasons) == ("in_progress", ["low_attendance"])
    assert rows[weak].computed.reasons == ["low_post_test"]
    assert rows[missing].computed.reasons == ["no_post_test"]
    cohort.status = "finished"
    cohort.save()
    assert {r.user: r.status for r in cohort_completion(cohort=cohort)}[absent] == "not_completed"


def test_the_coordinator_overrides_with_a_reason(coordinator: Any, cohort: Any) -> None:
    person = EnrolmentFactory(cohort=cohort).user
    with pytest.raises(ValidationError):
        exams.completion_override(actor=coordinator.user, cohort=cohort, user=person, status="completed", reason=" ")
    url = reverse("assessment:cohort_completion", args=[cohort.pk])
    coordinator.client.post(url, {"user": person.pk, "status": "completed", "reason": "Tugas pengganti diterima"})
    [row] = cohort_completion(cohort=cohort)
    assert (row.status, row.override.reason) == ("completed", "Tugas pengganti diterima")
    assert AuditEntry.objects.filter(action="completion.override").count() == 1
    coordinator.client.post(url, {"user": person.pk, "status": ""})
    assert cohort_completion(cohort=cohort)[0].override is None
    assert AuditEntry.objects.filter(action="completion.override_removed").count() == 1


def test_the_page_has_a_fixed_number_of_queries(coordinator: Any, cohort: Any, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        attend(cohort, EnrolmentFactory(cohort=cohort).user, 5)
    coordinator.client.get(reverse("dashboard"))
    url = reverse("assessment:cohort_completion", args=[cohort.pk])
    with django_assert_num_queries(11):
        assert coordinator.client.get(url).status_code == 200
    for _ in range(6):
        attend(cohort, EnrolmentFactory(cohort=cohort).user, 2)
    with django_assert_num_queries(11):
        page = coordinator.client.get(url)
    assert len(page.context["rows"]) == 9
