"""Feedback results with 100,000 responses in the database: the cohort report and one round's results.

Seeds (fixed random seed) a finished cohort of 7,000 participants with 14 session rounds
(sessions taught by 1 or 2 instructors) and the end-of-cohort round: 6,900 responses to each
session round and 3,400 to the cohort round, 100,000 in all. Each response has its Likert answers
(an item left blank 10% of the time, "not applicable" 4%: 9-14 answers a session response) and,
now and then, a comment (~1.1M answers), added to each round's anonymous aggregates as a
submission does (counters and sorted comment lists: a few hundred rows, however many responses).
Then renders, in-process with Django's test Client as the coordinator, the cohort report
(``evaluation:cohort_report``, skipped with a note while that URL does not exist) and the results
of one session round (``evaluation:survey_results``, 6,900 responses): one cold request, then 5
warm ones, and the queries of a warm one.

Run from the project root against the scratch database in the environment (see bench/run.py):
    python bench/report_bench.py            # seed, then measure
    python bench/report_bench.py --reuse    # measure again on a database already seeded
The last line printed is a JSON object: responses, answers, seed_seconds, seed_rows,
seed_rows_per_second, and per page (``report``, ``results``) cold_ms, warm_ms_p50, warm_ms_max,
queries, bytes, the slowest query of the cold request (``report`` is null with ``report_note`` when
the page does not exist yet). A request still running after BENCH_REPORT_LIMIT seconds (60) is
cancelled and reported as timed out (``timed_out``, with its slowest query), not retried.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import django_env  # noqa: F401 - sets up Django
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lentera.accounts.models import Library, Membership, Role, User
from lentera.curriculum.models import Module, Programme, SessionPlan
from lentera.delivery.models import Cohort, Enrolment, ScheduledSession, SessionInstructor
from lentera.evaluation import services
from lentera.evaluation.models import Comments, FeedbackForm, FormItem, Invitation, Survey, Tally
from lentera.evaluation.selectors import survey_instructors, survey_items
from lentera.evaluation.tallies import sort_entries

SEED = 20260514
BATCH = 5_000
PEOPLE = 7_000
SESSIONS = 14
PER_SESSION = 6_900
PER_COHORT = 100_000 - SESSIONS * PER_SESSION  # 3,400
WARM = 5
LIMIT = float(os.environ.get("BENCH_REPORT_LIMIT", "60"))  # seconds a request may take before it is cancelled
BLANK, NOT_APPLICABLE = 0.10, 0.04
COMMENT = {"long_text": 0.25, "short_text": 0.10}  # share of responses writing in a text item
SLUG = "bench-report"


class Seeder:
    """Adds each response's answers to its round's aggregates (counters and sorted comment lists),
    as ``response_submit`` does, and writes them once per round."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, int | None, str], int] = defaultdict(int)
        self.texts: dict[tuple[int, int | None], list[list[str]]] = defaultdict(list)
        self.responses = 0
        self.rows = 0

    def add(self, answers: list[tuple[int, int | None, str | None, str, str]]) -> None:
        self.responses += 1
        for item_id, instructor, value, text, review in answers:
            if value is not None:
                self.counts[(item_id, instructor, value)] += 1
            else:
                self.texts[(item_id, instructor)].append([text, review])

    def flush(self, survey: Survey) -> None:
        tallies = list(Tally.objects.filter(survey=survey))
        for tally in tallies:
            tally.count = self.counts.get((tally.item_id, tally.instructor_id, tally.value), 0)
        Tally.objects.bulk_update(tallies, ["count"], batch_size=BATCH)
        lists = list(Comments.objects.filter(survey=survey))
        for comments in lists:
            comments.entries = sort_entries(self.texts.get((comments.item_id, comments.instructor_id), []))
        Comments.objects.bulk_update(lists, ["entries"], batch_size=BATCH)
        Survey.objects.filter(pk=survey.pk).update(participant_responses=self.responses)
        self.rows += len(tallies) + len(lists)
        self.counts, self.texts, self.responses = defaultdict(int), defaultdict(list), 0


