"""Writes for pre- and post-tests: building them from the bank, attempts, answers, grants.

Answers are saved one by one as they are given (a dropped connection loses nothing);
submitting is idempotent (a double tap records one attempt); one attempt per person unless
the coordinator grants another.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.assessment.models import Answer, Attempt, AttemptGrant, CohortTest, CohortTestItem, Question
from lentera.assessment.scoring import is_correct, percent
from lentera.lib.tenancy import scoped

GRACE = timedelta(minutes=1)  # a late network round trip still counts


def _pick_by_rule(library: Any, rule: Mapping[Any, int], *, seed: int) -> list[Question]:
    """n active questions for each competency, drawn at random (repeatable with ``seed``), no repeats."""
    rng = random.Random(seed)  # noqa: S311 - a fair draw, not a secret
    chosen: list[Question] = []
    taken: set[int] = set()
    for competency, n in rule.items():
        pool = [
            q
            for q in scoped(Question, library).filter(is_active=True, competencies=competency).order_by("pk")
            if q.pk not in taken
        ]
        if len(pool) < n:
            raise ValidationError(
                {
                    "rule": _("Only %(have)s questions test “%(competency)s”; %(want)s were asked for.")
                    % {"have": len(pool), "competency": competency, "want": n}
                }
            )
        for question in rng.sample(pool, n):
            chosen.append(question)
            taken.add(question.pk)
    return chosen


@transaction.atomic
def test_create(
    *,
    actor: Any,
    cohort: Any,
    kind: str,
    title: str,
    questions: Sequence[Question] = (),
    rule: Mapping[Any, int] | None = None,
    layout: str = CohortTest.Layout.ONE_PER_SCREEN,
    time_limit_minutes: int = 0,
    seed: int = 0,
) -> CohortTest:
    """A cohort's pre- or post-test from hand-picked questions or a rule (n questions per competency)."""
    library = cohort.library
    picked = list(questions) if not rule else _pick_by_rule(library, rule, seed=seed)
    if not picked:
        raise ValidationError({"questions": _("Choose at least one question.")})
    if any(q.library_id != library.pk or not q.is_active for q in picked):
        raise ValidationError({"questions": _("Choose only questions of this library that are in use.")})
    test = CohortTest(
        library=library,
        cohort=cohort,
        kind=kind,
        title=title.strip(),
        layout=layout,
        time_limit_minutes=time_limit_minutes,
    )
    test.full_clean()
    test.save()
    CohortTestItem.objects.bulk_create(
        [CohortTestItem(test=test, question=q, order=i) for i, q in enumerate(picked, start=1)]
    )
    audit_record(
        actor=actor, library=library, action="test.create", obj=test, changes={"questions": [None, len(picked)]}
    )
    return test


@transaction.atomic
def test_set_open(*, actor: Any, test: CohortTest, is_open: bool) -> CohortTest:
    if test.is_open != is_open:
        test.is_open = is_open
        test.save(update_fields=["is_open"])
        audit_record(actor=actor, library=test.library, action="test.open" if is_open else "test.close", obj=test)
    return test


def deadline(attempt: Attempt) -> datetime | None:
    minutes = attempt.test.time_limit_minutes
    return attempt.started_at + timedelta(minutes=minutes) if minutes else None


def attempt_start(*, user: Any, test: CohortTest) -> Attempt:
    """The participant's unfinished attempt, or a new one when another is allowed."""
    from lentera.delivery.models import Enrolment

    if not test.is_open:
        raise ValidationError(_("This test is not open."))
    if not Enrolment.objects.filter(cohort_id=test.cohort_id, user=user, status=Enrolment.Status.ENROLLED).exists():
        raise ValidationError(_("You are not enrolled in this cohort."))
    with transaction.atomic():
        attempts = list(Attempt.objects.select_for_update().filter(test=test, user=user).order_by("number"))
        if attempts and attempts[-1].submitted_at is None:
            return attempts[-1]
        allowed = 1 + AttemptGrant.objects.filter(test=test, user=user).count()
        if len(attempts) >= allowed:
            raise ValidationError(_("You have already taken this test."))
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    library=test.library, test=test, user=user, number=len(attempts) + 1, total=test.items.count()
                )
        except IntegrityError:  # two tabs started at once: the other one won
            return Attempt.objects.get(test=test, user=user, number=len(attempts) + 1)


