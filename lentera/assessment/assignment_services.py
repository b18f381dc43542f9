"""Writes for rubrics, assignments, submissions, grading and live observation.

Who may call what is decided by the selectors (``assignment_selectors``); these functions keep
the rules of the work itself: a rubric used for a score cannot change, work is handed in only by
the cohort's participants in the forms the assignment accepts, a grade is released only when
every criterion has a level, and nobody observes themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.assessment.models import (
    Assignment,
    ObservationSheet,
    Rubric,
    RubricCriterion,
    RubricDescriptor,
    RubricLevel,
    RubricScore,
    Submission,
)
from lentera.assessment.rubric import sheet_percent
from lentera.curriculum.models import Method
from lentera.lib.uploads import MATERIAL_KINDS, check_upload, display_name, generated_name

ASSIGNABLE_METHODS = (Method.PRACTICE, Method.CASE_STUDY, Method.ROLE_PLAY)
SUBMISSION_MAX_BYTES = 20 * 1024 * 1024


def rubric_is_locked(rubric: Rubric) -> bool:
    """A rubric somebody was scored with keeps its shape (copy it to change it)."""
    return RubricScore.objects.filter(criterion__rubric=rubric).exists()


@transaction.atomic
def rubric_save(
    *,
    actor: Any,
    library: Library,
    title: str,
    levels: Sequence[tuple[str, int]],
    criteria: Sequence[tuple[str, Sequence[str]]],
    description: str = "",
    rubric: Rubric | None = None,
) -> Rubric:
    """Create or replace a rubric's grid (levels × criteria with descriptors)."""
    if rubric is not None and rubric_is_locked(rubric):
        raise ValidationError(_("This rubric has been used for grading; make a copy to change it."))
    if len(levels) < 2:
        raise ValidationError({"levels": _("A rubric needs at least two levels.")})
    if not criteria:
        raise ValidationError({"criteria": _("A rubric needs at least one criterion.")})
    if max(points for _label, points in levels) <= 0:
        raise ValidationError({"levels": _("At least one level must be worth more than 0 points.")})
    creating = rubric is None
    rubric = rubric or Rubric(library=library, created_by=actor)
    rubric.title = title.strip()
    rubric.description = description.strip()
    rubric.full_clean(exclude=["created_by"])
    rubric.save()
    rubric.levels.all().delete()
    rubric.criteria.all().delete()
    level_rows = RubricLevel.objects.bulk_create(
        RubricLevel(rubric=rubric, order=i, label=label.strip(), points=points)
        for i, (label, points) in enumerate(levels)
    )
    for j, (name, texts) in enumerate(criteria):
        criterion = RubricCriterion(rubric=rubric, order=j, name=name.strip())
        criterion.full_clean(exclude=["rubric"])
        criterion.save()
        RubricDescriptor.objects.bulk_create(
            RubricDescriptor(criterion=criterion, level=level, text=(texts[i] if i < len(texts) else "").strip()[:500])
            for i, level in enumerate(level_rows)
        )
    audit_record(
        actor=actor,
        library=library,
        action="rubric.create" if creating else "rubric.update",
        obj=rubric,
        changes={"title": [None, rubric.title], "criteria": [None, len(criteria)], "levels": [None, len(levels)]},
    )
    return rubric


def rubric_copy(*, actor: Any, rubric: Rubric) -> Rubric:
    levels = [(level.label, level.points) for level in rubric.levels.all()]
    descriptors = {
        (d.criterion_id, d.level_id): d.text for d in RubricDescriptor.objects.filter(criterion__rubric=rubric)
    }
    level_ids = [level.pk for level in rubric.levels.all()]
    criteria = [(c.name, [descriptors.get((c.pk, lid), "") for lid in level_ids]) for c in rubric.criteria.all()]
    return rubric_save(
        actor=actor,
        library=rubric.library,
        title=_("Copy of %(title)s") % {"title": rubric.title},
        description=rubric.description,
        levels=levels,
        criteria=criteria,
    )


