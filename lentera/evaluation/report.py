"""The Kirkpatrick report of a cohort (reads only): L1 reaction, L2 learning, L3 behaviour,
L4 results, the Phillips ROI and the improvement actions. A fixed number of queries whatever
the number of responses: every figure comes from grouped counts."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from lentera.evaluation.kirkpatrick import BeforeAfter, before_after, roi_percent, window
from lentera.evaluation.likert import ItemStats, item_stats, pooled, response_rate
from lentera.evaluation.models import (
    CohortFeedback,
    Dimension,
    FormItem,
    ImprovementAction,
    Invitation,
    Survey,
    Tally,
)
from lentera.evaluation.services import settings_for

Counts = dict[int, int]
RATINGS = ["1", "2", "3", "4", "5"]


def _invited(**filters: Any) -> Any:
    """The invitations of each round, as a subquery."""
    counted = (
        Invitation.objects.filter(survey=OuterRef("pk"), **filters)
        .order_by()
        .values("survey")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


_RESPONSES = F("participant_responses") + F("supervisor_responses")


def _versions(surveys: Any) -> tuple[list[int], int]:
    """The rounds' ids and their number of responses, the key of their cached counts (one query)."""
    rows = list(surveys.annotate(n=_RESPONSES).order_by("pk").values_list("pk", "n"))
    return [pk for pk, _n in rows], sum(n for _pk, n in rows)


def _rating_counts(ids: list[int], version: int, *, floor: int, role: str | None = None) -> dict[int, Counts]:
    """Per item, its ratings' counts over the rounds ``ids`` with ``version`` responses in all
    (one query, none when cached), summed from the rounds' anonymous counters.

    The anonymity floor holds here as on a round's page: a round's item (for one instructor) that
    fewer than ``floor`` answered counts for nothing, else the sum minus the rounds shown would
    give it back. A rating never changes once given, so the counts are cached under the rounds,
    their number of responses and the floor: a new response makes a new key.
    """
    if not ids:
        return {}
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    key = f"evaluation:rating-counts:{role or 'all'}:{digest}:{version}:{floor}"
    found = cache.get(key)
    if found is not None:
        return found
    tallies = Tally.objects.filter(survey_id__in=ids, value__in=[*RATINGS, Tally.NOT_APPLICABLE], count__gt=0)
    if role:
        tallies = tallies.filter(role=role)
    cells: dict[tuple[int, int, int | None], dict[str, int]] = defaultdict(dict)
    for survey_id, item_id, instructor_id, value, n in (
        tallies.values_list("survey_id", "item_id", "instructor_id", "value").annotate(n=Sum("count")).order_by()
    ):
        cells[(survey_id, item_id, instructor_id)][value] = n
    counts: dict[int, Counts] = defaultdict(dict)
    for (_survey, item_id, _instructor), values in cells.items():
        if sum(values.values()) < floor:
            continue
        for value, n in values.items():
            if value != Tally.NOT_APPLICABLE:
                counts[item_id][int(value)] = counts[item_id].get(int(value), 0) + n
    cache.set(key, dict(counts), 24 * 3600)
    return counts


@dataclass(frozen=True)
class ItemLine:
    item: FormItem
    stats: ItemStats
    earlier: ItemStats | None = None  # the same item in the programme's earlier cohorts
    weak: bool = False


@dataclass(frozen=True)
class Reaction:
    responses: int
    invited: int
    rate: float | None
    dimensions: dict[str, ItemStats]
    items: list[ItemLine]
    earlier_cohorts: list[Any]


@dataclass(frozen=True)
class CompetencyGain:
    competency: Any
    gain: Any  # assessment.gain.ClassGain (who scored 100 before is left out of ⟨g⟩, as the formula says)
    pre_mean: float | None  # everyone who took the pre-test, for the chart
    post_mean: float | None


@dataclass(frozen=True)
class Learning:
    gain: Any  # ClassGain of the whole test
    competencies: list[CompetencyGain]
    assignments: list[tuple[Any, float | None, int]]  # assignment, mean score %, judged
    confidence: list[ItemLine]


@dataclass(frozen=True)
class Behaviour:
    survey: Survey | None
    participants: list[ItemLine]
    supervisors: list[ItemLine]
    participant_responses: int
    supervisor_responses: int


@dataclass(frozen=True)
class Results:
    before: list[date]
    after: list[date]
    indicators: list[tuple[str, str, BeforeAfter, list[int | None]]]  # field, label, figures, 13+ monthly values
    months: list[date]


