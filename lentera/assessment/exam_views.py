"""Pages of the pre- and post-tests: the coordinator builds, opens and reads them; participants take them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.assessment import exam_selectors, exam_services
from lentera.assessment.models import Answer, CohortTest, Question
from lentera.curriculum.models import Competency
from lentera.delivery.selectors import cohort_get_for_user
from lentera.lib.tenancy import scoped


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_tests(request: AccessRequest, pk: int) -> HttpResponse:
    """Build the cohort's pre- and post-test (by rule or by hand), open or close them, read the results."""
    access = request.access
    cohort = cohort_get_for_user(access=access, pk=pk, for_write=True)
    library = access.current_library
    competencies = list(scoped(Competency, library).order_by("code", "title"))
    bank = list(scoped(Question, library).filter(is_active=True).order_by("-created_at")[:300])
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            if request.POST.get("action") == "toggle":
                test = get_object_or_404(CohortTest, cohort=cohort, pk=request.POST.get("test"))
                pre = exam_selectors.open_pre_test(test=test) if not test.is_open else None
                if pre is not None and not request.POST.get("confirm"):
                    # the post-test while the pre-test is open: ask first (the page shows the choice)
                    return redirect(f"{reverse('assessment:cohort_tests', args=[cohort.pk])}?confirm={test.pk}")
                if pre is not None and request.POST.get("confirm") == "close_pre":
                    exam_services.test_set_open(actor=request.user, test=pre, is_open=False)
                exam_services.test_set_open(actor=request.user, test=test, is_open=not test.is_open)
            elif request.POST.get("action") == "grant":
                test = get_object_or_404(CohortTest, cohort=cohort, pk=request.POST.get("test"))
                person = get_object_or_404(User, pk=request.POST.get("user"), enrolments__cohort=cohort)
                exam_services.attempt_grant(
                    actor=request.user, test=test, user=person, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("%(name)s may take the test again.") % {"name": person.full_name})
            else:
                rule = {c: int(request.POST.get(f"rule_{c.pk}") or 0) for c in competencies}
                rule = {c: n for c, n in rule.items() if n > 0}
                picked = [q for q in bank if str(q.pk) in request.POST.getlist("questions")]
                exam_services.test_create(
                    actor=request.user,
                    cohort=cohort,
                    kind=kind,
                    title=request.POST.get("title") or str(dict(CohortTest.Kind.choices).get(kind, "")),
                    questions=picked,
                    rule=rule or None,
                    layout=request.POST.get("layout", CohortTest.Layout.ONE_PER_SCREEN),
                    time_limit_minutes=int(request.POST.get("time_limit") or 0),
                    seed=cohort.pk,
                )
                messages.success(request, _("The test was made. Open it when the participants should take it."))
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [_("Check the numbers you typed.")])))
        return redirect("assessment:cohort_tests", pk=cohort.pk)
    results = exam_selectors.cohort_results(cohort=cohort)
    people = {e.user_id: e.user for e in cohort.enrolments.filter(status="enrolled").select_related("user")}
    rows = [
        (person, results.pre.get(pk), results.post.get(pk), _individual_gain(results.pre.get(pk), results.post.get(pk)))
        for pk, person in sorted(people.items(), key=lambda item: item[1].full_name)
    ]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=[f.item for f in results.items])}
    tests = exam_selectors.tests_of_cohort(cohort=cohort)
    confirm = next((t for t in tests if str(t.pk) == request.GET.get("confirm") and not t.is_open), None)
    pre_open = exam_selectors.open_pre_test(test=confirm) if confirm else None
    return render(
        request,
        "assessment/cohort_tests.html",
        {
            "cohort": cohort,
            "tests": tests,
            "confirm_test": confirm if pre_open else None,
            "pre_open": pre_open,
            "kinds": CohortTest.Kind.choices,
            "layouts": CohortTest.Layout.choices,
            "competencies": competencies,
            "bank": bank,
            "results": results,
            "rows": rows,
            "items": [(questions.get(int(str(f.item))), f) for f in results.items],
        },
    )


def _individual_gain(pre: float | None, post: float | None) -> float | None:
    from lentera.assessment.gain import normalised_gain

    return normalised_gain(pre, post) if pre is not None and post is not None else None


@role_required(Role.PARTICIPANT, Role.COORDINATOR)
def take_test(request: AccessRequest, pk: int) -> HttpResponse:
    """The participant's test on a phone: answers are saved one by one; a reload continues where it was."""
    test = exam_selectors.test_get_for_user(access=request.access, pk=pk)
    try:
        attempt = exam_services.attempt_start(user=request.user, test=test)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard")
    items = list(test.items.select_related("question").prefetch_related("question__choices"))
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    number = 1
    if test.layout == CohortTest.Layout.ONE_PER_SCREEN:
        try:
            number = min(max(1, int(request.GET.get("no", "1"))), len(items))
        except ValueError:
            number = 1
        positions = [(number, items[number - 1])]
    else:
        positions = list(enumerate(items, start=1))
    shown = [(position, item.question, answers.get(item.question_id)) for position, item in positions]
    unanswered = [position for position, item in enumerate(items, start=1) if item.question_id not in answers]
    limit = exam_services.deadline(attempt)
    return render(
        request,
        "assessment/take_test.html",
        {
            "test": test,
            "attempt": attempt,
            "shown": shown,
            "answers": answers,
            "number": number,
            "count": len(items),
            "answered": len(answers),
            "unanswered": unanswered,
            "finishing": request.GET.get("finish") == "1" and bool(unanswered),
            "deadline": limit,
            "seconds_left": max(0, int((limit - timezone.now()).total_seconds())) if limit else None,
        },
    )


