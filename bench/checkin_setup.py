"""A cohort of N participants with a session whose check-in is open now, and a login session for each."""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import django_env  # noqa: F401 - sets up Django
from django.utils import timezone
from factories import enrol_participants, session_cookies

from lentera.accounts.models import Library
from lentera.curriculum.models import Module, Programme, SessionPlan
from lentera.delivery.models import Cohort, ScheduledSession

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 300


def main() -> None:
    tag = time.time_ns()
    library = Library.objects.create(name="Bench", slug=f"bench-checkin-{tag}", city="X", province="Y")
    programme = Programme.objects.create(library=library, year=2026, title="Bench")
    module = Module.objects.create(library=library, programme=programme, title="M")
    plan = SessionPlan.objects.create(library=library, module=module, title="S", planned_minutes=90)
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name="C",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        capacity=PEOPLE,
    )
    now = timezone.now()
    session = ScheduledSession.objects.create(
        library=library,
        cohort=cohort,
        plan=plan,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        jp=2,
    )
    users = enrol_participants(library=library, cohort=cohort, people=PEOPLE, tag=tag)
    cookies = session_cookies(users, library)
    print(json.dumps({"session": session.pk, "secret": session.checkin_secret, "cookies": cookies}))


if __name__ == "__main__":
    main()
