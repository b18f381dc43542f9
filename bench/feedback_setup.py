"""A cohort of N participants whose 5 session feedback rounds are open now (the feedback burst).

The library has the ready-made forms; the cohort has 5 sessions that ended within the last hour,
each taught by 2 instructors, and a 6th session tomorrow (so the end-of-cohort round is not due
yet). ``surveys_ensure`` opens the 5 session rounds and invites everyone enrolled: 5 × N
invitations, the submissions the load generator makes.

Prints, as its last line, JSON with the rounds (per round: its id and the form fields a full
answer fills: every Likert item rated, for the session and for each instructor, and one
comment), and the participants (user id and signed-in session cookie, in the same order).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import django_env  # noqa: F401 - sets up Django
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from people import enrol_participants, session_cookies

from lentera.accounts.models import Library, Membership, Role, User
from lentera.curriculum.models import Module, Programme, SessionPlan
from lentera.delivery.models import Cohort, ScheduledSession, SessionInstructor
from lentera.evaluation import services
from lentera.evaluation.answering import field_name
from lentera.evaluation.selectors import survey_instructors, survey_items

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SESSIONS = 5


def main() -> None:
    tag = time.time_ns()
    now = timezone.now()
    library = Library.objects.create(name="Bench", slug=f"bench-feedback-{tag}", city="X", province="Y")
    services.ready_forms_install(actor=None, library=library)
    programme = Programme.objects.create(library=library, year=2026, title="Bench")
    module = Module.objects.create(library=library, programme=programme, title="Modul Bench")
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name="C",
        starts_on=timezone.localdate(now),
        ends_on=timezone.localdate(now + timedelta(days=1)),
        capacity=PEOPLE,
    )
    unusable = make_password(None)
    teachers = User.objects.bulk_create(
        [
            User(
                username=f"bench{tag}-i{i}",
                full_name=f"Instruktur {i}",
                email=f"i{tag}-{i}@x.example",
                password=unusable,
            )
            for i in range(2 * SESSIONS)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.INSTRUCTOR) for u in teachers])
    for n in range(SESSIONS + 1):
        plan = SessionPlan.objects.create(library=library, module=module, order=n + 1, title=f"Sesi {n + 1}")
        # sessions 1-5 ended 50, 40, ... 10 minutes ago; session 6 is tomorrow
        ends = now - timedelta(minutes=10 * (SESSIONS - n)) if n < SESSIONS else now + timedelta(days=1)
        session = ScheduledSession.objects.create(
            library=library, cohort=cohort, plan=plan, starts_at=ends - timedelta(minutes=90), ends_at=ends, jp=2
        )
        for person in teachers[2 * n : 2 * n + 2]:
            SessionInstructor.objects.create(library=library, session=session, user=person)
    users = enrol_participants(library=library, cohort=cohort, people=PEOPLE, tag=tag)
    surveys = services.surveys_ensure(cohort=cohort, now=now)
    rounds = []
    for survey in surveys:
        general, per_instructor = survey_items(survey=survey)
        fields = [field_name(item) for item in general if item.is_rating]
        fields += [
            field_name(item, person)
            for person in survey_instructors(survey=survey)
            for item in per_instructor
            if item.is_rating
        ]
        comment = next(field_name(item) for item in general if item.is_text)
        rounds.append({"survey": survey.pk, "ratings": fields, "comment": comment})
    cookies = session_cookies(users, library)
    print(json.dumps({"rounds": rounds, "users": [u.pk for u in users], "cookies": cookies}))


if __name__ == "__main__":
    main()
