"""The footer's language switch changes the page at once and is remembered for the person."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.helpers import html_lang, login, logout, path_of


def _switch(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.locator("footer .language-switch button", has_text=label).click()


def test_language_switch_is_remembered_per_person(page: Page, demo: Any) -> None:
    login(page, demo, "peserta")
    assert html_lang(page) == "id"

    _switch(page, "English")
    assert html_lang(page) == "en"
    assert path_of(page) == "/", "the switch should return to the page it was used on"
    expect(page.locator("#main-nav a[href='/']")).to_have_text("Home")
    english = page.locator("footer .language-switch button[value='en']")
    expect(english).to_have_attribute("aria-pressed", "true")

    page.reload()
    assert html_lang(page) == "en"

    # Log out and forget the browser's cookies: the choice is stored with the person.
    logout(page)
    page.context.clear_cookies()
    page.goto(f"{demo.url}/akun/masuk/")
    assert html_lang(page) == "id"
    login(page, demo, "peserta")
    assert path_of(page) == "/"
    assert html_lang(page) == "en"

    _switch(page, "Bahasa Indonesia")
    assert html_lang(page) == "id"
    expect(page.locator("#main-nav a[href='/']")).to_have_text("Beranda")
    page.reload()
    assert html_lang(page) == "id"
