"""What the page-throughput benchmark requests, picked by query from the seeded database.

Run after seed_demo and bench/seed_scale.py (see bench/run.py). Picks:

- the library with the most data (the most attendance rows);
- in it, a running cohort (the one with the most past sessions, then the most enrolments; the
  most recently active cohort when none runs today) and an enrolled participant of it with the
  most attendance rows there; the session page is the latest past session they attended;
- the feedback form: the participant's open, unanswered round of that cohort (the rounds are
  opened first, as the product's pages do); when they have none, one round of the POST pool
  below is kept back for it;
- a coordinator of the library and the cohort of the library with the most feedback responses,
  for the cohort page and the cohort's evaluation (Kirkpatrick) report;
- the POST pool: a cohort of N new participants whose 5 session rounds (2 instructors each)
  ended within the last hour: 5 × N open invitations, each answered once by the load generator.

Usage: python bench/pages_setup.py [N]   (N participants in the POST pool, default 1200)

Prints, as its last line, JSON: the choices made (ids, for the record), ``pages`` (key, path,
session cookie, and a text the page must contain), ``rounds`` of the pool (survey id and the
form fields a full answer fills) and ``pool``: [session cookie, round index] per invitation,
round by round.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import django_env  # noqa: F401 - sets up Django
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from factories import feedback_cohort, session_cookies

from lentera.accounts.models import Library, Membership, Role, User
from lentera.delivery.models import Attendance, Cohort, Enrolment, ScheduledSession
from lentera.evaluation import services
from lentera.evaluation.models import Invitation, Survey

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
SESSIONS = 5


def busiest_library() -> Library:
    top = Attendance.objects.values("library").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        top = Enrolment.objects.values("library").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise SystemExit("pages_setup: the database has no attendance and no enrolments: seed it first")
    return Library.objects.get(pk=top["library"])


def running_cohort(library: Library, now: Any) -> Cohort:
    today = timezone.localdate(now)
    cohorts = Cohort.objects.filter(library=library).annotate(
        past=Count("sessions", filter=Q(sessions__ends_at__lte=now), distinct=True),
        enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED), distinct=True),
        last_session=Max("sessions__ends_at", filter=Q(sessions__ends_at__lte=now)),
    )
    chosen = (
        cohorts.filter(starts_on__lte=today, ends_on__gte=today, past__gt=0, enrolled__gt=0)
        .order_by("-past", "-enrolled", "pk")
        .first()
    )
    if chosen is None:  # nothing runs today: the cohort whose last session ended most recently
        chosen = cohorts.filter(past__gt=0, enrolled__gt=0).order_by("-last_session", "pk").first()
    if chosen is None:
        raise SystemExit(f"pages_setup: library {library.pk} has no cohort with a past session and participants")
    return chosen


def cohort_participant(cohort: Cohort, now: Any) -> tuple[User, Invitation | None]:
    """The enrolled participant with the most attendance in the cohort; one with an open round if any."""
    people = list(
        User.objects.filter(
            enrolments__cohort=cohort,
            enrolments__status=Enrolment.Status.ENROLLED,
            memberships__library=cohort.library,
            memberships__role=Role.PARTICIPANT,
            memberships__is_active=True,
        )
        .annotate(n=Count("attendance", filter=Q(attendance__session__cohort=cohort), distinct=True))
        .order_by("-n", "pk")[:50]
    )
    if not people:
        raise SystemExit(f"pages_setup: cohort {cohort.pk} has no enrolled participant")
    for person in people:
        invitation = (
            Invitation.objects.filter(
                user=person,
                answered=False,
                role=Invitation.Role.PARTICIPANT,
                survey__cohort=cohort,
                survey__opens_at__lte=now,
                survey__closes_at__gt=now,
            )
            .order_by("survey__closes_at")
            .first()
        )
        if invitation is not None:
            return person, invitation
    return people[0], None


def attended_session(cohort: Cohort, user: User, now: Any) -> ScheduledSession:
    past = cohort.sessions.filter(ends_at__lte=now).order_by("-ends_at")
    return past.filter(attendance__user=user).first() or past.first()  # type: ignore[return-value]


def report_cohort(library: Library) -> Cohort:
    top = (
        Survey.objects.filter(library=library)
        .values("cohort")
        .annotate(n=Sum("participant_responses"))
        .order_by("-n")
        .first()
    )
    if top is not None and top["n"]:
        return Cohort.objects.get(pk=top["cohort"])
    return Cohort.objects.filter(library=library).annotate(n=Count("enrolments")).order_by("-n", "pk").first()  # type: ignore[return-value]


def coordinator_of(library: Library) -> User:
    membership = (
        Membership.objects.filter(library=library, role=Role.COORDINATOR, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"pages_setup: library {library.pk} has no coordinator")
    return membership.user


def post_pool(library: Library, now: Any, tag: int) -> tuple[list[dict[str, Any]], list[User]]:
    """A cohort of PEOPLE new participants with 5 session rounds open now (as bench/feedback_setup.py)."""
    world = feedback_cohort(library=library, people=PEOPLE, sessions=SESSIONS, tag=f"bench-pages-{tag}", now=now)
    return world.rounds, world.participants


def main() -> None:
    tag = time.time_ns()
    now = timezone.now()
    library = busiest_library()
    cohort = running_cohort(library, now)
    services.surveys_ensure(cohort=cohort, now=now)  # as the product's pages and periodic job do
    participant, invitation = cohort_participant(cohort, now)
    session = attended_session(cohort, participant, now)
    coordinator = coordinator_of(library)
    reported = report_cohort(library)
    rounds, pool_users = post_pool(library, now, tag)
    pool_cookies = session_cookies(pool_users, library)
    pool = [[cookie, index] for index in range(len(rounds)) for cookie in pool_cookies]
    if invitation is not None:
        form_cookie, form_survey = None, invitation.survey_id
    else:  # keep the pool's first invitation back for the form page: it is never answered
        form_cookie, form_survey = pool.pop(0)[0], rounds[0]["survey"]
    participant_cookie, coordinator_cookie = session_cookies([participant], library) + session_cookies(
        [coordinator], library
    )
    pages = [
        ("dashboard", reverse("dashboard"), participant_cookie, "<main"),
        ("session", reverse("delivery:session_detail", args=[session.pk]), participant_cookie, "<main"),
        (
            "feedback form",
            reverse("evaluation:answer", args=[form_survey]),
            form_cookie or participant_cookie,
            "data-draft-key",
        ),
        ("cohort page", reverse("delivery:cohort_detail", args=[reported.pk]), coordinator_cookie, "<main"),
        ("evaluation report", reverse("evaluation:cohort_report", args=[reported.pk]), coordinator_cookie, "<main"),
    ]
    print(
        json.dumps(
            {
                "library": library.pk,
                "cohort": cohort.pk,
                "participant": participant.pk,
                "session": session.pk,
                "form_from_pool": invitation is None,
                "coordinator": coordinator.pk,
                "report_cohort": reported.pk,
                "report_responses": sum(
                    Survey.objects.filter(cohort=reported).values_list("participant_responses", flat=True)
                ),
                "report_enrolments": reported.enrolments.count(),
                "pages": [{"key": k, "path": p, "cookie": c, "marker": m} for k, p, c, m in pages],
                "rounds": rounds,
                "pool": pool,
            }
        )
    )


if __name__ == "__main__":
    main()
