"""Assessment's part of a person's personal data (UU PDP): what ``accounts`` exports and erases.

Registered with ``lentera.accounts.personal_data`` from ``AssessmentConfig.ready()``: tests
with their attempts and answers, the decisions about a person (extra attempts, completion),
the work they handed in, and the role plays they were observed in. Erasure keeps every score
(the gain still adds up); what they wrote goes, and reasons and comments lose their name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Prefetch

from lentera.accounts.models import User
from lentera.accounts.personal_data import ErasureContext, Exported, register, safe_name, when
from lentera.assessment.models import (
    Answer,
    Attempt,
    AttemptGrant,
    Choice,
    CompletionOverride,
    ObservationSheet,
    RubricScore,
    Submission,
)


def _scrub_columns(context: ErasureContext, model: type[Model], columns: list[str]) -> None:
    for row in context.mentioning(model, columns):
        model._default_manager.filter(pk=row.pk).update(**{c: context.scrub(getattr(row, c)) for c in columns})


def _tests(user: User) -> list[dict[str, Any]]:
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("test__cohort")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("id")))
        .order_by("started_at", "number")
    )
    chosen_ids = {int(pk) for a in attempts for answer in a.answers.all() for pk in answer.chosen or []}
    choices = dict(Choice.objects.filter(pk__in=chosen_ids).values_list("pk", "text")) if chosen_ids else {}
    return [
        {
            "cohort": a.test.cohort.name,
            "test": a.test.title,
            "kind": a.test.kind,
            "attempt": a.number,
            "started": when(a.started_at),
            "submitted": when(a.submitted_at),
            "correct": a.correct,
            "questions": a.total,
            "score_percent": a.score,
            "answers": [
                {
                    "question": answer.question.text,
                    "chosen": [choices.get(int(pk), "") for pk in answer.chosen or []],
                    "text": answer.text,
                    "correct": answer.is_correct,
                }
                for answer in a.answers.all()
            ],
        }
        for a in attempts
    ]


def _erase_from_answers(user: User, context: ErasureContext) -> None:
    _scrub_columns(context, Answer, ["text"])


def _extra_attempts(user: User) -> list[dict[str, Any]]:
    grants = AttemptGrant.objects.filter(user=user).select_related("test__cohort").order_by("created_at")
    return [
        {"test": g.test.title, "cohort": g.test.cohort.name, "reason": g.reason, "when": when(g.created_at)}
        for g in grants
    ]


def _erase_from_grants(user: User, context: ErasureContext) -> None:
    _scrub_columns(context, AttemptGrant, ["reason"])


def _completion_decisions(user: User) -> list[dict[str, Any]]:
    overrides = CompletionOverride.objects.filter(user=user).select_related("cohort").order_by("created_at")
    return [
        {"cohort": o.cohort.name, "status": o.status, "reason": o.reason, "when": when(o.created_at)} for o in overrides
    ]


def _erase_from_overrides(user: User, context: ErasureContext) -> None:
    _scrub_columns(context, CompletionOverride, ["reason"])


_SCORES = Prefetch("scores", queryset=RubricScore.objects.select_related("criterion", "level").order_by("id"))


def _scores(scores: Iterable[RubricScore]) -> list[dict[str, Any]]:
    return [
        {"criterion": s.criterion.name, "level": s.level.label, "points": s.level.points, "comment": s.comment}
        for s in scores
    ]


def _assignments(user: User) -> Exported:
    submissions = list(
        Submission.objects.filter(user=user)
        .select_related("assignment__session__cohort")
        .prefetch_related(_SCORES)
        .order_by("submitted_at")
    )
    files = [
        (f"files/submissions/{s.pk}-{safe_name(s.original_name or s.file.name)}", s.file.name)
        for s in submissions
        if s.file
    ]
    return Exported(
        data=[
            {
                "cohort": s.assignment.session.cohort.name,
                "assignment": s.assignment.title,
                "handed_in": when(s.submitted_at),
                "text": s.text,
                "link": s.link,
                "file": s.original_name,
                "graded": when(s.graded_at),
                "score_percent": s.score_percent,
                "comment": s.comment,
                "criteria": _scores(s.scores.all()),
            }
            for s in submissions
        ],
        files=files,
    )


def _erase_assignments(user: User, context: ErasureContext) -> None:
    """What they handed in goes (the grade stays); comments on anyone's work lose their name."""
    for submission in Submission.objects.filter(user=user):
        if submission.file:
            context.delete_file(submission.file.name)
    Submission.objects.filter(user=user).update(text="", link="", file="", original_name="", content_type="")
    _scrub_columns(context, Submission, ["comment"])
    _scrub_columns(context, RubricScore, ["comment"])  # on hand-ins and observation sheets alike


def _observations(user: User) -> list[dict[str, Any]]:
    sheets = (
        ObservationSheet.objects.filter(participant=user)
        .select_related("assignment__session__cohort")
        .prefetch_related(_SCORES)
        .order_by("updated_at")
    )
    return [
        {
            "cohort": s.assignment.session.cohort.name,
            "assignment": s.assignment.title,
            "score_percent": s.score_percent,
            "comment": s.comment,
            "criteria": _scores(s.scores.all()),
        }
        for s in sheets
    ]


def _erase_from_observations(user: User, context: ErasureContext) -> None:
    _scrub_columns(context, ObservationSheet, ["comment"])


register("tests", export=_tests, erase=_erase_from_answers, order=80)
register("extra_attempts_allowed", export=_extra_attempts, erase=_erase_from_grants, order=90)
register("completion_decisions", export=_completion_decisions, erase=_erase_from_overrides, order=100)
register("assignments", export=_assignments, erase=_erase_assignments, order=110)
register("observed_role_plays", export=_observations, erase=_erase_from_observations, order=120)
