"""Playwright end-to-end tests in a real Chromium against pytest-django's live server.

Every test here is marked ``browser`` (run them with ``pytest -m browser tests/browser``).
The live server runs in a thread of this process, so the demo data is seeded into the
test database with ``seed_demo()`` before each test; ``transactional_db`` (pulled in by
``live_server``) makes the data visible to the server thread and flushes it afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from the test body and fixtures.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
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
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    options: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
    if SYSTEM_CHROMIUM.exists():
        options["executable_path"] = str(SYSTEM_CHROMIUM)
    browser = playwright_instance.chromium.launch(**options)
    yield browser
    browser.close()


@pytest.fixture
def demo(live_server: Any, django_db_serialized_rollback: None, settings: Any) -> Any:
    """The Pasuruan demo in the live server's database; returns the live server.

    ``django_db_serialized_rollback`` restores the rows the data migrations created (key
    functions, functional levels) that the flush after each transactional test removes.
    A fast password hasher keeps seeding ~30 demo people quick.
    """
    from lentera.demo.seed import seed_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    return live_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp: the site's strict Content-Security-Policy would block the injected axe script.
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
