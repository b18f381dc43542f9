"""Pre- and post-tests: building from the bank, attempts, answers saved as given, scoring, gain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lentera.accounts.models import AuditEntry
from lentera.assessment import exam_services as exams
from lentera.assessment.exam_selectors import cohort_results
from lentera.assessment.gain import Band
from lentera.assessment.models import Attempt
from lentera.assessment.services import question_save
from lentera.curriculum.tests.factories import CompetencyFactory
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(library_a: Any) -> Any:
    return CohortFactory(programme__library=library_a)


def single(library: Any, text: str, competency: Any = None) -> Any:
    return question_save(
        actor=None,
        library=library,
        kind="single",
        text=text,
        options=[("benar", True), ("salah", False)],
        competencies=[competency] if competency else [],
    )


def right(question: Any) -> list[int]:
    return [c.pk for c in question.choices.all() if c.is_correct]


def wrong(question: Any) -> list[int]:
    return [c.pk for c in question.choices.all() if not c.is_correct]


def take(test: Any, person: Any, correct: int) -> Attempt:
    attempt = exams.attempt_start(user=person, test=test)
    for n, item in enumerate(test.items.select_related("question")):
        exams.answer_save(
            attempt=attempt,
            question=item.question,
            chosen=right(item.question) if n < correct else wrong(item.question),
        )
    return exams.attempt_submit(attempt=attempt)


class TestBuilding:
    def test_by_hand_in_the_given_order(self, cohort: Any) -> None:
        questions = [single(cohort.library, f"Soal {i}") for i in range(3)]
        test = exams.test_create(actor=None, cohort=cohort, kind="pre", title="Pre-test", questions=questions[::-1])
        assert [i.question for i in test.items.all()] == questions[::-1]
        assert AuditEntry.objects.filter(action="test.create").count() == 1

    def test_by_rule_n_per_competency_without_repeats(self, cohort: Any) -> None:
        ti, ddc = CompetencyFactory(library=cohort.library), CompetencyFactory(library=cohort.library)
        for i in range(4):
            single(cohort.library, f"TI {i}", ti)
            single(cohort.library, f"DDC {i}", ddc)
        test = exams.test_create(actor=None, cohort=cohort, kind="post", title="Post", rule={ti: 2, ddc: 3}, seed=1)
        picked = [i.question for i in test.items.all()]
        assert len(picked) == len(set(picked)) == 5
        assert sum(1 for q in picked if ti in q.competencies.all()) == 2
        again = CohortFactory(programme=cohort.programme)
        same = exams.test_create(actor=None, cohort=again, kind="post", title="Post", rule={ti: 2, ddc: 3}, seed=1)
        assert [i.question for i in same.items.all()] == picked  # repeatable with the same seed

    def test_a_rule_asking_for_more_than_the_bank_has_is_refused(self, cohort: Any) -> None:
        ti = CompetencyFactory(library=cohort.library)
        single(cohort.library, "TI", ti)
        with pytest.raises(ValidationError) as error:
            exams.test_create(actor=None, cohort=cohort, kind="pre", title="x", rule={ti: 2})
        assert "rule" in error.value.message_dict

    def test_questions_of_another_library_or_out_of_use_are_refused(self, cohort: Any, library_b: Any) -> None:
        with pytest.raises(ValidationError):
            exams.test_create(actor=None, cohort=cohort, kind="pre", title="x", questions=[single(library_b, "B")])
        with pytest.raises(ValidationError):
            exams.test_create(actor=None, cohort=cohort, kind="pre", title="x", questions=[])

    def test_one_pre_test_per_cohort(self, cohort: Any) -> None:
        question = single(cohort.library, "Soal")
        exams.test_create(actor=None, cohort=cohort, kind="pre", title="a", questions=[question])
        with pytest.raises(ValidationError):
            exams.test_create(actor=None, cohort=cohort, kind="pre", title="b", questions=[question])


class TestAttempts:
    @pytest.fixture
    def test(self, cohort: Any) -> Any:
        questions = [single(cohort.library, f"Soal {i}") for i in range(4)]
        test = exams.test_create(actor=None, cohort=cohort, kind="post", title="Post", questions=questions)
        return exams.test_set_open(actor=None, test=test, is_open=True)

    @pytest.fixture
    def learner(self, cohort: Any) -> Any:
        return EnrolmentFactory(cohort=cohort).user

    def test_answers_are_kept_as_given_and_the_attempt_resumes(self, test: Any, learner: Any) -> None:
        attempt = exams.attempt_start(user=learner, test=test)
        first = test.items.first().question
        exams.answer_save(attempt=attempt, question=first, chosen=wrong(first))
        exams.answer_save(attempt=attempt, question=first, chosen=right(first))  # changed her mind
        resumed = exams.attempt_start(user=learner, test=test)  # the tab was closed and opened again
        assert resumed.pk == attempt.pk
        assert [a.is_correct for a in resumed.answers.all()] == [True]

    def test_submitting_twice_records_one_attempt(self, test: Any, learner: Any) -> None:
        attempt = take(test, learner, correct=3)
        again = exams.attempt_submit(attempt=attempt)
        assert (again.correct, again.total, again.score) == (3, 4, 75.0)
        assert Attempt.objects.count() == 1

    def test_unanswered_questions_count_as_wrong(self, test: Any, learner: Any) -> None:
        attempt = exams.attempt_start(user=learner, test=test)
        first = test.items.first().question
        exams.answer_save(attempt=attempt, question=first, chosen=right(first))
        assert exams.attempt_submit(attempt=attempt).score == 25.0

    def test_one_attempt_unless_another_is_granted(self, test: Any, learner: Any) -> None:
        take(test, learner, correct=1)
        with pytest.raises(ValidationError):
            exams.attempt_start(user=learner, test=test)
        with pytest.raises(ValidationError):
            exams.attempt_grant(actor=None, test=test, user=learner, reason="  ")
        exams.attempt_grant(actor=None, test=test, user=learner, reason="Listrik padam saat tes")
        second = exams.attempt_start(user=learner, test=test)
        assert second.number == 2
        assert AuditEntry.objects.filter(action="test.grant_attempt").count() == 1

    def test_answers_after_submitting_or_after_the_time_limit_are_refused(self, test: Any, learner: Any) -> None:
        test.time_limit_minutes = 10
        test.save()
        attempt = exams.attempt_start(user=learner, test=test)
        question = test.items.first().question
        late = attempt.started_at + timedelta(minutes=11, seconds=1)
        with pytest.raises(ValidationError):
            exams.answer_save(attempt=attempt, question=question, chosen=right(question), now=late)
        exams.answer_save(
            attempt=attempt,
            question=question,
            chosen=right(question),
            now=attempt.started_at + timedelta(minutes=10, seconds=30),
        )  # within the grace
        exams.attempt_submit(attempt=attempt)
        with pytest.raises(ValidationError):
            exams.answer_save(attempt=attempt, question=question, chosen=wrong(question))

    def test_foreign_questions_and_options_are_refused(self, test: Any, learner: Any, cohort: Any) -> None:
        attempt = exams.attempt_start(user=learner, test=test)
        outsider = single(cohort.library, "Bukan bagian tes")
        with pytest.raises(ValidationError):
            exams.answer_save(attempt=attempt, question=outsider, chosen=right(outsider))
        question = test.items.first().question
        with pytest.raises(ValidationError):
            exams.answer_save(attempt=attempt, question=question, chosen=right(outsider))

    def test_closed_test_or_not_enrolled(self, test: Any, learner: Any, cohort: Any) -> None:
        from lentera.accounts.tests.factories import UserFactory

        with pytest.raises(ValidationError):
            exams.attempt_start(user=UserFactory(), test=test)
        exams.test_set_open(actor=None, test=test, is_open=False)
        with pytest.raises(ValidationError):
            exams.attempt_start(user=learner, test=test)


class TestResults:
    def test_cohort_gain_and_item_analysis_from_real_attempts(self, cohort: Any) -> None:
        questions = [single(cohort.library, f"Soal {i}") for i in range(4)]
        pre = exams.test_set_open(
            actor=None,
            test=exams.test_create(actor=None, cohort=cohort, kind="pre", title="Pre", questions=questions),
            is_open=True,
        )
        post = exams.test_set_open(
            actor=None,
            test=exams.test_create(actor=None, cohort=cohort, kind="post", title="Post", questions=questions),
            is_open=True,
        )
        people = [EnrolmentFactory(cohort=cohort).user for _ in range(3)]
        # pre 25, 50, 100 %; post 75, 100, 100 %: the third is excluded (pre = 100)
        for person, before, after in zip(people, (1, 2, 4), (3, 4, 4), strict=True):
            take(pre, person, correct=before)
            take(post, person, correct=after)
        results = cohort_results(cohort=cohort)
        assert results.gain.n == 2
        assert (results.gain.pre_mean, results.gain.post_mean) == (37.5, 87.5)
        assert results.gain.g == pytest.approx(50 / 62.5)
        assert results.gain.g_band is Band.HIGH
        assert results.gain.excluded_full_pre == [people[2].pk]
        assert len(results.items) == 4
        assert results.items[0].difficulty == 1.0  # everyone got the first question right
        assert timezone.now()  # results are computed now, from submitted attempts only
