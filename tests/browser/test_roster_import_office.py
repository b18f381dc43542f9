"""A participant list as an office sends it: a title above the header, the office's own column names,
a column-number row, a name Excel garbled, mojibake, a NIK in the NIP/NIK column, and a person
already in a cohort on the same days. The preview warns on each row and column; on a phone too.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect

from lentera.accounts.tests.factories import TEST_PASSWORD
from tests.browser.delivery_helpers import PHONE, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, path_of, shot

NIK = "3575014501900003"


def office_list(path: Path, existing: Any) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Peserta"
    sheet.append(["DAFTAR PESERTA PELATIHAN PUSTAKAWAN 2026"])
    sheet.append(["Perpustakaan Kota Pasuruan"])
    sheet.append([])
    sheet.append(["No.", "Nama Lengkap", "NIP/NIK", "Jabatan", "Unit Kerja", "No. HP", "E-mail"])
    sheet.append([1, 2, 3, 4, 5, 6, 7])
    sheet.append([1, existing.full_name, "", "", existing.work_unit, "", existing.email])
    sheet.append([2, "Ngurah Rai ??rya", "199004122015031002", "Pustakawan Ahli Muda", "Seksi Layanan", "", ""])
    sheet.append([3, "ThÃ©resia Dewi, S.IP.", "", "pustakawan terampil", "Layanan Anak", "", "theresia@contoh.id"])
    sheet.append([4, "Bayu Aji Pamungkas", NIK, "Non-PNS", "Perpustakaan Keliling", "0812 3456 7804", "bayu@contoh.id"])
    book.save(path)
    return path


@pytest.fixture
def office(live_server: Any, django_db_serialized_rollback: None, settings: Any) -> Any:
    """A library with a coordinator, a cohort running 2-13 March 2026 with Siti Aminah in it, and a
    short cohort on 9-11 March to import into (fixed dates: the test does not depend on the day)."""
    from lentera.accounts.models import Role
    from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory
    from lentera.curriculum.tests.factories import ProgrammeFactory
    from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    library = LibraryFactory(name="Perpustakaan Kota Pasuruan", slug="pasuruan")
    coordinator = UserFactory(username="koordinator", full_name="Dra. Sri Wahyuni")
    MembershipFactory(user=coordinator, library=library, role=Role.COORDINATOR)
    programme = ProgrammeFactory(library=library, title="Pelatihan Pustakawan 2026")
    running = CohortFactory(
        programme=programme, name="Angkatan I 2026", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 13)
    )
    siti = UserFactory(full_name="Siti Aminah, S.IP.", email="siti.aminah@contoh.id", work_unit="Layanan Referensi")
    MembershipFactory(user=siti, library=library, role=Role.PARTICIPANT)
    EnrolmentFactory(cohort=running, user=siti)
    target = CohortFactory(
        programme=programme, name="Angkatan Kilat 2026", starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 11)
    )
    return SimpleNamespace(server=live_server, running=running, target=target, existing=siti)


def test_coordinator_checks_an_office_list_with_warnings_on_a_phone(
    page: Page, browser: Browser, office: Any, tmp_path: Path
) -> None:
    from lentera.accounts.models import User

    running, target, existing, server = office.running, office.target, office.existing, office.server
    file = office_list(tmp_path / "daftar-peserta-dinas.xlsx", existing)

    login(page, server, "koordinator", TEST_PASSWORD)
    page.goto(f"{server.url}/angkatan/{target.pk}/impor/")
    page.set_input_files("#id_file", str(file))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert re.fullmatch(r"/impor/\d+/", path_of(page)), path_of(page)
    preview_url = page.url

    # Nothing blocks: the title, the office's headers and the column-number row are understood.
    expect(page.locator("#errors-heading")).to_have_count(0)
    expect(page.locator("section[aria-labelledby='valid-heading'] tbody tr")).to_have_count(4)
    expect(page.locator("#warnings-heading")).to_have_text(id_("Check before importing"))
    warnings = page.locator("table.import-warnings tbody tr")
    expect(warnings).to_have_count(4)
    # the real sheet rows (6 to 9), the column, and what to check
    expect(warnings.nth(0).locator("td").nth(0)).to_have_text("6")
    expect(warnings.nth(0).locator("td").nth(1)).to_have_text(id_("Name"))
    expect(warnings.nth(0)).to_contain_text(f"{existing.full_name} sudah terdaftar di angkatan “{running.name}”")
    expect(warnings.nth(1).locator("td").nth(0)).to_have_text("7")
    expect(warnings.nth(1)).to_contain_text("“Ngurah Rai ??rya”")
    expect(warnings.nth(2).locator("td").nth(0)).to_have_text("8")
    expect(warnings.nth(2)).to_contain_text("“Théresia Dewi, S.IP.”")
    expect(warnings.nth(3).locator("td").nth(0)).to_have_text("9")
    expect(warnings.nth(3).locator("td").nth(1)).to_have_text("NIP")
    expect(warnings.nth(3)).to_contain_text(NIK)
    assert_accessible(page)
    shot(page, "impor-peringatan.png")

    # The same preview on a 375 px phone: no sideways scrolling, still accessible.
    with phone_page(browser) as phone:
        login(phone, server, "koordinator", TEST_PASSWORD)
        phone.goto(preview_url)
        expect(phone.locator("table.import-warnings tbody tr")).to_have_count(4)
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the import preview scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "impor-peringatan-375.png")

    # Import: the warnings did not block, the mojibake went in repaired, the NIK did not go in.
    with page.expect_navigation():
        page.locator("form[action$='/simpan/'] button[type=submit]").click()
    assert path_of(page) == f"/angkatan/{target.pk}/"
    assert target.enrolments.count() == 4
    assert User.objects.filter(full_name="Théresia Dewi, S.IP.", functional_level__name="Terampil").exists()
    assert User.objects.get(email="bayu@contoh.id").nip == ""
    assert not User.objects.filter(nip=NIK).exists()
    ngurah = User.objects.get(nip="199004122015031002")
    assert str(ngurah.functional_level) == "Ahli Muda"
