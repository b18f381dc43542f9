"""Reads for pre- and post-test results: scores, normalised gain, item analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lentera.assessment.gain import ClassGain, class_gain
from lentera.assessment.item_analysis import ItemFigures, analyse
from lentera.assessment.models import Answer, Attempt, CohortTest


def final_scores(*, test: CohortTest) -> dict[int, float]:
    """Each participant's score in their last submitted attempt (one query)."""
    scores: dict[int, float] = {}
    for user_id, score in (
        Attempt.objects.filter(test=test, submitted_at__isnull=False).order_by("number").values_list("user_id", "score")
    ):
        scores[user_id] = score or 0.0
    return scores


@dataclass(frozen=True)
class CohortResults:
    pre: dict[int, float]
    post: dict[int, float]
    gain: ClassGain
    items: list[ItemFigures]


def cohort_results(*, cohort: Any) -> CohortResults:
    tests = {t.kind: t for t in CohortTest.objects.filter(cohort=cohort)}
    pre = final_scores(test=tests["pre"]) if "pre" in tests else {}
    post = final_scores(test=tests["post"]) if "post" in tests else {}
    items: list[ItemFigures] = []
    if "post" in tests:
        responses: dict[Any, dict[Any, bool]] = {}
        last = {
            a.user_id: a.pk
            for a in Attempt.objects.filter(test=tests["post"], submitted_at__isnull=False).order_by("number")
        }
        question_ids = list(tests["post"].items.values_list("question_id", flat=True))
        for attempt_id in last.values():
            responses[attempt_id] = {q: False for q in question_ids}
        for attempt_id, question_id, ok in Answer.objects.filter(attempt_id__in=last.values()).values_list(
            "attempt_id", "question_id", "is_correct"
        ):
            responses[attempt_id][question_id] = ok
        items = analyse(responses)
    return CohortResults(pre=pre, post=post, gain=class_gain(pre, post), items=items)


def open_pre_test(*, test: CohortTest) -> CohortTest | None:
    """The cohort's pre-test when ``test`` is its post-test and the pre-test is still open: opening
    both at once lets a participant take them together, and the gain would mean nothing."""
    if test.kind != CohortTest.Kind.POST:
        return None
    return CohortTest.objects.filter(cohort_id=test.cohort_id, kind=CohortTest.Kind.PRE, is_open=True).first()


def tests_of_cohort(*, cohort: Any) -> list[CohortTest]:
    return list(CohortTest.objects.filter(cohort=cohort).prefetch_related("items"))


def test_get_for_user(*, access: Any, pk: int, manage: bool = False) -> CohortTest:
    """A cohort's test: coordinators manage it; enrolled participants take it (when open)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from lentera.delivery.models import Enrolment
    from lentera.lib.tenancy import scoped

    test = scoped(CohortTest, access.library).select_related("cohort").filter(pk=pk).first()
    if test is None:
        raise Http404
    if access.is_coordinator:
        return test
    if manage:
        raise PermissionDenied
    if (
        access.is_participant
        and Enrolment.objects.filter(
            cohort_id=test.cohort_id, user=access.user, status=Enrolment.Status.ENROLLED
        ).exists()
    ):
        return test
    raise PermissionDenied


def open_tests_for(*, access: Any) -> list[tuple[CohortTest, Attempt | None]]:
    """The participant's open tests with their latest attempt (for the dashboard)."""
    from lentera.delivery.models import Enrolment
    from lentera.lib.tenancy import scoped

    tests = list(
        scoped(CohortTest, access.library)
        .filter(
            is_open=True, cohort__enrolments__user=access.user, cohort__enrolments__status=Enrolment.Status.ENROLLED
        )
        .select_related("cohort")
    )
    latest: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(test__in=tests, user=access.user).order_by("number"):
        latest[attempt.test_id] = attempt
    return [(t, latest.get(t.pk)) for t in tests]


@dataclass(frozen=True)
class CompletionRow:
    user: Any
    attendance_percent: float | None
    post_score: float | None
    computed: Any  # completion.Outcome
    override: Any  # CompletionOverride | None

    @property
    def status(self) -> str:
        return self.override.status if self.override else str(self.computed.status)


def cohort_completion(*, cohort: Any, now: Any = None, user: Any = None) -> list[CompletionRow]:
    """Every enrolled participant's (or only ``user``'s) completion status and reasons (a fixed number of queries)."""
    from django.db.models import Count
    from django.utils import timezone

    from lentera.assessment.assignment_selectors import required_work
    from lentera.assessment.completion import evaluate
    from lentera.assessment.models import CompletionOverride
    from lentera.delivery.models import Attendance, Cohort, Enrolment

    now = now or timezone.now()
    held = cohort.sessions.filter(ends_at__lt=now).count()
    remaining = cohort.sessions.filter(ends_at__gte=now).exists()
    finished = cohort.status == Cohort.Status.FINISHED or (held > 0 and not remaining)
    marks = Attendance.objects.filter(
        session__cohort=cohort, session__ends_at__lt=now, status__in=Attendance.COUNTS_FOR_JP
    )
    enrolments = cohort.enrolments.filter(status=Enrolment.Status.ENROLLED)
    if user is not None:
        marks, enrolments = marks.filter(user=user), enrolments.filter(user=user)
    attended = dict(marks.values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    post_test = CohortTest.objects.filter(cohort=cohort, kind=CohortTest.Kind.POST).first()
    post = final_scores(test=post_test) if post_test else {}
    overrides = {o.user_id: o for o in CompletionOverride.objects.filter(cohort=cohort)}
    work = required_work(cohort=cohort)
    rows = []
    for enrolment in enrolments.select_related("user").order_by("user__full_name"):
        percent = 100 * attended.get(enrolment.user_id, 0) / held if held else None
        outcome = evaluate(
            attendance_percent=percent,
            post_score=post.get(enrolment.user_id),
            min_attendance=cohort.min_attendance_percent,
            min_post=cohort.min_post_test_percent,
            assignments_passed=work.passed(enrolment.user_id),
            finished=finished,
        )
        rows.append(
            CompletionRow(
                enrolment.user, percent, post.get(enrolment.user_id), outcome, overrides.get(enrolment.user_id)
            )
        )
    return rows


def my_completion(*, access: Any) -> tuple[Any, CompletionRow | None]:
    """The participant's most recent cohort and their completion status in it."""
    from lentera.delivery.models import Cohort, Enrolment
    from lentera.lib.tenancy import scoped

    cohort = (
        scoped(Cohort, access.current_library)
        .filter(enrolments__user=access.user, enrolments__status=Enrolment.Status.ENROLLED)
        .order_by("-starts_on", "-id")
        .first()
    )
    if cohort is None:
        return None, None
    rows = cohort_completion(cohort=cohort, user=access.user)
    return cohort, rows[0] if rows else None
