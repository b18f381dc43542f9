"""A cohort of N participants with a session whose check-in is open now, and a login session for each."""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import django_env  # noqa: F401 - sets up Django
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from lentera.accounts.middleware import SESSION_KEY as LIBRARY_KEY
from lentera.accounts.models import Library, Membership, Role, User
from lentera.curriculum.models import Module, Programme, SessionPlan
from lentera.delivery.models import Cohort, Enrolment, ScheduledSession

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
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench{tag}-{i}",
                full_name=f"Peserta {i}",
                email=f"b{tag}-{i}@bench.example",
                password=password,
            )
            for i in range(PEOPLE)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.PARTICIPANT) for u in users])
    Enrolment.objects.bulk_create([Enrolment(library=library, cohort=cohort, user=u) for u in users])
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[LIBRARY_KEY] = library.pk
        store.create()
        cookies.append(store.session_key)
    print(json.dumps({"session": session.pk, "secret": session.checkin_secret, "cookies": cookies}))


if __name__ == "__main__":
    main()
