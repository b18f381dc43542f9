"""Reads for rubrics and assignments, each scoped by library and role (another library: 404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lentera.assessment.models import (
    Assignment,
    ObservationSheet,
    Rubric,
    RubricCriterion,
    RubricDescriptor,
    RubricScore,
    Submission,
)
from lentera.assessment.rubric import all_passed, average_percent, criterion_means
from lentera.lib.tenancy import scoped


def rubrics_for_user(*, access: Any) -> QuerySet[Rubric]:
    if not (access.is_coordinator or access.is_instructor):
        raise PermissionDenied
    return scoped(Rubric, access.current_library)


def rubric_get_for_user(*, access: Any, pk: int) -> Rubric:
    rubric = rubrics_for_user(access=access).filter(pk=pk).first()
    if rubric is None:
        raise Http404
    return rubric


@dataclass(frozen=True)
class GridRow:
    criterion: RubricCriterion
    cells: list[tuple[Any, str]]  # (level, descriptor)


def rubric_grid(*, rubric: Rubric) -> tuple[list[Any], list[GridRow]]:
    """The rubric as a table: its levels and, per criterion, each level's descriptor (three queries)."""
    levels = list(rubric.levels.all())
    texts = {(d.criterion_id, d.level_id): d.text for d in RubricDescriptor.objects.filter(criterion__rubric=rubric)}
    rows = [
        GridRow(criterion, [(level, texts.get((criterion.pk, level.pk), "")) for level in levels])
        for criterion in rubric.criteria.all()
    ]
    return levels, rows


