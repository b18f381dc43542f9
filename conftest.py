"""Test personas shared by every app's tests (healthchecks-style: owner, team member, outsider).

Library A has a coordinator, an instructor, a participant and a partner; library B has its
own coordinator. Each persona is a logged-in Django test client; ``anon`` is logged out.

The clock: tests pass on any day. ``LENTERA_TEST_CLOCK`` (an ISO date-time, e.g.
``2027-01-04T08:30+07:00``) moves the whole run to that moment, still ticking (time-machine), so
CI also runs the tests that read the clock or the demo (marker ``clock``) on fixed days besides
today: a new year's first Monday, a leap day. ``make test-clock`` does that.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
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


CLOCK = os.environ.get("LENTERA_TEST_CLOCK", "")
# A test module that reads the clock, builds dates from today, or seeds the demo (whose dates follow
# today): its tests carry the ``clock`` marker. The reliability tests run servers and tools in other
# processes, which a pinned clock does not reach, so they are left to today's run.
_READS_THE_CLOCK = re.compile(r"timezone\.now|localdate|date\.today|datetime\.now|time_machine|seed_demo|\bdemo: ")
_ROOT = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clock: reads the clock or the demo; CI runs it on fixed days too")
    if CLOCK:
        import time_machine

        moment = datetime.fromisoformat(CLOCK)
        if moment.tzinfo is None:
            raise pytest.UsageError("LENTERA_TEST_CLOCK needs a UTC offset, e.g. 2027-01-04T08:30+07:00")
        time_machine.travel(moment, tick=True).start()  # for the whole run, in every xdist worker


def pytest_report_header(config: pytest.Config) -> str | None:
    return f"clock pinned to {CLOCK} (LENTERA_TEST_CLOCK)" if CLOCK else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reads: dict[Path, bool] = {}
    for item in items:
        path = Path(item.path)
        if path not in reads:
            reliability = _ROOT / "tests" / "reliability" in path.parents
            reads[path] = not reliability and bool(_READS_THE_CLOCK.search(path.read_text(encoding="utf-8")))
        if reads[path]:
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True, scope="session")
def _cookies_outlive_a_pinned_clock() -> Any:
    """With the clock pinned, a cookie's Expires is reckoned from the pinned day, which the real
    browser of the browser tests may see as long past: keep the cookies for the browser's session."""
    if not CLOCK:
        yield
        return
    from django.test import override_settings

    with override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True, CSRF_COOKIE_AGE=None):
        yield


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


@pytest.fixture
def worker(settings: Any) -> None:
    """Background tasks run at once: the immediate backend stands in for `manage.py db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
