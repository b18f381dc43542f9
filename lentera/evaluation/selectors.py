"""Reads of the evaluation, scoped by library and role, and the results with their anonymity floor."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from lentera.evaluation.likert import ItemStats, above_floor, item_stats, pooled, response_rate
from lentera.evaluation.models import Comments, Dimension, FeedbackForm, FormItem, Invitation, Survey, Tally
from lentera.evaluation.tallies import comment_digest
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


@dataclass(frozen=True)
class Comment:
    """One comment of a round's list, named by its list and the hash of its text."""

    list_id: int
    digest: str
    text: str
    review: str
    times: int = 1  # the same words written by more than one person: listed once


@dataclass
class ItemResult:
    item: FormItem
    stats: ItemStats | None = None  # ratings
    choice_counts: dict[str, int] = field(default_factory=dict)
    choice_answered: int = 0  # how many answered a choice item (a multiple one: fewer than options picked)
    texts: list[Comment] = field(default_factory=list)
    written: int = 0  # comments given, whether shown to this viewer or not
    hidden: bool = False  # below the floor: hidden from everyone

    @property
    def listed(self) -> int:
        """The comments listed, the same words written twice counted twice."""
        return sum(c.times for c in self.texts)

    @property
    def answered(self) -> int:
        if self.stats is not None:
            return self.stats.n + self.stats.not_applicable
        return self.choice_answered if self.choice_counts else self.written


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

Key = tuple[int, int | None]  # item, instructor


def round_counts(*, survey: Survey, role: str | None = None) -> tuple[dict[Key, dict[str, int]], list[Any]]:
    """The round's counters by (item, instructor) and value, and its comment lists (two queries)."""
    tallies = Tally.objects.filter(survey=survey)
    comments = Comments.objects.filter(survey=survey)
    if role is not None:
        tallies, comments = tallies.filter(role=role), comments.filter(role=role)
    counts: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item_id, instructor_id, value, n in tallies.values_list("item_id", "instructor_id", "value", "count"):
        counts[(item_id, instructor_id)][value] += n
    return counts, list(comments.order_by("pk"))


def rating_counts(values: dict[str, int]) -> tuple[dict[int, int], int]:
    """A rating item's counts per rating 1–5 and its "not applicable" count."""
    ratings = {int(v): n for v, n in values.items() if v in {"1", "2", "3", "4", "5"}}
    return ratings, values.get(Tally.NOT_APPLICABLE, 0)


def survey_results(
    *, survey: Survey, floor: int, instructor: Any = None, coordinator: bool = True, comments: int = COMMENTS_SHOWN
) -> SurveyResults:
    """Per item n, mean, SD, distribution, top/bottom-2-box; per dimension; the response rate.

    The anonymity floor holds for every viewer, the coordinator too: an item answered by fewer
    than ``floor`` shows nothing. An instructor (``coordinator`` False) sees only the items about
    the session and about themselves, and only the comments the coordinator showed. A fixed
    number of queries whatever the number of responses: every figure comes from the aggregates.
    """
    # the rate compares participants with participants; supervisors of a follow-up are counted apart
    responses, supervisors = survey.participant_responses, survey.supervisor_responses
    eligible = survey.invitations.filter(role=Invitation.Role.PARTICIPANT).count()
    general, per_instructor = survey_items(survey=survey)
    instructors = survey_instructors(survey=survey)
    if not coordinator:
        instructors = [p for p in instructors if instructor is not None and p.pk == instructor.pk]
    counts, lists = round_counts(survey=survey)
    texts: dict[Key, list[Comment]] = defaultdict(list)
    written: dict[Key, int] = defaultdict(int)
    for row in lists:
        key = (row.item_id, row.instructor_id)
        written[key] += len(row.entries)
        for (text, review), times in Counter((text, review) for text, review in row.entries).items():
            texts[key].append(Comment(row.pk, comment_digest(text), text, review, times))

    def block(title: str, items: list[FormItem], person: Any) -> Block:
        results = []
        for item in items:
            key = (item.pk, person.pk if person is not None else None)
            values = counts.get(key, {})
            result = ItemResult(item)
            if item.is_rating:
                ratings, na = rating_counts(values)
                result.stats = item_stats(ratings, not_applicable=na)
            elif item.kind in (FormItem.Kind.SINGLE, FormItem.Kind.MULTIPLE):
                result.choice_counts = {option: values.get(option, 0) for option in item.options}
                if item.kind == FormItem.Kind.MULTIPLE:
                    result.choice_answered = values.get(Tally.ANSWERED, 0)
                else:
                    result.choice_answered = sum(result.choice_counts.values())
            else:
                given = texts.get(key, [])
                visible = [c for c in given if coordinator or c.review == Comments.Review.SHOWN]
                # those to review first, then by text (the list has no order of submission to keep)
                visible.sort(key=lambda c: (c.review != Comments.Review.PENDING, c.text))
                result.texts, result.written = visible[:comments], written.get(key, 0)
            if not above_floor(result.answered, floor):
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


def comments_get_for_user(*, access: Any, pk: int) -> Comments:
    """A round's comment list, for the coordinator of its library to review (404 otherwise)."""
    if not access.is_coordinator:
        raise PermissionDenied
    found = Comments.objects.select_related("survey").filter(pk=pk, survey__library=access.current_library).first()
    if found is None:
        raise Http404
    return found


def cohort_surveys(*, cohort: Any) -> list[Survey]:
    """The cohort's rounds with their response and invitation counts (one query)."""
    counted = (
        Invitation.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("id")).values("n")
    )
    return list(
        Survey.objects.filter(cohort=cohort)
        .select_related("session__plan")
        .annotate(
            n_responses=F("participant_responses") + F("supervisor_responses"),
            n_invited=Coalesce(Subquery(counted), 0),
        )
        .order_by("opens_at")
    )


@dataclass(frozen=True)
class ScorePoint:
    survey: Survey
    dimension: ItemStats


def instructor_scorecard(*, library: Any, instructor: Any, floor: int) -> list[ScorePoint]:
    """An instructor's ratings session by session (their own items only), oldest first, each above the floor."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for survey_id, value, n in (
        Tally.objects.filter(
            survey__library=library,
            instructor=instructor,
            value__in=["1", "2", "3", "4", "5"],
            count__gt=0,
        )
        .values_list("survey_id", "value")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        counts[survey_id][int(value)] += n
    rounds = Survey.objects.filter(pk__in=counts).select_related("session__plan", "cohort")
    surveys = {s.pk: s for s in rounds}
    points = []
    for survey_id, survey in sorted(surveys.items(), key=lambda pair: pair[1].opens_at):
        stats = item_stats(counts[survey_id])
        if survey.participant_responses >= floor:
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
