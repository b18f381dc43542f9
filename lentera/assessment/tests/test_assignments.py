"""Services of rubrics, assignments, grading and live observation, and their part in completion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import LibraryFactory, UserFactory
from lentera.assessment import assignment_services as services
from lentera.assessment.assignment_selectors import observation_result, required_work
from lentera.assessment.exam_selectors import cohort_completion
from lentera.assessment.models import Assignment, ObservationSheet, RubricScore, Submission
from lentera.assessment.tests.factories import levels_by_points, make_assignment, make_rubric
from lentera.delivery.models import Cohort
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """The messages are asserted as written in the code (the Indonesian ones are checked by the .po tests)."""
    with translation.override("en"):
        yield


@pytest.fixture
def cohort() -> Cohort:
    return CohortFactory()


@pytest.fixture
def learner(cohort: Cohort) -> Any:
    return EnrolmentFactory(cohort=cohort).user


def _grade(submission: Submission, points: list[int]) -> None:
    rubric = submission.assignment.rubric
    levels = levels_by_points(rubric)
    for criterion, value in zip(rubric.criteria.all(), points, strict=True):
        services.submission_score(
            actor=None, submission=submission, criterion_id=criterion.pk, level_id=levels[value].pk, comment="ok"
        )


# Rubrics


def test_a_rubric_is_saved_with_its_grid_and_audited(cohort: Cohort) -> None:
    rubric = make_rubric(cohort.library)
    assert [c.name for c in rubric.criteria.all()][:2] == ["Salam", "Mendengarkan"]
    assert [level.points for level in rubric.levels.all()] == [4, 3, 2, 1]
    assert rubric.criteria.first().descriptors.count() == 4
    assert AuditEntry.objects.filter(action="rubric.create").exists()


def test_a_rubric_needs_two_levels_and_a_criterion(cohort: Cohort) -> None:
    with pytest.raises(ValidationError, match="two levels"):
        make_rubric(cohort.library, levels=[("Baik", 1)])
    with pytest.raises(ValidationError, match="more than 0"):
        make_rubric(cohort.library, levels=[("A", 0), ("B", 0)])


def test_a_used_rubric_is_locked_and_a_copy_can_change(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    _grade(submission, [4, 4, 4, 4, 4])
    rubric = assignment.rubric
    with pytest.raises(ValidationError, match="make a copy"):
        services.rubric_save(
            actor=None,
            library=cohort.library,
            rubric=rubric,
            title="x",
            levels=[("a", 1), ("b", 2)],
            criteria=[("c", [])],
        )
    copy = services.rubric_copy(actor=None, rubric=rubric)
    assert copy.pk != rubric.pk and copy.criteria.count() == 5
    assert copy.criteria.first().descriptors.first().text == "Salam: Sangat baik"


# Assignments


def test_an_assignment_attaches_to_a_practice_session(cohort: Cohort) -> None:
    assignment = make_assignment(cohort, due_at=timezone.now() + timedelta(days=2))
    assert assignment.library == cohort.library and not assignment.is_required  # optional unless said
    assert AuditEntry.objects.filter(action="assignment.create").exists()


def test_a_lecture_takes_no_assignment(cohort: Cohort) -> None:
    with pytest.raises(ValidationError, match="practice, case-study and role-play"):
        make_assignment(cohort, method="lecture")


def test_a_rubric_of_another_library_is_refused(cohort: Cohort) -> None:
    with pytest.raises(ValidationError, match="belong to this library"):
        make_assignment(cohort, rubric=make_rubric(LibraryFactory()))


def test_a_hand_in_needs_at_least_one_way(cohort: Cohort) -> None:
    with pytest.raises(ValidationError, match="at least one way"):
        make_assignment(cohort, accepts_text=False, accepts_file=False, accepts_link=False)


def test_the_pass_mark_is_at_most_100(cohort: Cohort) -> None:
    with pytest.raises(ValidationError):
        make_assignment(cohort, pass_percent=120)


# Submissions


def test_handing_in_twice_keeps_one_submission_and_late_work_is_marked(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, due_at=timezone.now() - timedelta(hours=1))
    services.submission_save(actor=learner, assignment=assignment, text="Versi 1")
    again = services.submission_save(actor=learner, assignment=assignment, text="Versi 2", link="https://contoh.id/a")
    assert Submission.objects.count() == 1
    assert again.text == "Versi 2" and again.is_late


def test_a_file_is_judged_by_content_and_stored_under_a_generated_name(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    pdf = SimpleUploadedFile("tugas saya.pdf", b"%PDF-1.4 isi", content_type="application/pdf")
    submission = services.submission_save(actor=learner, assignment=assignment, upload=pdf)
    assert submission.original_name == "tugas saya.pdf" and "tugas" not in submission.file.name
    fake = SimpleUploadedFile("virus.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not accepted"):
        services.submission_save(actor=learner, assignment=assignment, upload=fake)


def test_only_the_cohorts_participants_hand_in(cohort: Cohort) -> None:
    with pytest.raises(ValidationError, match="Only participants"):
        services.submission_save(actor=UserFactory(), assignment=make_assignment(cohort), text="x")


def test_a_way_the_assignment_does_not_accept_is_refused(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, accepts_link=False)
    with pytest.raises(ValidationError, match="does not take a link"):
        services.submission_save(actor=learner, assignment=assignment, link="https://contoh.id")


def test_an_empty_hand_in_is_refused(cohort: Cohort, learner: Any) -> None:
    with pytest.raises(ValidationError, match="Hand in something"):
        services.submission_save(actor=learner, assignment=make_assignment(cohort), text="  ")
    assert not Submission.objects.exists()


def test_observed_work_has_nothing_to_hand_in(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    with pytest.raises(ValidationError, match="observation"):
        services.submission_save(actor=learner, assignment=assignment, text="x")


# Grading


def test_grading_criterion_by_criterion_then_release(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    _grade(submission, [4, 3, 3, 2, 4])  # 16 of 20
    released = services.submission_release(actor=None, submission=submission, comment="Bagus")
    assert released.score_percent == pytest.approx(80.0) and released.graded_at
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.submission_save(actor=learner, assignment=assignment, text="Ubah")


def test_a_grade_is_released_only_when_every_criterion_has_a_level(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    first = assignment.rubric.criteria.first()
    services.submission_score(
        actor=None, submission=submission, criterion_id=first.pk, level_id=levels_by_points(assignment.rubric)[4].pk
    )
    with pytest.raises(ValidationError, match="every criterion"):
        services.submission_release(actor=None, submission=submission)
    submission.refresh_from_db()
    assert submission.graded_at is None


def test_a_level_of_another_rubric_is_refused(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    other = make_rubric(cohort.library)
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    with pytest.raises(ValidationError, match="Choose a level"):
        services.submission_score(
            actor=None,
            submission=submission,
            criterion_id=assignment.rubric.criteria.first().pk,
            level_id=other.levels.first().pk,
        )
    assert not RubricScore.objects.exists()


def test_regrading_after_release_updates_the_score_and_is_audited(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort)
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    _grade(submission, [4, 4, 4, 4, 4])
    services.submission_release(actor=None, submission=submission)
    services.submission_score(
        actor=None,
        submission=submission,
        criterion_id=assignment.rubric.criteria.first().pk,
        level_id=levels_by_points(assignment.rubric)[1].pk,
    )
    submission.refresh_from_db()
    assert submission.score_percent == pytest.approx(85.0)  # 17 of 20
    assert AuditEntry.objects.filter(action="submission.regrade").exists()


# Live observation


def _observe(assignment: Assignment, observer: Any, person: Any, points: list[int]) -> ObservationSheet:
    levels = levels_by_points(assignment.rubric)
    sheet = None
    for criterion, value in zip(assignment.rubric.criteria.all(), points, strict=True):
        sheet = services.observation_score(
            actor=observer,
            assignment=assignment,
            participant=person,
            criterion_id=criterion.pk,
            level_id=levels[value].pk,
        )
    assert sheet is not None
    return sheet


def test_two_observers_sheets_are_kept_and_averaged(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    instructor, peer = UserFactory(), EnrolmentFactory(cohort=cohort).user
    _observe(assignment, instructor, learner, [4, 4, 3, 3, 2])  # 16/20 = 80 %
    _observe(assignment, peer, learner, [3, 3, 3, 3, 2])  # 14/20 = 70 %
    result = observation_result(assignment=assignment, participant=learner)
    assert [round(sheet.score_percent) for sheet, _scores in result.sheets] == [80, 70]
    assert result.percent == pytest.approx(75.0)
    first = assignment.rubric.criteria.first()
    assert result.criterion_means[first.pk] == pytest.approx(3.5)


def test_changing_a_level_replaces_it_on_the_same_sheet(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    observer = UserFactory()
    _observe(assignment, observer, learner, [1, 1, 1, 1, 1])
    sheet = _observe(assignment, observer, learner, [4, 4, 4, 4, 4])
    assert ObservationSheet.objects.count() == 1 and sheet.scores.count() == 5
    assert sheet.score_percent == pytest.approx(100.0)


def test_an_observation_tap_keeps_its_level_and_comment_in_eight_queries(
    cohort: Cohort, learner: Any, django_assert_num_queries: Any
) -> None:
    """One tap on the phone's sheet: the savepoint pair, the enrolment, the rubric's criteria and
    levels, the sheet, the level written in one statement, the sheet's levels (17 before)."""
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    observer = UserFactory()
    first, second = list(assignment.rubric.criteria.all())[:2]
    levels = levels_by_points(assignment.rubric)
    services.observation_score(
        actor=observer, assignment=assignment, participant=learner, criterion_id=first.pk, level_id=levels[4].pk
    )
    with django_assert_num_queries(8):
        sheet = services.observation_score(
            actor=observer,
            assignment=assignment,
            participant=learner,
            criterion_id=str(second.pk),
            level_id=str(levels[2].pk),
            comment="  Kurang kontak mata ",
        )
    assert sheet.scores.get(criterion=second).comment == "Kurang kontak mata"
    with django_assert_num_queries(8):  # the same criterion again: its level and comment replaced
        services.observation_score(
            actor=observer, assignment=assignment, participant=learner, criterion_id=second.pk, level_id=levels[3].pk
        )
    scores = {s.criterion_id: (s.level.points, s.comment) for s in sheet.scores.select_related("level")}
    assert scores == {first.pk: (4, ""), second.pk: (3, "")}
    assert sheet.score_percent is None  # three criteria have no level yet


