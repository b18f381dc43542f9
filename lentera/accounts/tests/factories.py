from __future__ import annotations

import factory

from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, User

TEST_PASSWORD = "sandi-uji-123"  # noqa: S105 - test fixture


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    name = factory.Sequence(lambda n: f"Perpustakaan Uji {n}")
    slug = factory.Sequence(lambda n: f"perpustakaan-uji-{n}")
    city = "Kota Uji"
    province = "Jawa Timur"
    population = 200_000
    kecamatan = factory.LazyFunction(lambda: ["Utara", "Selatan"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"orang{n}")
    full_name = factory.Sequence(lambda n: f"Orang Uji {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@uji.example")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    library = factory.SubFactory(LibraryFactory)
    role = Role.PARTICIPANT


def functional_level(name: str = "Ahli Pertama") -> FunctionalLevel:
    return FunctionalLevel.objects.get(name=name)


def signed_in_session(user: User, library: Library) -> str:
    """The key of a signed-in session for ``user``, as the login view leaves it (``library`` chosen).

    For load tests and benchmarks that send requests with a cookie instead of logging in. The
    session names the backend that loads the user on each request: the first one that can (the
    lockout backend listed before it only refuses logins), as ``auth.login`` would record.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from lentera.accounts.middleware import SESSION_KEY as LIBRARY_KEY

    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LIBRARY_KEY] = library.pk
    store.create()
    assert store.session_key is not None
    return store.session_key