@dataclass
class CohortReport:
    cohort: Any
    reaction: Reaction
    learning: Learning
    behaviour: Behaviour
    results: Results
    feedback: CohortFeedback
    roi: float | None
    actions: list[tuple[ImprovementAction, ItemStats | None]] = field(default_factory=list)
    threshold: int = 60


def _earlier_cohorts(cohort: Any) -> list[Any]:
    from lentera.delivery.models import Cohort

    return list(
        Cohort.objects.filter(
            library_id=cohort.library_id,
            programme__title=cohort.programme.title,
            starts_on__lt=cohort.starts_on,
        ).order_by("-starts_on")[:3]
    )


def _reaction(cohort: Any, threshold: int, floor: int) -> Reaction:
    kinds = [Survey.Kind.SESSION, Survey.Kind.COHORT]
    participant = Invitation.Role.PARTICIPANT
    rows = list(
        Survey.objects.filter(cohort=cohort, kind__in=kinds)
        .annotate(n=_RESPONSES, invited=_invited(role=participant))
        .order_by("pk")
        .values_list("pk", "n", "participant_responses", "invited")
    )
    totals = {"responses": sum(r[2] for r in rows), "invited": sum(r[3] for r in rows)}
    counts = _rating_counts([r[0] for r in rows], sum(r[1] for r in rows), floor=floor)
    earlier = _earlier_cohorts(cohort)
    earlier_counts = (
        _rating_counts(*_versions(Survey.objects.filter(cohort__in=earlier, kind__in=kinds)), floor=floor)
        if earlier
        else {}
    )
    items = {i.pk: i for i in FormItem.objects.filter(pk__in=set(counts) | set(earlier_counts)).select_related("form")}
    lines = []
    for item_id in sorted(counts, key=lambda pk: (items[pk].form.kind, items[pk].order, pk)):
        stats = item_stats(counts[item_id])
        before = item_stats(earlier_counts[item_id]) if item_id in earlier_counts else None
        weak = stats.top2 is not None and stats.top2 < threshold
        lines.append(ItemLine(items[item_id], stats, before, weak))
    dimensions = {}
    for value, _label in Dimension.choices:
        chosen = [line.stats for line in lines if line.item.dimension == value]
        if chosen:
            dimensions[value] = pooled(chosen)
    return Reaction(
        totals["responses"],
        totals["invited"],
        response_rate(totals["responses"], totals["invited"]),
        dimensions,
        lines,
        earlier,
    )


def _learning(cohort: Any, reaction: Reaction) -> Learning:
    from lentera.assessment.exam_selectors import cohort_results
    from lentera.assessment.gain import class_gain
    from lentera.assessment.models import Answer as TestAnswer
    from lentera.assessment.models import (
        Assignment,
        Attempt,
        CohortTestItem,
        ObservationSheet,
        Submission,
    )
    from lentera.curriculum.models import Competency

    results = cohort_results(cohort=cohort)
    # per competency: each participant's share right on the questions of that competency, before and
    # after, from their last submitted attempt at each test; right and total counted in SQL
    last: dict[tuple[str, int], int] = {}
    for attempt_id, kind, user_id in (
        Attempt.objects.filter(test__cohort=cohort, submitted_at__isnull=False)
        .order_by("number")
        .values_list("pk", "test__kind", "user_id")
    ):
        last[(kind, user_id)] = attempt_id
    whose = {attempt_id: kind_user for kind_user, attempt_id in last.items()}
    rows = (
        TestAnswer.objects.filter(
            attempt_id__in=whose,
            question__in=CohortTestItem.objects.filter(test__cohort=cohort).values("question_id"),
            question__competencies__isnull=False,
        )
        .values_list("attempt_id", "question__competencies")
        .annotate(right=Count("id", filter=Q(is_correct=True)), total=Count("id"))
        .order_by("attempt_id")
    )
    per: dict[str, dict[int, dict[int, float]]] = {"pre": defaultdict(dict), "post": defaultdict(dict)}
    for attempt_id, competency_id, right, total in rows:
        kind, user_id = whose[attempt_id]
        per[kind][competency_id][user_id] = 100 * right / total
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=set(per["pre"]) | set(per["post"]))}
    gains = []
    for competency_id, competency in sorted(competencies.items(), key=lambda pair: (pair[1].code, pair[1].title)):
        pre = per["pre"].get(competency_id, {})
        post = per["post"].get(competency_id, {})
        gains.append(
            CompetencyGain(
                competency,
                class_gain(pre, post),
                sum(pre.values()) / len(pre) if pre else None,
                sum(post.values()) / len(post) if post else None,
            )
        )
    # mean rubric score per assignment: graded work, or each participant's observers averaged (three queries)
    scores: dict[int, list[float]] = defaultdict(list)
    for assignment_id, percent in Submission.objects.filter(
        assignment__session__cohort=cohort, graded_at__isnull=False, score_percent__isnull=False
    ).values_list("assignment_id", "score_percent"):
        scores[assignment_id].append(float(percent or 0))
    sheets: dict[tuple[int, int], list[float]] = defaultdict(list)
    for assignment_id, participant_id, percent in ObservationSheet.objects.filter(
        assignment__session__cohort=cohort, score_percent__isnull=False
    ).values_list("assignment_id", "participant_id", "score_percent"):
        sheets[(assignment_id, participant_id)].append(float(percent or 0))
    for (assignment_id, _participant), values in sheets.items():
        scores[assignment_id].append(sum(values) / len(values))
    assignments = []
    for assignment in Assignment.objects.filter(session__cohort=cohort).order_by("session__starts_at", "id"):
        judged = scores.get(assignment.pk, [])
        assignments.append((assignment, sum(judged) / len(judged) if judged else None, len(judged)))
    confidence = [line for line in reaction.items if line.item.dimension == Dimension.APPLICATION]
    return Learning(results.gain, gains, assignments, confidence)


