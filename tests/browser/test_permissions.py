"""A page outside one's role answers 403 with the site's own Indonesian error page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, html_lang, login


def test_participant_gets_403_on_people(page: Page, demo: Any) -> None:
    login(page, demo, "peserta")
    response = page.goto(f"{demo.url}/akun/orang/")
    assert response is not None
    assert response.status == 403
    assert html_lang(page) == "id"
    expect(page.locator("main")).to_contain_text("403")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main a[href='/']")).to_be_visible()
    expect(page.locator("#people-table")).to_have_count(0)
    assert_accessible(page)