def _local(moment: datetime | None) -> str:
    """A time for the audit log as the library reads it (its time zone, to the minute), not in UTC."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@transaction.atomic
def assignment_save(
    *,
    actor: Any,
    session: Any,
    title: str,
    rubric: Rubric,
    instructions: str = "",
    mode: str = Assignment.Mode.SUBMISSION,
    due_at: datetime | None = None,
    accepts_text: bool = True,
    accepts_file: bool = False,
    accepts_link: bool = False,
    is_required: bool = False,
    pass_percent: int = 70,
    assignment: Assignment | None = None,
) -> Assignment:
    """Attach (or change) an assignment on a practice, case-study or role-play session."""
    if session.plan.method not in ASSIGNABLE_METHODS:
        raise ValidationError({"session": _("Assignments belong to practice, case-study and role-play sessions only.")})
    if rubric.library_id != session.library_id:
        raise ValidationError({"rubric": _("Choose only items that belong to this library.")})
    if mode == Assignment.Mode.SUBMISSION and not (accepts_text or accepts_file or accepts_link):
        raise ValidationError({"accepts_text": _("Accept at least one way to hand in: text, file or link.")})
    creating = assignment is None
    if (
        assignment is not None
        and assignment.rubric_id != rubric.pk
        and (assignment.submissions.filter(scores__isnull=False).exists() or assignment.sheets.exists())
    ):
        raise ValidationError({"rubric": _("Work has been graded with the current rubric; it cannot be swapped.")})
    assignment = assignment or Assignment(library=session.library, session=session, created_by=actor)
    before = {
        "title": assignment.title,
        "due_at": _local(assignment.due_at),
        "pass_percent": assignment.pass_percent,
        "is_required": assignment.is_required,
    }
    assignment.title = title.strip()
    assignment.instructions = instructions.strip()
    assignment.rubric = rubric
    assignment.mode = mode
    assignment.due_at = due_at
    assignment.accepts_text = accepts_text
    assignment.accepts_file = accepts_file
    assignment.accepts_link = accepts_link
    assignment.is_required = is_required
    assignment.pass_percent = pass_percent
    assignment.full_clean(exclude=["created_by"])
    assignment.save()
    after = {
        "title": assignment.title,
        "due_at": _local(assignment.due_at),
        "pass_percent": assignment.pass_percent,
        "is_required": assignment.is_required,
    }
    audit_record(
        actor=actor,
        library=session.library,
        action="assignment.create" if creating else "assignment.update",
        obj=assignment,
        changes={k: [None if creating else before[k], after[k]] for k in after if creating or before[k] != after[k]},
    )
    return assignment


@transaction.atomic
def submission_save(
    *,
    actor: Any,
    assignment: Assignment,
    text: str = "",
    upload: Any = None,
    link: str = "",
    now: datetime | None = None,
) -> Submission:
    """Hand in (or replace, until it is graded) the participant's work. Repeating it keeps one submission."""
    from lentera.delivery.models import Enrolment

    if assignment.mode != Assignment.Mode.SUBMISSION:
        raise ValidationError(_("This assignment is judged by observation; there is nothing to hand in."))
    if not Enrolment.objects.filter(
        cohort_id=assignment.session.cohort_id, user=actor, status=Enrolment.Status.ENROLLED
    ).exists():
        raise ValidationError(_("Only participants of this cohort hand in work."))
    text, link = text.strip(), link.strip()
    if text and not assignment.accepts_text:
        raise ValidationError({"text": _("This assignment does not take a text answer.")})
    if link and not assignment.accepts_link:
        raise ValidationError({"link": _("This assignment does not take a link.")})
    if upload is not None and not assignment.accepts_file:
        raise ValidationError({"file": _("This assignment does not take a file.")})
    submission = Submission.objects.select_for_update().filter(assignment=assignment, user=actor).first()
    if submission is not None and submission.graded_at:
        raise ValidationError(_("Your work has been graded; it can no longer be changed."))
    if not (text or link or upload is not None or (submission and submission.file)):
        raise ValidationError(_("Hand in something: write an answer, attach a file or give a link."))
    creating = submission is None
    submission = submission or Submission(library=assignment.library, assignment=assignment, user=actor)
    submission.text = text
    submission.link = link
    submission.submitted_at = now or timezone.now()
    if upload is not None:
        kind = check_upload(upload, allowed=MATERIAL_KINDS, max_bytes=SUBMISSION_MAX_BYTES)
        submission.original_name = display_name(upload.name)
        submission.content_type = kind.content_type
        submission.file.save(generated_name(kind), upload, save=False)
    submission.full_clean(exclude=["file", "graded_by"])
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # the same work handed in twice at once: keep the first
        return Submission.objects.get(assignment=assignment, user=actor)
    audit_record(
        actor=actor,
        library=assignment.library,
        action="submission.create" if creating else "submission.update",
        obj=assignment,
        changes={"late": [None, submission.is_late]},
    )
    return submission


