"""A scratch feedback world for the killed-worker test, run in a subprocess against a scratch database.

``python -m tests.reliability.feedback_world seed N`` (from the project root, with the scratch
environment) migrates the scratch database, then makes a library with the ready-made forms, a
non-anonymous cohort (so each response names its respondent and can be counted per invitation)
whose 3 sessions ended within the last hour, a 4th session tomorrow, and N enrolled participants,
each with a signed-in session. Prints JSON as its last line: the rounds (survey id, the fields of
a full answer, the answers one response stores) and the participants (user id, session key).

``python -m tests.reliability.feedback_world count SURVEY_ID[,...]`` prints JSON: per round, per
invited user, whether the invitation is marked answered and how many responses the user has in
that round, plus the answer count of every response.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import django

SESSIONS = 3


def seed(people: int) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from lentera.accounts.middleware import SESSION_KEY as LIBRARY_KEY
    from lentera.accounts.models import Library, Membership, Role, User
    from lentera.curriculum.models import Module, Programme, SessionPlan
    from lentera.delivery.models import Cohort, Enrolment, ScheduledSession, SessionInstructor
    from lentera.evaluation import services
    from lentera.evaluation.answering import field_name
    from lentera.evaluation.selectors import survey_instructors, survey_items

    tag = time.time_ns()
    now = timezone.now()
    library = Library.objects.create(name="Uji keandalan", slug=f"rel-{tag}", city="X", province="Y")
    services.ready_forms_install(actor=None, library=library)
    programme = Programme.objects.create(library=library, year=2026, title="Keandalan")
    module = Module.objects.create(library=library, programme=programme, title="Modul")
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name="K",
        starts_on=timezone.localdate(now),
        ends_on=timezone.localdate(now + timedelta(days=1)),
        capacity=people,
    )
    services.cohort_anonymity_set(actor=None, cohort=cohort, is_anonymous=False)
    unusable = make_password(None)
    teachers = User.objects.bulk_create(
        [
            User(username=f"rel{tag}-i{i}", full_name=f"Instruktur {i}", email=f"i{i}@{tag}.example", password=unusable)
            for i in range(SESSIONS)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.INSTRUCTOR) for u in teachers])
    for n in range(SESSIONS + 1):
        plan = SessionPlan.objects.create(library=library, module=module, order=n + 1, title=f"Sesi {n + 1}")
        # sessions 1-3 ended 30, 20, 10 minutes ago; session 4 is tomorrow (no end-of-cohort round yet)
        ends = now - timedelta(minutes=10 * (SESSIONS - n)) if n < SESSIONS else now + timedelta(days=1)
        session = ScheduledSession.objects.create(
            library=library, cohort=cohort, plan=plan, starts_at=ends - timedelta(minutes=90), ends_at=ends, jp=2
        )
        if n < SESSIONS:
            SessionInstructor.objects.create(library=library, session=session, user=teachers[n])
    users = User.objects.bulk_create(
        [
            User(username=f"rel{tag}-{i}", full_name=f"Peserta {i}", email=f"p{i}@{tag}.example", password=unusable)
            for i in range(people)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.PARTICIPANT) for u in users])
    Enrolment.objects.bulk_create([Enrolment(library=library, cohort=cohort, user=u) for u in users])
    rounds = []
    for survey in services.surveys_ensure(cohort=cohort, now=now):
        general, per_instructor = survey_items(survey=survey)
        ratings = [field_name(item) for item in general if item.is_rating]
        ratings += [
            field_name(item, person)
            for person in survey_instructors(survey=survey)
            for item in per_instructor
            if item.is_rating
        ]
        comment = next(field_name(item) for item in general if item.is_text)
        rounds.append({"survey": survey.pk, "ratings": ratings, "comment": comment, "answers": len(ratings) + 1})
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[LIBRARY_KEY] = library.pk
        store.create()
        sessions.append(store.session_key)
    return {"rounds": rounds, "users": [u.pk for u in users], "sessions": sessions}


def count(surveys: list[int]) -> dict:
    from django.db.models import Count

    from lentera.evaluation.models import Answer, Invitation, Response

    invitations = [
        {"survey": survey, "user": user, "answered": answered}
        for survey, user, answered in Invitation.objects.filter(survey_id__in=surveys).values_list(
            "survey_id", "user_id", "answered"
        )
    ]
    per_person = {
        f"{survey}:{user}": n
        for survey, user, n in Response.objects.filter(survey_id__in=surveys)
        .values("survey_id", "respondent_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "respondent_id", "n")
    }
    answers = dict(
        Answer.objects.filter(response__survey_id__in=surveys)
        .values("response_id")
        .annotate(n=Count("id"))
        .values_list("response_id", "n")
    )
    responses = list(Response.objects.filter(survey_id__in=surveys).values_list("pk", "survey_id"))
    return {
        "invitations": invitations,
        "responses_per_person": per_person,
        "answers_per_response": [[survey, answers.get(pk, 0)] for pk, survey in responses],
    }


def main() -> None:
    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    if command == "seed":
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        result = seed(int(argument))
    elif command == "count":
        result = count([int(pk) for pk in argument.split(",")])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
