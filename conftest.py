"""Test personas shared by every app's tests (healthchecks-style: owner, team member, outsider).

Library A has a coordinator, an instructor, a participant and a partner; library B has its
own coordinator. Each persona is a logged-in Django test client; ``anon`` is logged out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lentera.accounts.access import LibraryAccess
from lentera.accounts.models import Library, Role, User
from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory


@dataclass
class Persona:
    name: str
    user: User | None
    library: Library | None
    roles: frozenset[str]
    client: Client

    @property
    def access(self) -> LibraryAccess:
        return LibraryAccess(user=self.user, library=self.library, roles=self.roles, library_count=1)


@pytest.fixture
def library_a(db: Any) -> Library:
    return LibraryFactory(name="Perpustakaan A", slug="perpustakaan-a")


@pytest.fixture
def library_b(db: Any) -> Library:
    return LibraryFactory(name="Perpustakaan B", slug="perpustakaan-b")


def _persona(name: str, library: Library, role: str) -> Persona:
    user = UserFactory(username=name, full_name=name.replace("_", " ").title())
    MembershipFactory(user=user, library=library, role=role)
    client = Client()
    client.force_login(user)
    return Persona(name=name, user=user, library=library, roles=frozenset({role}), client=client)


@pytest.fixture
def coordinator(library_a: Library) -> Persona:
    return _persona("coordinator_a", library_a, Role.COORDINATOR)


@pytest.fixture
def instructor(library_a: Library) -> Persona:
    return _persona("instructor_a", library_a, Role.INSTRUCTOR)


@pytest.fixture
def participant(library_a: Library) -> Persona:
    return _persona("participant_a", library_a, Role.PARTICIPANT)


@pytest.fixture
def partner(library_a: Library) -> Persona:
    return _persona("partner_a", library_a, Role.PARTNER)


@pytest.fixture
def coordinator_b(library_b: Library) -> Persona:
    return _persona("coordinator_b", library_b, Role.COORDINATOR)


@pytest.fixture
def anon(db: Any) -> Persona:
    return Persona(name="anon", user=None, library=None, roles=frozenset(), client=Client())


@pytest.fixture
def personas(
    coordinator: Persona,
    instructor: Persona,
    participant: Persona,
    partner: Persona,
    coordinator_b: Persona,
    anon: Persona,
) -> dict[str, Persona]:
    return {p.name: p for p in (coordinator, instructor, participant, partner, coordinator_b, anon)}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests hash many passwords; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Uploaded files of a test go to its own folder, never into the project's data."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache (cached figures are keyed by ids a rolled-back test may reuse)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
