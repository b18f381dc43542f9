"""bench/seed_scale.py: the province-sized data set, at a tiny factor (the counts are checked against the plan)."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from typing import Any

import pytest
from django.db.models import F, Max, Sum

from bench.scale.command import main
from bench.scale.plan import SLUG_PREFIX, TARGETS, plan_for
from lentera.accounts.models import Library, Membership, Role, User
from lentera.assessment.models import Answer as ExamAnswer
from lentera.assessment.models import Attempt
from lentera.certificates.models import Certificate, NumberCounter
from lentera.delivery.models import Attendance, Cohort, Enrolment, ScheduledSession
from lentera.evaluation.models import Answer, Comments, Invitation, Response, Survey, Tally

FACTOR = 0.002
NOW = "2026-03-11T10:20:00+07:00"  # a Wednesday morning: the running cohort has a session in progress


def run(*args: str) -> tuple[str, dict[str, Any]]:
    out = StringIO()
    assert main(["--factor", str(FACTOR), "--now", NOW, *args], out) == 0
    text = out.getvalue()
    return text, json.loads(text.strip().splitlines()[-1])


def scale_counts() -> dict[str, int]:
    libraries = Library.objects.filter(slug__startswith=SLUG_PREFIX)
    return {
        "libraries": libraries.count(),
        "participants": Membership.objects.filter(library__in=libraries, role=Role.PARTICIPANT).count(),
        "cohorts": Cohort.objects.filter(library__in=libraries).count(),
        "attendance": Attendance.objects.filter(library__in=libraries).count(),
        "feedback_answers": feedback_answers(libraries),
        "test_answers": ExamAnswer.objects.filter(attempt__library__in=libraries).count(),
        "certificates": Certificate.objects.filter(library__in=libraries).count(),
    }


def feedback_answers(libraries: Any) -> int:
    """Answers given: counted into the rounds' counters (a multiple choice's "answered" aside) and comment lists."""
    tallies = Tally.objects.filter(survey__library__in=libraries).exclude(value=Tally.ANSWERED)
    counted = tallies.aggregate(n=Sum("count"))["n"] or 0
    lists = Comments.objects.filter(survey__library__in=libraries).values_list("entries", flat=True)
    return counted + sum(len(entries) for entries in lists)


def checksum() -> str:
    libraries = Library.objects.filter(slug__startswith=SLUG_PREFIX)
    parts = [
        sorted(
            Attendance.objects.filter(library__in=libraries).values_list(
                "session__cohort__name", "session__starts_at", "user__username", "status", "method", "checked_in_at"
            )
        ),
        sorted(
            Certificate.objects.filter(library__in=libraries).values_list("number", "participant_name", "jp", "token")
        ),
        sorted(
            Tally.objects.filter(survey__library__in=libraries).values_list(
                "survey__opens_at", "item__text", "instructor__username", "value", "count"
            )
        ),
        sorted(Comments.objects.filter(survey__library__in=libraries).values_list("survey__opens_at", "entries")),
        sorted(Attempt.objects.filter(library__in=libraries).values_list("user__username", "test__kind", "score")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_plan_at_full_size_meets_the_targets() -> None:
    full = plan_for(1.0).estimate()
    for name, target in TARGETS.items():
        assert abs(full[name] - target) <= 0.02 * target, (name, full[name], target)
    half = plan_for(0.5).estimate()
    for name in ("participants", "cohorts", "attendance", "feedback_answers", "test_answers", "certificates"):
        assert abs(half[name] - TARGETS[name] / 2) <= 0.06 * TARGETS[name] / 2, (name, half[name])


@pytest.mark.django_db
def test_seed_scale_tiny(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seed_demo's people, fast
    text, summary = run()
    assert "Scale data built" in text
    assert summary["rows"] > 0 and summary["rows_per_second"] > 0
    assert Library.objects.filter(slug="kota-pasuruan").exists()  # the demo came first

    # the counts are what the plan promised and what the summary says
    counts = scale_counts()
    expected = plan_for(FACTOR).estimate()
    for name in ("libraries", "participants", "cohorts", "attendance", "test_answers"):
        assert counts[name] == expected[name] == summary["tables"][name], name
    assert counts["certificates"] == summary["tables"]["certificates"] > 0
    for name in ("feedback_answers", "certificates"):
        assert abs(counts[name] - expected[name]) <= 0.5 * expected[name], name
    scale_tallies = Tally.objects.filter(survey__library__slug__startswith=SLUG_PREFIX)
    assert summary["tables"]["feedback_tallies"] == scale_tallies.count()
    assert summary["rows"] == sum(summary["tables"].values())

    # tenancy: every row's library is its parents'
    assert not Attendance.objects.exclude(library=F("session__library")).exists()
    enrolled = set(Enrolment.objects.values_list("cohort_id", "user_id"))
    assert set(Attendance.objects.values_list("session__cohort_id", "user_id")) <= enrolled
    assert not ScheduledSession.objects.exclude(library=F("cohort__library")).exists()
    assert not ScheduledSession.objects.exclude(library=F("plan__library")).exists()
    assert not Enrolment.objects.exclude(library=F("cohort__library")).exists()
    assert not Cohort.objects.exclude(library=F("programme__library")).exists()
    assert not Survey.objects.exclude(library=F("cohort__library")).exists()
    assert not Attempt.objects.exclude(library=F("test__library")).exists()
    assert not ExamAnswer.objects.exclude(question__library=F("attempt__library")).exists()
    assert not Tally.objects.exclude(item__form__library=F("survey__library")).exists()
    assert not Comments.objects.exclude(item__form__library=F("survey__library")).exists()
    assert not Certificate.objects.exclude(library=F("cohort__library")).exists()

    # certificates: numbers unique per library, counters at the last number, snapshots filled
    scale = Certificate.objects.filter(library__slug__startswith=SLUG_PREFIX)
    for library_id in scale.values_list("library_id", flat=True).distinct():
        mine = scale.filter(library_id=library_id)
        assert mine.values("number").distinct().count() == mine.count()
        for year, last in mine.values("year").annotate(last=Max("seq")).values_list("year", "last"):
            assert NumberCounter.objects.get(library_id=library_id, year=year).last == last
    assert not scale.filter(participant_name="").exists() and not scale.filter(competencies=[]).exists()
    for certificate in scale:
        assert certificate.jp > 0 and certificate.library_name and certificate.cohort_name
        certificate.full_clean()

    # a certificate for exactly those the completion rules say completed
    from lentera.assessment.exam_selectors import cohort_completion

    for cohort in Cohort.objects.filter(library__slug__startswith=SLUG_PREFIX, status=Cohort.Status.FINISHED):
        completed = {row.user.pk for row in cohort_completion(cohort=cohort) if row.status == "completed"}
        assert completed == set(scale.filter(cohort=cohort).values_list("user_id", flat=True))

    # anonymous feedback: aggregates only; one response counted per answered invitation
    surveys = Survey.objects.filter(library__slug__startswith=SLUG_PREFIX)
    assert not Response.objects.filter(survey__in=surveys).exists() and not Answer.objects.exists()
    for survey in surveys:
        assert survey.responses_count == Invitation.objects.filter(survey=survey, answered=True).count()
        assert survey.closes_at > survey.opens_at
        rated = Tally.objects.filter(survey=survey, value__in=["1", "2", "3", "4", "5", "na"], item__kind="likert")
        per_item = rated.values("item_id", "instructor_id", "role").annotate(n=Sum("count"))
        assert all(row["n"] <= survey.responses_count for row in per_item)
    follow_up = surveys.get(kind=Survey.Kind.FOLLOW_UP)  # the finished cohort's L3 round, closed
    supervisors = Invitation.objects.filter(survey=follow_up, role=Invitation.Role.SUPERVISOR)
    assert supervisors.exists() and not supervisors.filter(user__isnull=False).exists()
    assert not supervisors.filter(about__isnull=True).exists() and not supervisors.filter(token_hash="").exists()
    assert follow_up.supervisor_responses > 0
    for user in User.objects.filter(memberships__library__slug__startswith=SLUG_PREFIX):
        user.full_clean()

    # the running cohort: sessions held and to come, an open round the benchmark participant has not answered
    running = Cohort.objects.get(library__slug=f"{SLUG_PREFIX}kab-malang", status=Cohort.Status.RUNNING)
    from datetime import datetime

    now = datetime.fromisoformat(NOW)
    assert running.sessions.filter(ends_at__lt=now).exists() and running.sessions.filter(starts_at__gt=now).exists()
    assert running.sessions.filter(starts_at__lte=now, ends_at__gt=now).exists()  # check-in open now
    bench = User.objects.get(username="kab-malang.peserta001")
    assert running.enrolments.filter(user=bench, status=Enrolment.Status.ENROLLED).exists()
    open_rounds = surveys.filter(cohort=running, opens_at__lte=now, closes_at__gt=now)
    assert open_rounds.exists()
    assert Invitation.objects.filter(survey__in=open_rounds, user=bench, answered=False).exists()
    assert Cohort.objects.filter(library=running.library, status=Cohort.Status.FINISHED).exists()

    # a second run adds nothing
    first = checksum()
    text, again = run()
    assert "already here" in text and again["rows"] == 0
    assert scale_counts() == counts

    # --reset deletes only the scale data, and the same seed builds the same rows
    demo_before = Attendance.objects.filter(library__slug="kota-pasuruan").count()
    text, rebuilt = run("--reset")
    assert "Reset: deleted" in text
    assert scale_counts() == counts and rebuilt["tables"] == summary["tables"]
    assert checksum() == first
    assert Attendance.objects.filter(library__slug="kota-pasuruan").count() == demo_before