def _behaviour(cohort: Any, floor: int) -> Behaviour:
    survey = Survey.objects.filter(cohort=cohort, kind=Survey.Kind.FOLLOW_UP).first()
    if survey is None:
        return Behaviour(None, [], [], 0, 0)
    both = (Invitation.Role.PARTICIPANT, Invitation.Role.SUPERVISOR)
    roles = {both[0]: survey.participant_responses, both[1]: survey.supervisor_responses}
    counts = {role: _rating_counts([survey.pk], sum(roles.values()), floor=floor, role=role) for role in both}
    items = {i.pk: i for i in FormItem.objects.filter(pk__in=set(counts[both[0]]) | set(counts[both[1]]))}
    lines: dict[str, list[ItemLine]] = {
        role: [
            ItemLine(items[pk], item_stats(counts[role][pk]))
            for pk in sorted(counts[role], key=lambda pk: (items[pk].order, pk))
        ]
        for role in both
    }
    return Behaviour(
        survey,
        lines[Invitation.Role.PARTICIPANT],
        lines[Invitation.Role.SUPERVISOR],
        roles.get(Invitation.Role.PARTICIPANT, 0),
        roles.get(Invitation.Role.SUPERVISOR, 0),
    )


def _results(cohort: Any) -> Results:
    from lentera.impact.selectors import indicator_fields, indicators_for_months

    before, after = window(cohort.starts_on, cohort.ends_on)
    months = sorted(set(before) | set(after))
    figures = indicators_for_months(library=cohort.library, months=months)
    indicators = []
    for name, label in indicator_fields().items():
        values = figures.get(name, {})
        monthly = [values.get(m) for m in months]
        indicators.append((name, label, before_after({m: float(v) for m, v in values.items()}, before, after), monthly))
    return Results(before, after, indicators, months)


def cohort_report(*, cohort: Any) -> CohortReport:
    threshold = settings_for(cohort.library).weak_top2_percent
    floor = cohort.library.anonymity_floor
    reaction = _reaction(cohort, threshold, floor)
    feedback = CohortFeedback.objects.get_or_create(cohort=cohort)[0]
    roi = None
    if feedback.costs is not None and feedback.benefits is not None:
        roi = roi_percent(float(feedback.benefits), float(feedback.costs))
    current = {line.item.pk: line.stats for line in reaction.items}
    actions = [
        (action, current.get(action.item_id) if action.item_id and action.cohort_id != cohort.pk else None)
        for action in ImprovementAction.objects.filter(programme__title=cohort.programme.title, library=cohort.library)
        .select_related("item", "cohort")
        .order_by("status", "due_on")
    ]
    return CohortReport(
        cohort=cohort,
        reaction=reaction,
        learning=_learning(cohort, reaction),
        behaviour=_behaviour(cohort, floor),
        results=_results(cohort),
        feedback=feedback,
        roi=roi,
        actions=actions,
        threshold=threshold,
    )
