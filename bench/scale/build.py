"""A province-sized data set on top of the Pasuruan demo, for benchmarks and for pages under load.

``seed_scale`` builds 39 more East Java libraries (the plan is in ``plan.py``) with their people,
yearly programmes, cohorts, sessions, attendance, tests, feedback and certificates. The large
tables are written as tuples (COPY on PostgreSQL, executemany on SQLite), never through the
per-row services; rows are still what the services would have written: every row's library is
its parents' library, anonymous responses carry no user, numbers follow the library's pattern.

Repeatable: one seeded generator (``random.Random(seed)``) drives every choice, so the same seed
and the same ``now`` give the same rows. A second run finds the first benchmark library and adds
nothing; ``reset=True`` first deletes the scale libraries (and only them) with their people.
"""

# the seeded generator makes repeatable load-test data, never secrets
# ruff: noqa: S311

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.scale.db import SqliteLoadMode, Writer
from bench.scale.delivery import build_delivery, years_of
from bench.scale.people import make_curricula, make_forms_and_banks, make_libraries
from bench.scale.plan import EMAIL_DOMAIN, SLUG_PREFIX, plan_for
from bench.scale.results import build_completion, build_feedback, build_tests
from lentera.accounts.models import Library, Membership, User
from lentera.assessment.models import Answer as TestAnswer
from lentera.assessment.models import Attempt, CohortTest, Question
from lentera.certificates.models import Certificate
from lentera.curriculum.models import Competency, Programme
from lentera.delivery.models import Attendance, Cohort
from lentera.demo import data
from lentera.demo.seed import seed_demo
from lentera.evaluation.models import Answer, Comments, FeedbackForm, Invitation, Response, Survey, Tally

SEED = 2026


@dataclass
class ScaleResult:
    created: bool
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)
    message: str = ""
    bench: dict[str, Any] = field(default_factory=dict)
    deleted: int = 0
    total_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "seconds": round(self.seconds, 2),
            "rows_per_second": round(self.rows / self.seconds) if self.seconds and self.rows else 0,
            "total_seconds": round(self.total_seconds or self.seconds, 2),
            "database": connection.vendor,
            "tables": self.tables,
        }


def scale_libraries() -> Any:
    """The libraries this module made: their slug and their address say so (a real "jatim-…" library is safe)."""
    return Library.objects.filter(slug__startswith=SLUG_PREFIX, email__endswith=f"@{EMAIL_DOMAIN}")


def bench_objects() -> dict[str, Any]:
    """Where the benchmark data is: the library with the running cohort, its people and that cohort."""
    first = plan_for(1.0).libraries[0]
    cohort = (
        Cohort.objects.filter(library__slug=first.slug, status=Cohort.Status.RUNNING).order_by("-starts_on").first()
    )
    return {
        "library": first.slug,
        "coordinator": f"{first.short}.koordinator",
        "instructor": f"{first.short}.instruktur1",
        "participant": f"{first.short}.peserta001",
        "cohort": cohort.name if cohort else None,
        "cohort_id": cohort.pk if cohort else None,
        "password": data.DEMO_PASSWORD,
    }


def reset_scale() -> int:
    """Delete the scale libraries and everything in them, and the people who belong only to them."""
    libraries = list(scale_libraries().values_list("pk", flat=True))
    if not libraries:
        return 0
    people = set(Membership.objects.filter(library_id__in=libraries).values_list("user_id", flat=True))
    people -= set(Membership.objects.exclude(library_id__in=libraries).values_list("user_id", flat=True))
    surveys = Survey.objects.filter(library_id__in=libraries)
    deleted = 0
    # the large tables first, in plain DELETEs (no per-row collection)
    for queryset in (
        Answer.objects.filter(response__survey__in=surveys),
        Response.objects.filter(survey__in=surveys),
        Tally.objects.filter(survey__in=surveys),
        Comments.objects.filter(survey__in=surveys),
        Invitation.objects.filter(survey__in=surveys),
        TestAnswer.objects.filter(attempt__library_id__in=libraries),
        Attempt.objects.filter(library_id__in=libraries),
        Attendance.objects.filter(library_id__in=libraries),
        Certificate.objects.filter(library_id__in=libraries),
    ):
        deleted += queryset._raw_delete(queryset.db)
    # then the rest through the ORM, parents after what protects them
    for model in (Survey, CohortTest, Cohort, Programme, Question, FeedbackForm, Competency):
        deleted += model.objects.filter(library_id__in=libraries).delete()[0]
    deleted += Library.objects.filter(pk__in=libraries).delete()[0]
    deleted += User.objects.filter(pk__in=people).delete()[0]
    return deleted


def seed_scale(
    *, factor: float = 1.0, seed: int = SEED, reset: bool = False, now: datetime | None = None, log: Any = None
) -> ScaleResult:
    """Build the scale data (see the module docstring); returns what was inserted and how fast."""
    say = log or (lambda _text: None)
    started = time.perf_counter()
    if not Library.objects.filter(slug=data.LIBRARY["slug"]).exists():
        say("The Pasuruan demo is missing: loading it first (seed_demo).")
        seed_demo()
    deleted = 0
    if reset:
        with transaction.atomic():
            deleted = reset_scale()
        say(f"Reset: deleted {deleted} rows of the scale libraries.")
    elif scale_libraries().exists():
        return ScaleResult(
            False,
            time.perf_counter() - started,
            message=(
                f"The scale data is already here (libraries whose slug starts with {SLUG_PREFIX!r}, "
                f"{scale_libraries().count()} of them); nothing added. Run with --reset to rebuild it."
            ),
            bench=bench_objects(),
        )
    now = now or timezone.now()
    plan = plan_for(factor)
    rng = random.Random(seed)
    writer = Writer()
    load_started = time.perf_counter()
    with SqliteLoadMode(), transaction.atomic():
        say(f"Building {len(plan.libraries)} libraries at factor {factor} (seed {seed}).")
        if writer.skip_foreign_key_triggers():
            say("  PostgreSQL superuser: foreign-key triggers are off until the load commits.")
        libraries = make_libraries(writer, plan.libraries, rng)
        make_curricula(writer, libraries, years_of(libraries, plan.sessions_per_cohort, now, seed))
        make_forms_and_banks(writer, libraries)
        say(f"  people and curricula: {writer.counts['users']} people ({time.perf_counter() - load_started:.1f} s)")
        cohorts = build_delivery(
            writer,
            libraries,
            sessions=plan.sessions_per_cohort,
            enrolled=plan.enrolled_per_cohort,
            now=now,
            seed=seed,
            rng=rng,
        )
        say(f"  delivery: {writer.counts['attendance']} attendance rows ({time.perf_counter() - load_started:.1f} s)")
        build_tests(writer, cohorts, rng)
        build_completion(writer, cohorts, rng)
        say(f"  tests and certificates ({time.perf_counter() - load_started:.1f} s)")
        build_feedback(writer, cohorts, now, plan.session_response_share, rng)
        say(
            f"  feedback: {writer.answers_counted} answers counted in {writer.counts['feedback_tallies']} counters"
            f" ({time.perf_counter() - load_started:.1f} s)"
        )
        writer.finish()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, so the pages' plans see the new sizes
    counts = dict(writer.counts)
    staff = sum(1 + len(lib.instructor_ids) for lib in libraries)
    tables = {"participants": counts.pop("users") - staff, "staff": staff, **counts}
    return ScaleResult(
        True,
        time.perf_counter() - load_started,
        {name: n for name, n in tables.items() if n},
        bench=bench_objects(),
        deleted=deleted,
        total_seconds=time.perf_counter() - started,
    )
