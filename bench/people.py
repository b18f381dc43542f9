"""Participants for the load benchmarks: N accounts enrolled in a cohort, each with a signed-in session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore

from lentera.accounts.middleware import SESSION_KEY as LIBRARY_KEY
from lentera.accounts.models import Membership, Role, User
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
    """A signed-in session per user, as the login view leaves it (the library already chosen).

    The session names the backend that loads the user on each request: the first one that can
    (the lockout backend listed before it only refuses logins), as ``auth.login`` would record.
    """
    from django.utils.module_loading import import_string

    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[LIBRARY_KEY] = library.pk
        store.create()
        cookies.append(store.session_key)
    return cookies
