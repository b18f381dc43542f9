"""What the load benchmarks build in the database: participants, signed-in sessions, open feedback rounds.

The benchmarks' own copies of test helpers (bench imports no test module of the product):
``signed_in_session`` as ``lentera/accounts/tests/factories.py`` has it, and ``feedback_cohort`` with
``round_fields`` as ``lentera/evaluation/tests/factories.py`` has them (the tests and the reliability
suite keep using those). tests/bench/test_factories.py checks that what these build works in the product.

- ``enrol_participants``: N participant accounts of a library enrolled in a cohort (three bulk inserts);
- ``session_cookies`` / ``signed_in_session``: a signed-in session per person, as the login view leaves it;
- ``feedback_cohort``: a cohort whose session feedback rounds are open now, with plain bulk inserts (it
  is used for hundreds of people): the library's ready-made forms, ``sessions`` sessions that ended
  within the last hour (10 minutes apart), a session tomorrow (so the end-of-cohort round is not due
  yet), and ``people`` enrolled participants, invited to every round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.module_loading import import_string

from lentera.accounts.middleware import SESSION_KEY as LIBRARY_KEY
from lentera.accounts.models import Library, Membership, Role, User
from lentera.curriculum.models import Module, Programme, SessionPlan
from lentera.delivery.models import Cohort, Enrolment, ScheduledSession, SessionInstructor
from lentera.evaluation import services
from lentera.evaluation.answering import field_name
from lentera.evaluation.models import FeedbackForm, Survey
from lentera.evaluation.selectors import survey_instructors, survey_items

# People ----------------------------------------------------------------------------------------------


def enrol_participants(*, library: Any, cohort: Any, people: int, tag: int) -> list[User]:
    """``people`` participant accounts of ``library``, enrolled in ``cohort`` (three bulk inserts)."""
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench{tag}-{i}",
                full_name=f"Peserta {i}",
                email=f"b{tag}-{i}@bench.example",
                password=password,
            )
            for i in range(people)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=Role.PARTICIPANT) for u in users])
    Enrolment.objects.bulk_create([Enrolment(library=library, cohort=cohort, user=u) for u in users])
    return users


def signed_in_session(user: User, library: Library) -> str:
    """The key of a signed-in session for ``user``, as the login view leaves it (``library`` chosen).

    The requests of a benchmark send it as their cookie instead of logging in. The session names the
    backend that loads the user on each request: the first one that can (the lockout backend listed
    before it only refuses logins), as ``auth.login`` would record. It is stored by the session engine
    the settings name, so the server finds it.
    """
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LIBRARY_KEY] = library.pk
    store.create()
    if store.session_key is None:
        raise RuntimeError("the session store made no session key")
    return str(store.session_key)


def session_cookies(users: list[User], library: Any) -> list[str]:
    """A signed-in session per user, as the login view leaves it (the library already chosen)."""
    return [signed_in_session(user, library) for user in users]


# Open feedback rounds --------------------------------------------------------------------------------


@dataclass
class FeedbackCohort:
    library: Library
    cohort: Cohort
    participants: list[User]
    rounds: list[dict[str, Any]]  # per open round: survey id, Likert fields of a full answer, comment field


def round_fields(survey: Survey) -> dict[str, Any]:
    """The form fields a full answer to ``survey`` fills: every Likert item (per instructor too), one comment."""
    general, per_instructor = survey_items(survey=survey)
    ratings = [field_name(item) for item in general if item.is_rating]
    ratings += [
        field_name(item, person)
        for person in survey_instructors(survey=survey)
        for item in per_instructor
        if item.is_rating
    ]
    comment = next(field_name(item) for item in general if item.is_text)
    return {"survey": survey.pk, "ratings": ratings, "comment": comment, "answers": len(ratings) + 1}


def _people(library: Library, *, prefix: str, name: str, count: int, role: str) -> list[User]:
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-{i}",
                full_name=f"{name} {i}",
                email=f"{prefix}-{i}@contoh.example",
                password=unusable,
            )
            for i in range(count)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, library=library, role=role) for u in users])
    return users


def feedback_cohort(
    *,
    people: int,
    sessions: int,
    tag: str,
    library: Library | None = None,
    instructors_per_session: int = 2,
    now: datetime | None = None,
) -> FeedbackCohort:
    """A cohort with ``sessions`` open session rounds and ``people`` invited participants (see the module)."""
    now = now or timezone.now()
    if library is None:
        library = Library.objects.create(name=f"Perpustakaan {tag}", slug=tag, city="X", province="Y")
    if not FeedbackForm.objects.filter(library=library, kind=FeedbackForm.Kind.SESSION, is_active=True).exists():
        services.ready_forms_install(actor=None, library=library)
    programme = Programme.objects.create(library=library, year=now.year, title=f"Program {tag}")
    module = Module.objects.create(library=library, programme=programme, title="Modul")
    cohort = Cohort.objects.create(
        library=library,
        programme=programme,
        name=f"Angkatan {tag}",
        starts_on=timezone.localdate(now),
        ends_on=timezone.localdate(now + timedelta(days=1)),
        capacity=people,
    )
    teachers = _people(
        library, prefix=f"{tag}-i", name="Instruktur", count=instructors_per_session * sessions, role=Role.INSTRUCTOR
    )
    for n in range(sessions + 1):
        plan = SessionPlan.objects.create(library=library, module=module, order=n + 1, title=f"Sesi {n + 1}")
        ends = now - timedelta(minutes=10 * (sessions - n)) if n < sessions else now + timedelta(days=1)
        session = ScheduledSession.objects.create(
            library=library, cohort=cohort, plan=plan, starts_at=ends - timedelta(minutes=90), ends_at=ends, jp=2
        )
        for person in teachers[instructors_per_session * n : instructors_per_session * (n + 1)]:
            SessionInstructor.objects.create(library=library, session=session, user=person)
    participants = _people(library, prefix=f"{tag}-p", name="Peserta", count=people, role=Role.PARTICIPANT)
    Enrolment.objects.bulk_create([Enrolment(library=library, cohort=cohort, user=u) for u in participants])
    rounds = [round_fields(survey) for survey in services.surveys_ensure(cohort=cohort, now=now)]
    return FeedbackCohort(library=library, cohort=cohort, participants=participants, rounds=rounds)