@role_required(Role.PARTICIPANT, Role.COORDINATOR)
@require_POST
def save_answer(request: AccessRequest, pk: int) -> HttpResponse:
    """One answer, saved as it is given (HTMX); the reply says it was kept."""
    test = exam_selectors.test_get_for_user(access=request.access, pk=pk)
    attempt = test.attempts.filter(user=request.user, submitted_at__isnull=True).order_by("-number").first()
    question = get_object_or_404(
        Question.objects.prefetch_related("choices"), pk=request.POST.get("question"), library_id=test.library_id
    )
    if attempt is None:
        return HttpResponse(_("This attempt was already submitted."), status=409)
    try:
        chosen = [int(v) for v in request.POST.getlist("choice") if v]
        exam_services.answer_save(attempt=attempt, question=question, chosen=chosen, text=request.POST.get("text", ""))
    except (ValidationError, ValueError) as error:
        return HttpResponse(" ".join(getattr(error, "messages", [_("That answer could not be read.")])), status=400)
    return HttpResponse(_("Saved"))


@role_required(Role.PARTICIPANT, Role.COORDINATOR)
@require_POST
def submit_test(request: AccessRequest, pk: int) -> HttpResponse:
    test = exam_selectors.test_get_for_user(access=request.access, pk=pk)
    attempt = test.attempts.filter(user=request.user).order_by("-number").first()
    if attempt is None:
        return redirect("assessment:take_test", pk=test.pk)
    if attempt.submitted_at is None and not request.POST.get("confirm") and not _time_is_up(attempt):
        unanswered = test.items.exclude(question__in=attempt.answers.values("question")).exists()
        if unanswered:  # ask first, naming the questions left (the timer's own submit is never held back)
            return redirect(f"{reverse('assessment:take_test', args=[test.pk])}?finish=1#finish")
    attempt = exam_services.attempt_submit(attempt=attempt)
    return redirect("assessment:test_result", pk=test.pk)


def _time_is_up(attempt: Any) -> bool:
    """True from a few seconds before the time limit on: the page's timer submits by itself then."""
    limit = exam_services.deadline(attempt)
    return limit is not None and timezone.now() >= limit - timedelta(seconds=30)


@role_required(Role.PARTICIPANT, Role.COORDINATOR)
def test_result(request: AccessRequest, pk: int) -> HttpResponse:
    test = exam_selectors.test_get_for_user(access=request.access, pk=pk)
    attempt = test.attempts.filter(user=request.user, submitted_at__isnull=False).order_by("-number").first()
    if attempt is None:
        return redirect("assessment:take_test", pk=test.pk)
    answers = {a.question_id: a for a in attempt.answers.all()}
    items = list(test.items.select_related("question").prefetch_related("question__choices"))
    return render(
        request,
        "assessment/test_result.html",
        {
            "test": test,
            "attempt": attempt,
            "review": [_review_row(i.question, answers.get(i.question_id)) for i in items],
        },
    )


def _review_row(question: Question, answer: Answer | None) -> dict[str, Any]:
    """What the participant answered and what is correct, each as text (option letters included)."""
    choices = list(question.choices.all())

    def label(choice: Any) -> str:
        return choice.text if question.kind == Question.Kind.TRUE_FALSE else f"{choice.letter}. {choice.text}"

    if question.kind == Question.Kind.SHORT:
        yours = [answer.text] if answer and answer.text else []
        right = list(question.accepted_answers)
    else:
        chosen = set(answer.chosen or []) if answer else set()
        yours = [label(c) for c in choices if c.pk in chosen]
        right = [label(c) for c in choices if c.is_correct]
    return {"question": question, "yours": yours, "right": right, "is_correct": bool(answer and answer.is_correct)}


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_completion(request: AccessRequest, pk: int) -> HttpResponse:
    """Who completed the cohort and why not; the coordinator may override with a reason."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    if request.method == "POST":
        person = get_object_or_404(User, pk=request.POST.get("user"), enrolments__cohort=cohort)
        status = request.POST.get("status") or None
        try:
            exam_services.completion_override(
                actor=request.user, cohort=cohort, user=person, status=status, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision for %(name)s was saved.") % {"name": person.full_name})
        return redirect("assessment:cohort_completion", pk=cohort.pk)
    rows = exam_selectors.cohort_completion(cohort=cohort)
    return render(
        request,
        "assessment/cohort_completion.html",
        {
            "cohort": cohort,
            "rows": rows,
            "counts": {s: sum(1 for r in rows if r.status == s) for s in ("completed", "not_completed", "in_progress")},
        },
    )