def rating(rng: random.Random, bias: float) -> tuple[int | None, bool] | None:
    """One Likert answer: None (blank), (None, True) not applicable, or (rating, False)."""
    draw = rng.random()
    if draw < BLANK:
        return None
    if draw < BLANK + NOT_APPLICABLE:
        return None, True
    weights = [3, 7, 20 + 10 * bias, 42, 28 - 10 * bias]
    return rng.choices((1, 2, 3, 4, 5), weights)[0], False


def answers_for(
    rng: random.Random, pairs: list[tuple[FormItem, int | None]], bias: dict[int, float]
) -> list[tuple[int, int | None, str | None, str, str]]:
    """One response: (item, instructor, the value counted or None for a comment, comment, review)."""
    made: list[tuple[int, int | None, str | None, str, str]] = []
    shown, pending = Comments.Review.SHOWN.value, Comments.Review.PENDING.value
    for item, instructor in pairs:
        if item.kind == FormItem.Kind.LIKERT:
            given = rating(rng, bias[item.pk])
            if given is not None:
                value = Tally.NOT_APPLICABLE if given[1] else str(given[0])
                made.append((item.pk, instructor, value, "", shown))
        elif item.kind == FormItem.Kind.SINGLE:
            if rng.random() < 0.9:
                made.append((item.pk, instructor, str(rng.choice(item.options)), "", shown))
        elif rng.random() < COMMENT.get(item.kind, 0):
            review = rng.choice((pending, shown, shown))
            made.append(
                (item.pk, instructor, None, f"Komentar peserta nomor {rng.randrange(10**6)} tentang sesi.", review)
            )
    return made


