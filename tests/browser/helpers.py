"""Helpers shared by the browser tests: log in, check accessibility with axe, take screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from lentera.demo.data import DEMO_PASSWORD

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_SHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


def login(page: Page, live_server: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form and wait for the page the login redirects to."""
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("form:has(#id_username) [type=submit]").click()


def logout(page: Page) -> None:
    """Log out with the menu's POST form (the toggler is hidden at desktop width)."""
    page.locator("nav .dropdown-toggle").click()
    with page.expect_navigation():
        page.locator("form[action$='/akun/keluar/'] button").click()


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def path_of(page: Page) -> str:
    return str(page.evaluate("location.pathname"))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return the serious and critical violations."""
    assert AXE_JS.exists(), f"axe-core is missing: run `npm ci` in {HERE.name}/ (or `make browser`)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    where = path_of(page)
    assert not violations, f"axe found serious/critical problems on {where}:\n{format_violations(violations)}"


def shots_dir() -> Path:
    folder = os.environ.get("LENTERA_SCREENSHOTS")
    path = Path(folder) if folder else DEFAULT_SHOTS
    if not path.is_absolute():
        path = REPO_ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG for the user guide (docs/panduan/img with `make screenshots`)."""
    if not name.endswith(".png"):
        name += ".png"
    target = shots_dir() / name
    page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
    return target


def open_from_menu(page: Page, href: str) -> None:
    """Follow a main-menu link, opening the dropdown that holds it first if need be."""
    link = page.locator(f"#main-nav a[href='{href}']")
    if not link.is_visible():
        holder = page.locator("#main-nav .dropdown", has=page.locator(f"a[href='{href}']"))
        holder.locator(".dropdown-toggle").click()
    with page.expect_navigation():
        link.click()