def test_a_whole_sheet_saved_at_once_is_what_tapping_each_criterion_leaves(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    tapped_by, sent_by = UserFactory(), UserFactory()
    criteria = list(assignment.rubric.criteria.all())
    levels = levels_by_points(assignment.rubric)
    points = [4, 3, 3, 2, 4]
    tapped = _observe(assignment, tapped_by, learner, points)
    picks = [(c.pk, levels[p].pk, "") for c, p in zip(criteria, points, strict=True)]
    sent = services.observation_scores_save(
        actor=sent_by,
        assignment=assignment,
        participant=learner,
        picks=[(criteria[0].pk, levels[1].pk, "ganti"), *picks],  # the first criterion's last pick wins
    )
    assert sent.score_percent == tapped.score_percent == pytest.approx(80.0)

    def levels_of(sheet: ObservationSheet) -> list[tuple[int, int, str]]:
        return [(s.criterion_id, s.level_id, s.comment) for s in sheet.scores.order_by("pk")]

    assert levels_of(sent) == levels_of(tapped)  # in the same order, with the same levels


def test_a_whole_sheet_with_one_level_of_another_rubric_is_refused_whole(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    other = make_rubric(cohort.library)
    criteria = list(assignment.rubric.criteria.all())
    good = levels_by_points(assignment.rubric)[4]
    foreign = levels_by_points(other)[4]
    with pytest.raises(ValidationError, match="Choose a level of this rubric"):
        services.observation_scores_save(
            actor=UserFactory(),
            assignment=assignment,
            participant=learner,
            picks=[(criteria[0].pk, good.pk, ""), (criteria[1].pk, foreign.pk, "")],
        )
    assert not RubricScore.objects.exists() and not ObservationSheet.objects.exists()


def test_nobody_observes_themselves(cohort: Cohort, learner: Any) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    with pytest.raises(ValidationError, match="themselves"):
        _observe(assignment, learner, learner, [4, 4, 4, 4, 4])


def test_only_participants_of_the_cohort_are_observed(cohort: Cohort) -> None:
    assignment = make_assignment(cohort, method="role_play", mode=Assignment.Mode.OBSERVATION)
    with pytest.raises(ValidationError, match="Only participants"):
        _observe(assignment, UserFactory(), UserFactory(), [4, 4, 4, 4, 4])


def test_handed_in_work_is_not_observed(cohort: Cohort, learner: Any) -> None:
    with pytest.raises(ValidationError, match="not observed"):
        _observe(make_assignment(cohort), UserFactory(), learner, [4, 4, 4, 4, 4])


# Completion


def _finished_cohort_with_attendance_and_post_test(cohort: Cohort, learner: Any) -> None:
    """The learner met attendance and post-test: only the assignments decide."""
    from lentera.assessment import exam_services as exams
    from lentera.assessment.services import question_save
    from lentera.delivery.models import Attendance

    session = ScheduledSessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=3))
    session.ends_at = session.starts_at + timedelta(minutes=90)
    session.save()
    Attendance.objects.create(library=cohort.library, session=session, user=learner, status=Attendance.Status.PRESENT)
    question = question_save(actor=None, library=cohort.library, kind="true_false", text="Benar?", true_answer=True)
    test = exams.test_create(actor=None, cohort=cohort, kind="post", title="Post", questions=[question])
    exams.test_set_open(actor=None, test=test, is_open=True)
    attempt = exams.attempt_start(user=learner, test=test)
    right = question.choices.get(is_correct=True)
    exams.answer_save(attempt=attempt, question=question, chosen=[right.pk], text="")
    exams.attempt_submit(attempt=attempt)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.FINISHED)
    cohort.refresh_from_db()