def assignment_get_for_user(*, access: Any, pk: int, judge: bool = False, observe: bool = False) -> Assignment:
    """An assignment: coordinators and the session's instructors judge it; the cohort's participants
    hand in work, see their own result and (``observe``) fill peer observation sheets."""
    from lentera.delivery.models import Enrolment

    assignment = (
        scoped(Assignment, access.library)
        .select_related("session__cohort__programme", "session__plan", "rubric")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if access.is_coordinator:
        return assignment
    if access.is_instructor and assignment.session.instructor_links.filter(user=access.user).exists():
        return assignment
    if judge:
        raise PermissionDenied
    if (
        access.is_participant
        and Enrolment.objects.filter(
            cohort_id=assignment.session.cohort_id, user=access.user, status=Enrolment.Status.ENROLLED
        ).exists()
    ):
        if observe and assignment.mode != Assignment.Mode.OBSERVATION:
            raise PermissionDenied
        return assignment
    raise PermissionDenied


def may_judge(*, access: Any, assignment: Assignment) -> bool:
    return access.is_coordinator or (
        access.is_instructor and assignment.session.instructor_links.filter(user=access.user).exists()
    )


def submission_get_for_user(*, access: Any, pk: int, judge: bool = False) -> Submission:
    """A submission: its author sees it; coordinators and the session's instructors grade it."""
    submission = (
        scoped(Submission, access.library)
        .select_related("assignment__session__cohort", "assignment__rubric", "user")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    if may_judge(access=access, assignment=submission.assignment):
        return submission
    if not judge and submission.user_id == access.user.pk:
        return submission
    raise PermissionDenied


def sessions_assignments(*, session: Any) -> list[Assignment]:
    return list(session.assignments.select_related("rubric").order_by("id"))


@dataclass
class RosterRow:
    user: Any
    submission: Submission | None = None
    sheets: list[ObservationSheet] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        if self.submission is not None:
            return self.submission.score_percent if self.submission.graded_at else None
        return average_percent(sheet.score_percent for sheet in self.sheets)


def assignment_roster(*, assignment: Assignment) -> list[RosterRow]:
    """Every enrolled participant with their submission or observation sheets (three queries)."""
    from lentera.delivery.models import Enrolment

    people = (
        Enrolment.objects.filter(cohort_id=assignment.session.cohort_id, status=Enrolment.Status.ENROLLED)
        .select_related("user")
        .order_by("user__full_name")
    )
    rows = {e.user_id: RosterRow(e.user) for e in people}
    if assignment.mode == Assignment.Mode.SUBMISSION:
        for submission in assignment.submissions.all():
            if submission.user_id in rows:
                rows[submission.user_id].submission = submission
    else:
        for sheet in assignment.sheets.all():
            if sheet.participant_id in rows:
                rows[sheet.participant_id].sheets.append(sheet)
    return list(rows.values())


@dataclass(frozen=True)
class Observation:
    """A participant's observation result: each observer's sheet and the averages."""

    sheets: list[tuple[ObservationSheet, dict[int, RubricScore]]]
    criterion_means: dict[int, float]
    percent: float | None


def observation_result(*, assignment: Assignment, participant: Any) -> Observation:
    sheets = list(
        ObservationSheet.objects.filter(assignment=assignment, participant=participant)
        .select_related("observer")
        .prefetch_related(Prefetch("scores", queryset=RubricScore.objects.select_related("level")))
        .order_by("updated_at")
    )
    picked = [{s.criterion_id: s for s in sheet.scores.all()} for sheet in sheets]
    means = criterion_means({c: s.level.points for c, s in scores.items()} for scores in picked)
    return Observation(
        list(zip(sheets, picked, strict=True)), means, average_percent(sheet.score_percent for sheet in sheets)
    )


@dataclass(frozen=True)
class Total:
    done: int
    count: int
    points: int
    top: int
    percent: float | None


def rubric_total(*, rows: list[GridRow], scores: dict[int, RubricScore]) -> Total:
    """How far a sheet is: criteria scored, points so far, and the percent once complete."""
    from lentera.assessment.rubric import sheet_percent

    top = max((level.points for row in rows[:1] for level, _text in row.cells), default=0)
    picked = {c: s.level.points for c, s in scores.items()}
    percent = sheet_percent(picked, criteria=[row.criterion.pk for row in rows], top_points=top)
    return Total(len(scores), len(rows), sum(picked.values()), top * len(rows), percent)


def scores_of(*, submission: Submission | None) -> dict[int, RubricScore]:
    if submission is None:
        return {}
    return {s.criterion_id: s for s in submission.scores.select_related("level")}


def my_sheet(*, assignment: Assignment, participant: Any, observer: Any) -> tuple[Any, dict[int, RubricScore]]:
    sheet = ObservationSheet.objects.filter(assignment=assignment, participant=participant, observer=observer).first()
    scores = {s.criterion_id: s for s in sheet.scores.select_related("level")} if sheet else {}
    return sheet, scores


def assignments_for_participant(*, access: Any) -> list[tuple[Assignment, Submission | None, float | None]]:
    """The participant's assignments in their current cohorts, with their own work and result (three queries)."""
    from lentera.delivery.models import Enrolment

    assignments = list(
        scoped(Assignment, access.current_library)
        .filter(
            session__cohort__enrolments__user=access.user,
            session__cohort__enrolments__status=Enrolment.Status.ENROLLED,
        )
        .select_related("session__plan", "session__cohort")
        .order_by("-session__starts_at", "id")
    )
    mine = {s.assignment_id: s for s in Submission.objects.filter(assignment__in=assignments, user=access.user)}
    observed: dict[int, list[float | None]] = {}
    for assignment_id, percent in ObservationSheet.objects.filter(
        assignment__in=assignments, participant=access.user
    ).values_list("assignment_id", "score_percent"):
        observed.setdefault(assignment_id, []).append(percent)
    rows = []
    for assignment in assignments:
        submission = mine.get(assignment.pk)
        if assignment.mode == Assignment.Mode.OBSERVATION:
            percent = average_percent(observed.get(assignment.pk, []))
        else:
            percent = submission.score_percent if submission and submission.graded_at else None
        rows.append((assignment, submission, percent))
    return rows


@dataclass(frozen=True)
class RequiredWork:
    """The cohort's required assignments (id → pass mark) and each participant's results."""

    pass_marks: dict[int, int]
    percents: dict[int, dict[int, float | None]]

    def passed(self, user_id: int) -> bool | None:
        """Every required assignment passed? None when the cohort has none."""
        return all_passed(self.percents.get(user_id, {}), pass_marks=self.pass_marks)


def required_work(*, cohort: Any) -> RequiredWork:
    """Results of the cohort's required assignments for everyone, in at most three queries."""
    required = dict(
        Assignment.objects.filter(session__cohort=cohort, is_required=True).values_list("pk", "pass_percent")
    )
    percents: dict[int, dict[int, float | None]] = {}
    if not required:
        return RequiredWork(required, percents)
    for user_id, assignment_id, percent, graded in Submission.objects.filter(assignment_id__in=required).values_list(
        "user_id", "assignment_id", "score_percent", "graded_at"
    ):
        percents.setdefault(user_id, {})[assignment_id] = percent if graded else None
    sheets: dict[tuple[int, int], list[float | None]] = {}
    for user_id, assignment_id, percent in ObservationSheet.objects.filter(assignment_id__in=required).values_list(
        "participant_id", "assignment_id", "score_percent"
    ):
        sheets.setdefault((user_id, assignment_id), []).append(percent)
    for (user_id, assignment_id), values in sheets.items():
        percents.setdefault(user_id, {})[assignment_id] = average_percent(values)
    return RequiredWork(required, percents)


def grading_queue(*, access: Any, limit: int = 5) -> list[Assignment]:
    """Assignments with handed-in work still to grade: every one for a coordinator, the sessions
    they teach for an instructor (one query; each carries ``waiting``)."""
    from django.db.models import Count, Q

    assignments = (
        scoped(Assignment, access.current_library)
        .filter(mode=Assignment.Mode.SUBMISSION)
        .annotate(waiting=Count("submissions", filter=Q(submissions__graded_at__isnull=True)))
        .filter(waiting__gt=0)
    )
    if not access.is_coordinator:
        assignments = assignments.filter(session__instructor_links__user=access.user)
    return list(assignments.select_related("session__cohort").order_by("session__starts_at")[:limit])


def assignments_to_hand_in(*, access: Any, now: Any = None, limit: int = 5) -> list[Assignment]:
    """The participant's assignments whose session has started and that they have not handed in (one query)."""
    from django.utils import timezone

    from lentera.delivery.models import Enrolment

    now = now or timezone.now()
    return list(
        scoped(Assignment, access.current_library)
        .filter(
            mode=Assignment.Mode.SUBMISSION,
            session__starts_at__lte=now,
            session__cohort__enrolments__user=access.user,
            session__cohort__enrolments__status=Enrolment.Status.ENROLLED,
        )
        .exclude(submissions__user=access.user)
        .select_related("session")
        .order_by("due_at", "id")[:limit]
    )
