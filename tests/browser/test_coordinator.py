"""The coordinator's path through the programme, the competency framework, people and the audit log."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from lentera.demo.data import MODULES
from tests.browser.helpers import assert_accessible, html_lang, login, open_from_menu, path_of, shot

NEW_UNIT_CODE = "R.91PRP02.021.1"
NEW_UNIT_TITLE = "Melakukan layanan referensi digital"


def test_coordinator_plans_and_administers(page: Page, demo: Any) -> None:
    login(page, demo, "koordinator")

    # Programme list, then the 2026 programme with its four objectives and five modules.
    open_from_menu(page, "/program/")
    assert path_of(page) == "/program/"
    programme = page.locator("main .list-group a", has_text="2026")
    expect(programme).to_have_count(1)
    programme.click()
    expect(page.locator("#objectives-heading")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Pelatihan Pustakawan Perpustakaan Kota Pasuruan 2026")
    objectives = page.locator("section[aria-labelledby='objectives-heading'] h3")
    expect(objectives).to_have_count(4)
    for index, code in enumerate("abcd"):
        expect(objectives.nth(index)).to_contain_text(f"{code}.")
    modules = page.locator("section[aria-labelledby='modules-heading']")
    for _order, title, *_rest in MODULES:
        expect(modules).to_contain_text(title)
    hrefs = modules.locator("a[href^='/program/modul/']").evaluate_all("links => links.map(a => a.pathname)")
    module_links = {href for href in hrefs if re.fullmatch(r"/program/modul/\d+/", href)}
    assert len(module_links) == 5, module_links
    assert html_lang(page) == "id"
    assert_accessible(page)
    shot(page, "program-detail.png")

    # A new SKKNI unit through the form, then in the framework.
    page.goto(f"{demo.url}/program/kompetensi/baru/")
    page.select_option("#id_key_function", label="3. Layanan Perpustakaan")
    page.fill("#id_code", NEW_UNIT_CODE)
    page.fill("#id_title", NEW_UNIT_TITLE)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert path_of(page) == "/program/kompetensi/"
    unit = page.locator("main li", has_text=NEW_UNIT_TITLE)
    expect(unit).to_have_count(1)
    expect(unit.locator("code")).to_have_text(NEW_UNIT_CODE)
    expect(page.locator("section[aria-labelledby='kf-3']")).to_contain_text(NEW_UNIT_TITLE)
    assert_accessible(page)
    shot(page, "kompetensi.png")

    # People of the library.
    open_from_menu(page, "/akun/orang/")
    assert path_of(page) == "/akun/orang/"
    expect(page.locator("#people-table tbody tr").first).to_be_visible()
    expect(page.locator("#people-table")).to_contain_text("Siti Rahmawati")
    assert_accessible(page)
    shot(page, "orang.png")

    # The audit log records the new unit.
    open_from_menu(page, "/akun/log-audit/")
    assert path_of(page) == "/akun/log-audit/"
    first_row = page.locator("main table tbody tr").first
    expect(first_row).to_contain_text(NEW_UNIT_TITLE)
    expect(first_row).to_contain_text("Siti Rahmawati")
    # Filter to one kind of change: the screenshot shows the filter and stays short.
    page.select_option("#id_action", value="competency.create")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    assert "action=competency.create" in page.url
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text(NEW_UNIT_TITLE)
    expect(rows).to_have_count(12)  # the 11 demo units and the new one
    assert_accessible(page)
    shot(page, "log-audit.png")

    # Library settings.
    open_from_menu(page, "/akun/perpustakaan/")
    assert path_of(page) == "/akun/perpustakaan/"
    expect(page.locator("#id_yearly_jp_target")).to_have_value("20")
    expect(page.locator("#id_anonymity_floor")).to_have_value("5")
    expect(page.locator("#id_name")).to_have_value("Perpustakaan Kota Pasuruan")
    assert_accessible(page)
    shot(page, "pengaturan-perpustakaan.png")