def seed() -> dict[str, Any]:
    """The library, its coordinator, the cohort and its 15 rounds with 100,000 responses."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not secrets
    started = time.perf_counter()
    rows = 0
    with transaction.atomic():
        library = Library.objects.create(name="Perpustakaan Bench", slug=SLUG, city="X", province="Y")
        services.ready_forms_install(actor=None, library=library)
        unusable = make_password(None)
        coordinator = User.objects.create(username="bench-coordinator", full_name="Koordinator", password=unusable)
        Membership.objects.create(user=coordinator, library=library, role=Role.COORDINATOR)
        teachers = User.objects.bulk_create(
            [User(username=f"bench-i{i}", full_name=f"Instruktur {i}", password=unusable) for i in range(6)]
        )
        Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.INSTRUCTOR) for u in teachers])
        people = User.objects.bulk_create(
            [
                User(username=f"bench-p{i}", full_name=f"Peserta {i}", email=f"p{i}@bench.example", password=unusable)
                for i in range(PEOPLE)
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [Membership(user=u, library=library, role=Role.PARTICIPANT) for u in people], batch_size=BATCH
        )
        first = timezone.now() - timedelta(days=40)
        programme = Programme.objects.create(library=library, year=first.year, title="Pelatihan Bench")
        module = Module.objects.create(library=library, programme=programme, title="Modul Bench")
        cohort = Cohort.objects.create(
            library=library,
            programme=programme,
            name="Angkatan Bench",
            starts_on=timezone.localdate(first),
            ends_on=timezone.localdate(first + timedelta(days=SESSIONS)),
            capacity=PEOPLE,
        )
        Enrolment.objects.bulk_create(
            [Enrolment(library=library, cohort=cohort, user=u) for u in people], batch_size=BATCH
        )
        for n in range(SESSIONS):
            plan = SessionPlan.objects.create(library=library, module=module, order=n + 1, title=f"Sesi {n + 1}")
            begins = first + timedelta(days=n)
            session = ScheduledSession.objects.create(
                library=library, cohort=cohort, plan=plan, starts_at=begins, ends_at=begins + timedelta(hours=2), jp=2
            )
            for person in [teachers[n % 6], teachers[(n + 1) % 6]][: 1 + n % 2]:  # 1 or 2 instructors
                SessionInstructor.objects.create(library=library, session=session, user=person)
        last = cohort.sessions.order_by("-ends_at").first()
        surveys = services.surveys_ensure(cohort=cohort, now=last.ends_at + timedelta(hours=1))
        Invitation.objects.filter(survey__cohort=cohort).delete()  # all invited, answered as seeded below
        rows += 2 * PEOPLE + len(people) + 10
        seeder = Seeder()
        for survey in surveys:
            answering = PER_SESSION if survey.session_id else PER_COHORT
            invitations = [Invitation(survey=survey, user=u, answered=i < answering) for i, u in enumerate(people)]
            Invitation.objects.bulk_create(invitations, batch_size=BATCH)
            rows += len(invitations)
            general, per_instructor = survey_items(survey=survey)
            pairs = [(item, None) for item in general]
            pairs += [(item, person.pk) for person in survey_instructors(survey=survey) for item in per_instructor]
            bias = {item.pk: rng.uniform(-1, 1) for item, _person in pairs}
            print(f"seeding {survey}: {answering} responses", file=sys.stderr, flush=True)
            for _n in range(answering):
                seeder.add(answers_for(rng, pairs, bias))
            seeder.flush(survey)
        rows += seeder.rows
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does soon after a load this size
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {"seed_seconds": seconds, "seed_rows": rows, "seed_rows_per_second": rows / seconds}


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Cancel the database work of a request running longer than ``seconds`` (the query raises)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        deadline = time.monotonic() + seconds
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")


def measure(client: Client, url: str) -> dict[str, Any]:
    """One cold request, WARM warm ones, and the queries of one more.

    A cold request over LIMIT seconds is cancelled: the page is then reported as timed out with
    its slowest query, and not requested again.
    """
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        try:
            with time_limit(LIMIT):
                response = client.get(url)
        except DatabaseError as error:
            response = None
            problem = str(error)
    cold = (time.perf_counter() - started) * 1000
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
    worst = {"slowest_query_ms": 1000 * float(slowest["time"]), "slowest_query": slowest["sql"][:400]}
    if response is None:
        return {"url": url, "timed_out": True, "limit_s": LIMIT, "cold_ms": cold, "error": problem, **worst}
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    warm = []
    for _n in range(WARM):
        started = time.perf_counter()
        response = client.get(url)
        warm.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "url": url,
        "cold_ms": cold,
        "warm_ms_p50": statistics.median(warm),
        "warm_ms_max": max(warm),
        "queries": len(queries.captured_queries),
        "bytes": len(response.content),
        "timed_out": False,
        **worst,
    }


def main() -> None:
    figures: dict[str, Any] = {}
    if "--reuse" not in sys.argv or not Library.objects.filter(slug=SLUG).exists():
        figures |= seed()
    library = Library.objects.get(slug=SLUG)
    cohort = Cohort.objects.get(library=library)
    coordinator = User.objects.get(username="bench-coordinator")
    rounds = Survey.objects.filter(cohort=cohort)
    figures["responses"] = sum(rounds.values_list("participant_responses", flat=True))
    figures["answers"] = (Tally.objects.filter(survey__in=rounds).aggregate(n=Sum("count"))["n"] or 0) + sum(
        len(entries) for entries in Comments.objects.filter(survey__in=rounds).values_list("entries", flat=True)
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator)
    try:
        url = reverse("evaluation:cohort_report", args=[cohort.pk])
    except NoReverseMatch:
        figures["report"] = None
        figures["report_note"] = "evaluation:cohort_report does not exist yet: the cohort report was not measured"
    else:
        figures["report"] = measure(client, url)
    # the heaviest session round: two instructors, 6,900 responses
    survey = (
        Survey.objects.filter(cohort=cohort, session__isnull=False, forms__kind=FeedbackForm.Kind.INSTRUCTOR)
        .order_by("-session__starts_at")
        .filter(session__instructor_links__isnull=False)
        .distinct()
    )
    chosen = next(s for s in survey if s.session.instructor_links.count() == 2)
    figures["results"] = measure(client, reverse("evaluation:survey_results", args=[chosen.pk]))
    figures["results"]["responses"] = chosen.participant_responses
    figures["results"]["comments"] = sum(
        len(entries) for entries in Comments.objects.filter(survey=chosen).values_list("entries", flat=True)
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