def test_a_failed_required_assignment_stops_completion(cohort: Cohort, learner: Any) -> None:
    _finished_cohort_with_attendance_and_post_test(cohort, learner)
    assignment = make_assignment(cohort, is_required=True, session={"starts_at": timezone.now() + timedelta(days=2)})
    submission = services.submission_save(actor=learner, assignment=assignment, text="Jawaban")
    _grade(submission, [2, 2, 2, 2, 2])  # 50 %
    services.submission_release(actor=None, submission=submission)
    (row,) = cohort_completion(cohort=cohort)
    assert row.status == "not_completed" and row.computed.reasons == ["assignments"]


def test_a_passed_required_assignment_completes(cohort: Cohort, learner: Any) -> None:
    _finished_cohort_with_attendance_and_post_test(cohort, learner)
    assignment = make_assignment(
        cohort,
        method="role_play",
        mode=Assignment.Mode.OBSERVATION,
        is_required=True,
        session={"starts_at": timezone.now() + timedelta(days=2)},
    )
    _observe(assignment, UserFactory(), learner, [3, 3, 3, 3, 3])  # 75 %
    (row,) = cohort_completion(cohort=cohort)
    assert row.status == "completed"


def test_an_optional_assignment_does_not_count(cohort: Cohort, learner: Any) -> None:
    _finished_cohort_with_attendance_and_post_test(cohort, learner)
    make_assignment(cohort, is_required=False, session={"starts_at": timezone.now() + timedelta(days=2)})
    assert required_work(cohort=cohort).passed(learner.pk) is None
    (row,) = cohort_completion(cohort=cohort)
    assert row.status == "completed"