def _grade(question: Question, chosen: Iterable[int], text: str) -> bool:
    choices = list(question.choices.all())
    return is_correct(
        question.kind,
        chosen=[str(pk) for pk in chosen],
        correct=[str(c.pk) for c in choices if c.is_correct],
        text=text,
        accepted=question.accepted_answers,
    )


def answer_save(
    *, attempt: Attempt, question: Question, chosen: Sequence[int] = (), text: str = "", now: datetime | None = None
) -> Answer:
    """Keep one answer as it is given. Refused after submitting or after the time limit.

    The check that the attempt is still open and the write happen under the attempt's lock,
    the lock ``attempt_submit`` takes too: an answer never lands after the score was taken.
    """
    now = now or timezone.now()
    limit = deadline(attempt)
    if limit and now > limit + GRACE:
        raise ValidationError(_("The time for this test is over."))
    if not attempt.test.items.filter(question=question).exists():
        raise ValidationError(_("This question is not part of the test."))
    choices = list(question.choices.all())
    valid = {c.pk for c in choices}
    chosen = [int(pk) for pk in chosen]
    if any(pk not in valid for pk in chosen):
        raise ValidationError(_("That option does not belong to the question."))
    answer = Answer(
        attempt=attempt,
        question=question,
        chosen=chosen,
        text=text.strip()[:500],
        is_correct=_grade(question, chosen, text),
    )
    with transaction.atomic():
        if not Attempt.objects.select_for_update().filter(pk=attempt.pk, submitted_at__isnull=True).exists():
            raise ValidationError(_("This attempt was already submitted."))
        # one statement whether the answer is new or changed (INSERT … ON CONFLICT DO UPDATE)
        Answer.objects.bulk_create(
            [answer],
            update_conflicts=True,
            unique_fields=["attempt", "question"],
            update_fields=["chosen", "text", "is_correct", "saved_at"],
        )
    return answer


def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Score and close the attempt. Submitting again changes nothing."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            return attempt
        attempt.total = attempt.test.items.count()
        attempt.correct = attempt.answers.filter(is_correct=True).count()
        attempt.score = percent(attempt.correct, attempt.total)
        attempt.submitted_at = now or timezone.now()
        attempt.save(update_fields=["total", "correct", "score", "submitted_at"])
    return attempt


@transaction.atomic
def attempt_grant(*, actor: Any, test: CohortTest, user: Any, reason: str) -> AttemptGrant:
    """Allow one more attempt; the reason is kept and audited."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for another attempt.")})
    grant = AttemptGrant.objects.create(library=test.library, test=test, user=user, reason=reason.strip())
    audit_record(
        actor=actor,
        library=test.library,
        action="test.grant_attempt",
        obj=test,
        changes={"participant": [None, str(user)], "reason": [None, grant.reason]},
    )
    return grant


@transaction.atomic
def completion_override(*, actor: Any, cohort: Any, user: Any, status: str | None, reason: str = "") -> None:
    """Set (or with ``status`` None, remove) the coordinator's decision on a participant's completion."""
    from lentera.assessment.models import CompletionOverride

    existing = CompletionOverride.objects.filter(cohort=cohort, user=user).first()
    if status is None:
        if existing:
            existing.delete()
            audit_record(
                actor=actor,
                library=cohort.library,
                action="completion.override_removed",
                obj=user,
                changes={"status": [existing.status, None]},
            )
        return
    if status not in CompletionOverride.Status.values:
        raise ValidationError({"status": _("Choose completed or not completed.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for overriding the rules.")})
    CompletionOverride.objects.update_or_create(
        cohort=cohort, user=user, defaults={"library": cohort.library, "status": status, "reason": reason.strip()}
    )
    audit_record(
        actor=actor,
        library=cohort.library,
        action="completion.override",
        obj=user,
        changes={"status": [existing.status if existing else None, status], "reason": [None, reason.strip()]},
    )
