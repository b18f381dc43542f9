"""Playwright end-to-end tests in a real Chromium against pytest-django's live server.

Every test here is marked ``browser`` (run them with ``pytest -m browser tests/browser``).
The live server runs in a thread of this process; the ``demo`` fixture seeds the Pasuruan
demo into the test database before each test (``live_server`` pulls in ``transactional_db``,
so the server thread sees the data, and the database is flushed after each test).

Playwright's sync API keeps an asyncio event loop running in the test thread while it is
started. Two consequences, both handled here:

* Django refuses database calls from a thread with a running loop unless
  ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set; it is set at import and removed again when the
  browser tests are done, so it does not leak into later tests or their subprocesses.
* While the loop runs, Django hands out a second set of connection objects (asgiref's
  ``Local`` switches to context-local storage). pytest-django's copy of the migrated data
  (rows made by data migrations, such as the SKKNI key functions, which each flush would
  otherwise remove; ``django_db_serialized_rollback`` asks for it) hangs on the first set,
  so it is handed to the second set when Playwright starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_ASYNC_UNSAFE_BEFORE = os.environ.get(_ASYNC_UNSAFE)
os.environ[_ASYNC_UNSAFE] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402

HERE = Path(__file__).resolve().parent
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def playwright_instance(django_db_setup: None) -> Iterator[Playwright]:
    from django.db import connections

    migrated_data = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in migrated_data.items():
            connections[alias]._test_serialized_contents = contents
        yield playwright
        connections.close_all()  # the loop's connections: close them while they are reachable
    # The loop has stopped: give later tests the environment they had.
    if _ASYNC_UNSAFE_BEFORE is None:
        os.environ.pop(_ASYNC_UNSAFE, None)
    else:
        os.environ[_ASYNC_UNSAFE] = _ASYNC_UNSAFE_BEFORE


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    options: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
    if SYSTEM_CHROMIUM.exists():
        options["executable_path"] = str(SYSTEM_CHROMIUM)
    browser = playwright_instance.chromium.launch(**options)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _live_server_helper(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's helper of the same name (it asks for ``transactional_db`` when a test uses the
    live server), with one step first: a transactional test of another kind that ran earlier in this
    worker may have flushed the database without restoring it, after which Django's post-migrate
    signal made the content types again under new ids, and restoring the migrated rows would
    collide with them. They are removed first (permissions go with them); the restore brings back
    the originals."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.contrib.contenttypes.models import ContentType

    with django_db_blocker.unblock():
        ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture
def demo(live_server: Any, django_db_serialized_rollback: None, settings: Any) -> Any:
    """The Pasuruan demo in the live server's database; returns the live server.

    ``django_db_serialized_rollback`` restores the migrated data the previous test's flush
    removed. A fast password hasher keeps seeding the ~30 demo people quick.
    """
    from django.core.cache import caches

    from lentera.demo.seed import seed_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The rate limits' counts (lib/ratelimit.py) live in a cache table that the flush between tests
    # leaves alone: every test starts with none, as if from a new address.
    caches["shared"].clear()
    seed_demo()
    return live_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp: the site's strict Content-Security-Policy would block the injected axe script.
    # locale: an Indonesian browser, like the librarians'; Django honours Accept-Language.
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
