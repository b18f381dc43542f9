"""Reads of the evaluation, scoped by library and role, and the results with their anonymity floor."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from lentera.evaluation.likert import ItemStats, above_floor, item_stats, pooled, response_rate
from lentera.evaluation.models import Answer, Dimension, FeedbackForm, FormItem, Invitation, Survey
from lentera.lib.tenancy import scoped


def forms_for_user(*, access: Any) -> QuerySet[FeedbackForm]:
    if not access.is_coordinator:
        raise PermissionDenied
    return scoped(FeedbackForm, access.current_library)


def form_get_for_user(*, access: Any, pk: int) -> FeedbackForm:
    form = forms_for_user(access=access).filter(pk=pk).first()
    if form is None:
        raise Http404
    return form


def open_surveys_for(*, access: Any, now: datetime | None = None) -> list[Survey]:
    """The rounds the participant may still answer (one query)."""
    now = now or timezone.now()
    return list(
        scoped(Survey, access.current_library)
        .filter(
            opens_at__lte=now,
            closes_at__gt=now,
            invitations__user=access.user,
            invitations__answered=False,
        )
        .select_related("session__plan", "cohort")
        .order_by("closes_at")
    )


def survey_to_answer(*, access: Any, pk: int) -> tuple[Survey, Invitation]:
    """A round the person is invited to (404 otherwise: nobody learns which rounds exist); one query."""
    invitation = (
        Invitation.objects.filter(survey__in=scoped(Survey, access.library).filter(pk=pk), user=access.user)
        .select_related("survey__session__plan", "survey__cohort")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation.survey, invitation


def survey_instructors(*, survey: Survey) -> list[Any]:
    if survey.session_id is None:
        return []
    return list(survey.session.instructors.order_by("full_name")) if survey.session else []


def survey_items(*, survey: Survey) -> tuple[list[FormItem], list[FormItem]]:
    """The round's items about the session or cohort, and those repeated for each instructor (one query)."""
    items = list(
        FormItem.objects.filter(form__in=survey.forms.all())
        .select_related("form", "section")
        .order_by("form__kind", "section__order", "order", "id")
    )
    general = [i for i in items if i.form.kind != FeedbackForm.Kind.INSTRUCTOR]
    per_instructor = [i for i in items if i.form.kind == FeedbackForm.Kind.INSTRUCTOR]
    return general, per_instructor


def survey_get_for_user(*, access: Any, pk: int) -> Survey:
    """Results: the coordinator sees any round; an instructor the rounds of sessions they taught."""
    survey = scoped(Survey, access.library).select_related("session__plan", "cohort").filter(pk=pk).first()
    if survey is None:
        raise Http404
    if access.is_coordinator:
        return survey
    session = survey.session
    if access.is_instructor and session is not None and session.instructor_links.filter(user=access.user).exists():
        return survey
    raise PermissionDenied


@dataclass
class ItemResult:
    item: FormItem
    stats: ItemStats | None = None  # ratings
    choice_counts: dict[str, int] = field(default_factory=dict)
    texts: list[Answer] = field(default_factory=list)
    written: int = 0  # comments given, whether shown to this viewer or not
    hidden: bool = False  # below the floor for this viewer

    @property
    def answered(self) -> int:
        if self.stats is not None:
            return self.stats.n + self.stats.not_applicable
        return sum(self.choice_counts.values()) if self.choice_counts else self.written


@dataclass
class Block:
    """The results of one form: about the session/cohort (``instructor`` None) or about one instructor."""

    title: str
    instructor: Any
    items: list[ItemResult]
    dimensions: dict[str, ItemStats]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    eligible: int
    rate: float | None
    floor: int
    blocks: list[Block]
    below_floor: bool  # fewer responses than the floor
    supervisors: int = 0  # supervisors' responses (follow-ups)


COMMENTS_SHOWN = 40


