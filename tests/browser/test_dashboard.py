"""Each demo role lands on its own dashboard, in Indonesian, with only its own menu."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, html_lang, login, path_of, shot

# Menu links by role: what each may see (True) and must not see (False).
PROGRAMMES, COMPETENCIES = "/program/", "/program/kompetensi/"
PEOPLE, AUDIT, LIBRARY = "/akun/orang/", "/akun/log-audit/", "/akun/perpustakaan/"
ALL_LINKS = [PROGRAMMES, COMPETENCIES, PEOPLE, AUDIT, LIBRARY]

ROLES = {
    "koordinator": {"sections": ["#coordinator-heading", "#programme-heading"], "links": ALL_LINKS},
    "instruktur": {"sections": ["#sessions-heading", "#programme-heading"], "links": [PROGRAMMES, COMPETENCIES]},
    "peserta": {
        "sections": ["#sessions-heading", "#jp-heading", "#programme-heading"],
        "links": [PROGRAMMES, COMPETENCIES],
    },
    "mitra": {"sections": ["#partner-heading"], "links": []},
}
ALL_SECTIONS = {
    "#coordinator-heading",
    "#sessions-heading",
    "#jp-heading",
    "#programme-heading",
    "#partner-heading",
}


@pytest.mark.parametrize("username", list(ROLES))
def test_dashboard_by_role(page: Page, demo: Any, username: str) -> None:
    expected = ROLES[username]
    login(page, demo, username)

    assert path_of(page) == "/"
    assert html_lang(page) == "id"
    expect(page.locator("#main-nav a[href='/']")).to_have_text("Beranda")
    for section in expected["sections"]:
        expect(page.locator(section)).to_be_visible()
    for section in ALL_SECTIONS - set(expected["sections"]):
        expect(page.locator(section)).to_have_count(0)

    nav = page.locator("#main-nav")
    for href in ALL_LINKS:
        expect(nav.locator(f"a[href='{href}']")).to_have_count(1 if href in expected["links"] else 0)
    if PROGRAMMES in expected["links"]:
        expect(nav.locator(f"a[href='{PROGRAMMES}']")).to_have_text("Program")
    if PEOPLE in expected["links"]:
        expect(nav.locator(f"a[href='{PEOPLE}']")).to_have_text("Orang")
        expect(nav.locator(f"a[href='{AUDIT}']")).to_have_text("Log audit")

    assert_accessible(page)
    shot(page, f"dashboard-{username}.png")


@pytest.mark.parametrize("username", ["koordinator", "peserta"])
def test_dashboard_fits_a_phone(page: Page, demo: Any, username: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, demo, username)
    assert path_of(page) == "/"

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"the {username} dashboard scrolls sideways at 375 px: {scroll_width} px wide"

    if username == "peserta":
        shot(page, "dashboard-peserta-375.png")

    menu = page.locator("#main-nav")
    toggler = page.locator(".navbar-toggler")
    expect(menu).to_be_hidden()
    expect(toggler).to_be_visible()
    toggler.click()
    page.wait_for_selector("#main-nav.collapse.show")  # Bootstrap ignores clicks while it animates
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.locator("a[href='/']")).to_be_visible()
    expect(menu.locator(f"a[href='{PROGRAMMES}']")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"the open menu makes the page {scroll_width} px wide at 375 px"
    assert_accessible(page)
    toggler.click()
    page.wait_for_selector("#main-nav.collapse:not(.show)", state="attached")
    expect(menu).to_be_hidden()
