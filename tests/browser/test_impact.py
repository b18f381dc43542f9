"""Library indicators in the browser: the coordinator types a month's figure in place (saved at once,
a refused figure named by month and column), imports a sheet with one bad row, sees the row and
column named, fixes it and imports; the page works on a 375 px phone. The pages are the screenshots
of the user guide.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lentera.demo.data import LIBRARY
from tests.browser.delivery_helpers import PHONE, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, open_from_menu, path_of, shot

PAGE = "/dampak/indikator/"
HEADER = "Bulan,Kunjungan,Peminjaman,Anggota baru,Kegiatan,Peserta kegiatan,Pertanyaan referensi\n"


def kept(month: date) -> Any:
    from lentera.impact.models import MonthlyIndicator

    return MonthlyIndicator.objects.get(library__slug=LIBRARY["slug"], month=month)


def test_coordinator_types_imports_and_reads_the_chart(page: Page, demo: Any, browser: Browser, tmp_path: Path) -> None:
    this_year = timezone.localdate().year
    january, february = date(this_year, 1, 1), date(this_year, 2, 1)
    login(page, demo, "koordinator")
    open_from_menu(page, PAGE)
    assert path_of(page) == PAGE
    expect(page.locator("#year-heading")).to_have_text(str(this_year))
    page.wait_for_function("() => window.Chart && window.Chart.getChart('indicator-chart')")

    # One cell typed in place: saved as the cell is left.
    cell = page.locator(f"#visits-{january:%Y-%m}")
    cell.fill("4321")
    cell.press("Tab")
    expect(page.locator(f"#state-{january:%Y-%m}")).to_contain_text(id_("Saved"))
    assert kept(january).visits == 4321

    # A fraction is refused, naming the month and the column; nothing changes.
    before = kept(february).loans
    cell = page.locator(f"#loans-{february:%Y-%m}")
    cell.fill("12,5")
    cell.press("Tab")
    state = page.locator(f"#state-{february:%Y-%m}")
    expect(state).to_contain_text(id_("Loans"))
    expect(state).to_contain_text(str(this_year))
    expect(cell).to_have_attribute("aria-invalid", "true")
    assert kept(february).loans == before
    cell.fill(str(before))
    cell.press("Tab")
    expect(state).to_contain_text(id_("Saved"))
    expect(cell).not_to_have_attribute("aria-invalid", "true")

    page.select_option("#chart-indicator", "loans")
    assert page.evaluate("window.Chart.getChart('indicator-chart').data.datasets[0].label") == id_("Loans")
    page.locator("h1").click()  # leave the last cell, as a person would before looking at the chart
    assert_accessible(page)
    shot(page, "indikator-perpustakaan.png")

    # Import a sheet with one bad row: the row and the column are named, nothing is written.
    last_year = this_year - 1
    old_march = kept(date(last_year, 3, 1)).visits
    bad = tmp_path / "indikator.csv"
    bad.write_text(
        HEADER
        + f"{last_year}-03,{old_march + 250},,,,,\n"
        + f"{last_year}-04,-12,,,,,\n"
        + f"{last_year}-05,4100,2100,,,,\n",
        encoding="utf-8",
    )
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=id_("Import from a sheet")).click()
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    problems = page.locator("table.import-errors tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("td").nth(0)).to_have_text("3")
    expect(problems.first.locator("td").nth(2)).to_have_text(id_("Visits"))
    expect(problems.first.locator("td").nth(3)).to_have_text(id_("A count cannot be negative."))
    expect(page.locator(".import-changes")).to_contain_text(f"{old_march} → {old_march + 250}")
    assert kept(date(last_year, 3, 1)).visits == old_march
    assert_accessible(page)
    shot(page, "indikator-impor-periksa.png")

    # Fixed and uploaded again: imported, and the months changed.
    good = tmp_path / "indikator-baik.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace(",-12,", ",3650,"), encoding="utf-8")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=id_("Upload a corrected file")).click()
    page.set_input_files("#id_file", str(good))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("table.import-errors")).to_have_count(0)
    with page.expect_navigation():
        page.locator("form[action$='/simpan/'] button").click()
    assert path_of(page) == PAGE
    expect(page.locator(".alert-success")).to_be_visible()
    assert kept(date(last_year, 3, 1)).visits == old_march + 250
    assert kept(date(last_year, 4, 1)).visits == 3650
    assert (kept(date(last_year, 5, 1)).visits, kept(date(last_year, 5, 1)).loans) == (4100, 2100)

    # On a phone: the table scrolls inside its own region, the page does not.
    with phone_page(browser) as phone:
        login(phone, demo, "koordinator")
        phone.goto(f"{demo.url}{PAGE}?tahun={last_year}")
        phone.wait_for_function("() => window.Chart && window.Chart.getChart('indicator-chart')")
        assert scroll_width(phone) <= PHONE["width"]
        region = phone.locator(".indicator-scroll")
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")
        expect(phone.locator(f"#visits-{last_year}-04")).to_have_value("3650")
        region.evaluate("el => { el.scrollLeft = 200; }")  # scrolled sideways: the month stays in view
        assert phone.locator(f"#month-{last_year}-04 th").bounding_box()["x"] < 20
        assert_accessible(phone)
        shot(phone, "indikator-perpustakaan-375.png")
