"""Participants for the load benchmarks: N accounts enrolled in a cohort, each with a signed-in session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password

from lentera.accounts.models import Membership, Role, User
from lentera.accounts.tests.factories import signed_in_session
from lentera.delivery.models import Enrolment


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


def session_cookies(users: list[User], library: Any) -> list[str]:
    """A signed-in session per user, as the login view leaves it (the library already chosen)."""
    return [signed_in_session(user, library) for user in users]
