"""The login page: Indonesian by default and free of serious accessibility problems."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, html_lang, shot


def test_login_page_is_indonesian_and_accessible(page: Page, demo: Any) -> None:
    response = page.goto(f"{demo.url}/")
    assert response is not None and response.ok
    assert page.url.endswith("/akun/masuk/?next=/") or "/akun/masuk/" in page.url
    assert html_lang(page) == "id"
    expect(page.locator("form:has(#id_username) [type=submit]")).to_have_text("Masuk")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    assert_accessible(page)
    shot(page, "masuk.png")