def _level_for(rubric_id: int, criterion_id: Any, level_id: Any) -> tuple[RubricCriterion, RubricLevel]:
    criterion = RubricCriterion.objects.filter(rubric_id=rubric_id, pk=_int(criterion_id)).first()
    level = RubricLevel.objects.filter(rubric_id=rubric_id, pk=_int(level_id)).first()
    if criterion is None or level is None:
        raise ValidationError(_("Choose a level of this rubric for each criterion."))
    return criterion, level


def _int(value: Any) -> int:
    """A posted id as a number; 0 (which matches nothing) when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _percent(scores: Any, rubric_id: int) -> float | None:
    picked = {s.criterion_id: s.level.points for s in scores.select_related("level")}
    criteria = RubricCriterion.objects.filter(rubric_id=rubric_id).values_list("pk", flat=True)
    top = max(RubricLevel.objects.filter(rubric_id=rubric_id).values_list("points", flat=True), default=0)
    return sheet_percent(picked, criteria=criteria, top_points=top)


@transaction.atomic
def submission_score(
    *, actor: Any, submission: Submission, criterion_id: Any, level_id: Any, comment: str = ""
) -> RubricScore:
    """Grade one criterion of a submission (the HTMX grading form saves each as it is chosen)."""
    criterion, level = _level_for(submission.assignment.rubric_id, criterion_id, level_id)
    score, _created = RubricScore.objects.update_or_create(
        submission=submission, criterion=criterion, defaults={"level": level, "comment": comment.strip()[:1000]}
    )
    if submission.graded_at:  # a released grade that changes keeps its figure current
        submission.score_percent = _percent(submission.scores.all(), submission.assignment.rubric_id)
        submission.save(update_fields=["score_percent"])
        audit_record(
            actor=actor,
            library=submission.library,
            action="submission.regrade",
            obj=submission.assignment,
            changes={"participant": [None, str(submission.user)], criterion.name: [None, level.label]},
        )
    return score


@transaction.atomic
def submission_release(*, actor: Any, submission: Submission, comment: str = "") -> Submission:
    """Finish grading: every criterion needs a level; the participant then sees the filled rubric."""
    percent = _percent(submission.scores.all(), submission.assignment.rubric_id)
    if percent is None:
        raise ValidationError(_("Choose a level for every criterion before releasing the grade."))
    submission.score_percent = percent
    submission.comment = comment.strip()
    submission.graded_by = actor
    submission.graded_at = submission.graded_at or timezone.now()
    submission.save(update_fields=["score_percent", "comment", "graded_by", "graded_at"])
    audit_record(
        actor=actor,
        library=submission.library,
        action="submission.grade",
        obj=submission.assignment,
        changes={"participant": [None, str(submission.user)], "score": [None, round(percent, 1)]},
    )
    return submission


def _may_be_observed(assignment: Assignment, participant: Any) -> None:
    from lentera.delivery.models import Enrolment

    if assignment.mode != Assignment.Mode.OBSERVATION:
        raise ValidationError(_("This assignment is graded from handed-in work, not observed."))
    if not Enrolment.objects.filter(
        cohort_id=assignment.session.cohort_id, user=participant, status=Enrolment.Status.ENROLLED
    ).exists():
        raise ValidationError(_("Only participants of this cohort are observed."))


@transaction.atomic
def observation_score(
    *, actor: Any, assignment: Assignment, participant: Any, criterion_id: Any, level_id: Any, comment: str = ""
) -> ObservationSheet:
    """The observer picks a level for one criterion on their own sheet for ``participant`` (the
    sheet on a phone saves each as it is tapped)."""
    return _observe(actor, assignment, participant, [(criterion_id, level_id, comment)])


@transaction.atomic
def observation_scores_save(
    *, actor: Any, assignment: Assignment, participant: Any, picks: Sequence[tuple[Any, Any, str]]
) -> ObservationSheet:
    """Levels for several criteria of one observer's sheet at once: ``picks`` of (criterion, level,
    comment), as ``observation_score`` one after another would leave them (the last pick of a
    criterion wins). All or nothing: one level not of the rubric refuses them all."""
    return _observe(actor, assignment, participant, picks)


def _observe(
    actor: Any, assignment: Assignment, participant: Any, picks: Sequence[tuple[Any, Any, str]]
) -> ObservationSheet:
    """Kept short, since an observer taps one criterion after another: the rubric's criteria and
    levels are read once (for the choice and for the sheet's figure), the sheet is looked up
    before any savepoint, and the levels are written in one statement."""
    _may_be_observed(assignment, participant)
    if actor.pk == participant.pk:
        raise ValidationError(_("Nobody observes themselves."))
    rubric_id = assignment.rubric_id
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(rubric_id=rubric_id).order_by()}
    levels = {level.pk: level for level in RubricLevel.objects.filter(rubric_id=rubric_id).order_by()}
    chosen: dict[int, tuple[RubricLevel, str]] = {}
    for criterion_id, level_id, comment in picks:
        criterion, level = criteria.get(_int(criterion_id)), levels.get(_int(level_id))
        if criterion is None or level is None:
            raise ValidationError(_("Choose a level of this rubric for each criterion."))
        # a criterion picked again keeps its place and takes the later level
        chosen[criterion.pk] = (level, comment.strip()[:1000])
    if not chosen:
        raise ValidationError(_("Choose a level of this rubric for each criterion."))
    mine = {"assignment": assignment, "participant": participant, "observer": actor}
    sheet = ObservationSheet.objects.filter(**mine).order_by("pk").first()
    if sheet is None:
        try:
            with transaction.atomic():
                sheet, _created = ObservationSheet.objects.get_or_create(
                    **mine, defaults={"library": assignment.library}
                )
        except IntegrityError:  # two taps at once: the sheet now exists
            sheet = ObservationSheet.objects.get(**mine)
    # one statement whether each level is new or changed (INSERT … ON CONFLICT DO UPDATE)
    RubricScore.objects.bulk_create(
        [
            RubricScore(sheet=sheet, criterion=criteria[pk], level=level, comment=comment)
            for pk, (level, comment) in chosen.items()
        ],
        update_conflicts=True,
        unique_fields=["sheet", "criterion"],
        update_fields=["level", "comment"],
    )
    picked = dict(sheet.scores.order_by().values_list("criterion_id", "level__points"))
    top = max((level.points for level in levels.values()), default=0)
    percent = sheet_percent(picked, criteria=criteria, top_points=top)
    if percent != sheet.score_percent:
        sheet.score_percent = percent
        sheet.save(update_fields=["score_percent", "updated_at"])
    return sheet


@transaction.atomic
def observation_comment(*, actor: Any, assignment: Assignment, participant: Any, comment: str) -> ObservationSheet:
    _may_be_observed(assignment, participant)
    if actor.pk == participant.pk:
        raise ValidationError(_("Nobody observes themselves."))
    sheet, _created = ObservationSheet.objects.get_or_create(
        assignment=assignment, participant=participant, observer=actor, defaults={"library": assignment.library}
    )
    sheet.comment = comment.strip()
    sheet.save(update_fields=["comment", "updated_at"])
    return sheet
