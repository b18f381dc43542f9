"""The coordinator's wide pages on a 375 px phone: nothing scrolls the page sideways, wide tables
scroll inside a labelled focusable region or stack into blocks, the completion decision is there,
and axe finds nothing serious."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, login, shot

PHONE = {"width": 375, "height": 812}


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"
    page.evaluate("window.scrollTo(200, 0)")
    assert page.evaluate("window.scrollX") == 0


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def test_wide_coordinator_pages_fit_a_phone(phone: Page, demo: Any) -> None:
    from lentera.curriculum.models import Programme
    from lentera.delivery.models import Cohort

    programme = Programme.objects.get(year=2026)
    finished = Cohort.objects.get(name="Angkatan 2025")
    login(phone, demo, "koordinator")
    pages = [
        (f"/program/{programme.pk}/", "program-375.png"),
        (f"/umpan-balik/angkatan/{finished.pk}/laporan/", "laporan-evaluasi-375.png"),
        (f"/sertifikat/angkatan/{finished.pk}/", "sertifikat-angkatan-375.png"),
        (f"/bank-soal/angkatan/{finished.pk}/kelulusan/", "kelulusan-375.png"),
        ("/akun/log-audit/", "log-audit-375.png"),
    ]
    for path, name in pages:
        phone.goto(f"{demo.url}{path}")
        expect(phone.locator("h1")).to_be_visible()
        _no_sideways_scroll(phone)
        for region in phone.locator(".table-responsive").all():
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label"), path
        assert_accessible(phone)
        shot(phone, name)


def test_the_completion_decision_can_be_made_on_a_phone(phone: Page, demo: Any) -> None:
    from lentera.assessment.models import CompletionOverride
    from lentera.delivery.models import Cohort

    finished = Cohort.objects.get(name="Angkatan 2025")
    login(phone, demo, "koordinator")
    phone.goto(f"{demo.url}/bank-soal/angkatan/{finished.pk}/kelulusan/")
    row = phone.locator("table.completion-table tbody tr").first
    decision = row.locator("select[name=status]")
    expect(decision).to_be_visible()
    decision.select_option("completed")
    row.locator("input[name=reason]").fill("Sakit, tugas menyusul dan sudah dinilai")
    with phone.expect_navigation():
        row.get_by_role("button").click()
    saved = CompletionOverride.objects.get(cohort=finished, reason="Sakit, tugas menyusul dan sudah dinilai")
    assert saved.status == "completed"


def test_the_audit_log_credits_the_demo_to_the_system(phone: Page, demo: Any) -> None:
    login(phone, demo, "koordinator")
    phone.goto(f"{demo.url}/akun/log-audit/?action=cohort.create")
    rows = phone.locator("main table tbody tr")
    expect(rows.first).to_contain_text("Sistem")
    expect(rows.first).to_contain_text("Angkatan dibuat")
    _no_sideways_scroll(phone)