def survey_results(*, survey: Survey, floor: int, instructor: Any = None, coordinator: bool = True) -> SurveyResults:
    """Per item n, mean, SD, distribution, top/bottom-2-box; per dimension; the response rate.

    For an instructor (``coordinator`` False): only the items about the session and about
    themselves; nothing of an item below the floor; only the comments the coordinator showed.
    A fixed number of queries whatever the number of responses.
    """
    # the rate compares participants with participants; supervisors of a follow-up are counted apart
    by_role = dict(survey.responses.values_list("role").annotate(n=Count("id")).order_by())
    responses = by_role.get(Invitation.Role.PARTICIPANT, 0)
    supervisors = by_role.get(Invitation.Role.SUPERVISOR, 0)
    eligible = survey.invitations.filter(role=Invitation.Role.PARTICIPANT).count()
    general, per_instructor = survey_items(survey=survey)
    instructors = survey_instructors(survey=survey)
    if not coordinator:
        instructors = [p for p in instructors if instructor is not None and p.pk == instructor.pk]
    counts: dict[tuple[int, int | None], dict[int, int]] = defaultdict(dict)
    not_applicable: dict[tuple[int, int | None], int] = defaultdict(int)
    rows = (
        Answer.objects.filter(response__survey=survey, item__kind=FormItem.Kind.LIKERT)
        .values_list("item_id", "instructor_id", "rating", "not_applicable")
        .annotate(n=Count("id"))
        .order_by()
    )
    for item_id, instructor_id, rating, na, n in rows:
        if na:
            not_applicable[(item_id, instructor_id)] += n
        elif rating:
            counts[(item_id, instructor_id)][rating] = n
    choices: dict[tuple[int, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    texts: dict[tuple[int, int | None], list[Answer]] = defaultdict(list)
    written: dict[tuple[int, int | None], int] = defaultdict(int)
    others = Answer.objects.filter(response__survey=survey).exclude(item__kind=FormItem.Kind.LIKERT)
    for item_id, instructor_id, picked in others.exclude(choices=[]).values_list("item_id", "instructor_id", "choices"):
        for choice in picked:
            choices[(item_id, instructor_id)][choice] += 1
    # comments: every one counted, at most COMMENTS_SHOWN of each item listed (those to review first);
    # all of them are in the raw-responses export
    review_first = Case(When(review=Answer.Review.PENDING, then=0), default=1)
    for answer in (
        others.exclude(text="").only("id", "item_id", "instructor_id", "text", "review").order_by(review_first, "id")
    ):
        key = (answer.item_id, answer.instructor_id)
        written[key] += 1
        if (coordinator or answer.review == Answer.Review.SHOWN) and len(texts[key]) < COMMENTS_SHOWN:
            texts[key].append(answer)

    def block(title: str, items: list[FormItem], person: Any) -> Block:
        results = []
        for item in items:
            key = (item.pk, person.pk if person is not None else None)
            result = ItemResult(item)
            if item.is_rating:
                result.stats = item_stats(counts.get(key, {}), not_applicable=not_applicable.get(key, 0))
            elif item.kind in (FormItem.Kind.SINGLE, FormItem.Kind.MULTIPLE):
                result.choice_counts = {option: choices[key].get(option, 0) for option in item.options}
            else:
                result.texts, result.written = texts.get(key, []), written.get(key, 0)
            if not coordinator and not above_floor(result.answered, floor):
                result = ItemResult(item, hidden=True)
            results.append(result)
        dimensions: dict[str, ItemStats] = {}
        for value, _label in Dimension.choices:
            stats = [r.stats for r in results if r.stats is not None and r.item.dimension == value]
            if stats:
                dimensions[value] = pooled(stats)
        return Block(title, person, results, dimensions)

    blocks = [block(general[0].form.title, general, None)] if general else []
    blocks += [block(per_instructor[0].form.title, per_instructor, person) for person in instructors if per_instructor]
    return SurveyResults(
        survey,
        responses,
        eligible,
        response_rate(responses, eligible),
        floor,
        blocks,
        responses + supervisors < floor,
        supervisors,
    )


def cohort_surveys(*, cohort: Any) -> list[Survey]:
    """The cohort's rounds with their response and invitation counts (one query)."""

    def per_survey(model: Any) -> Any:  # a subquery each: joining both would multiply their rows
        counted = (
            model.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("id")).values("n")
        )
        return Coalesce(Subquery(counted), 0)

    from lentera.evaluation.models import Response

    return list(
        Survey.objects.filter(cohort=cohort)
        .select_related("session__plan")
        .annotate(n_responses=per_survey(Response), n_invited=per_survey(Invitation))
        .order_by("opens_at")
    )


@dataclass(frozen=True)
class ScorePoint:
    survey: Survey
    dimension: ItemStats


def instructor_scorecard(*, library: Any, instructor: Any, floor: int) -> list[ScorePoint]:
    """An instructor's ratings session by session (their own items only), oldest first, each above the floor."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for survey_id, rating, n in (
        Answer.objects.filter(
            response__survey__library=library,
            instructor=instructor,
            rating__isnull=False,
        )
        .values_list("response__survey_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[survey_id][rating] = n
    surveys = {
        s.pk: s
        for s in Survey.objects.filter(pk__in=counts)
        .select_related("session__plan", "cohort")
        .annotate(n_responses=Count("responses"))
        .order_by("opens_at")
    }
    points = []
    for survey_id, survey in sorted(surveys.items(), key=lambda pair: pair[1].opens_at):
        stats = item_stats(counts[survey_id])
        if survey.n_responses >= floor:
            points.append(ScorePoint(survey, stats))
    return points


def open_actions(*, access: Any, limit: int = 5) -> list[Any]:
    """The library's improvement actions not yet done, soonest due first (one query)."""
    from lentera.evaluation.models import ImprovementAction

    return list(
        scoped(ImprovementAction, access.current_library)
        .exclude(status=ImprovementAction.Status.DONE)
        .select_related("cohort")
        .order_by("due_on")[:limit]
    )
