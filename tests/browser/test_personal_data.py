"""Personal data and login security in the browser: a participant downloads their data on a phone,
a coordinator erases a person, a failed-login lockout and the coordinator's unlock.

Screenshots for the guide docs/panduan/data-pribadi-dan-keamanan.md.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import PHONE, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, path_of, shot

LOCKED = (
    "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
    "Coba lagi dalam 15 menit atau minta koordinator membukanya."
)


def _participant_only_in_pasuruan(exclude: tuple[str, ...] = ("peserta",)) -> Any:
    """A demo participant with roles in no other library (so their data can be erased)."""
    from django.db.models import Count

    from lentera.accounts.models import Role, User

    return (
        User.objects.filter(memberships__role=Role.PARTICIPANT, is_superuser=False)
        .exclude(username__in=exclude)
        .annotate(libraries=Count("memberships__library", distinct=True))
        .filter(libraries=1)
        .order_by("full_name")
        .first()
    )


def test_participant_downloads_their_data_on_a_phone(browser: Browser, demo: Any) -> None:
    from lentera.accounts.models import AuditEntry, User

    peserta = User.objects.get(username="peserta")
    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.goto(f"{demo.url}/akun/profil/")
        with phone.expect_navigation():
            phone.get_by_role("link", name=id_("My personal data")).click()
        assert path_of(phone) == "/akun/profil/data-pribadi/"
        expect(phone.locator("h1")).to_have_text("Data pribadi saya")
        assert scroll_width(phone) <= PHONE["width"], "the personal-data page scrolls sideways at 375 px"
        assert_accessible(phone)
        shot(phone, "data-pribadi-375.png")
        with phone.expect_download() as download:
            phone.get_by_role("button", name=id_("Download my data (ZIP)")).click()
        assert download.value.suggested_filename.startswith("lentera-data-pribadi-")
        archive = zipfile.ZipFile(Path(download.value.path()))
        data = json.loads(archive.read("data.json"))
    assert data["profile"]["full_name"] == peserta.full_name
    assert data["enrolments"] and data["attendance"], "the demo participant has a cohort and attendance"
    assert AuditEntry.objects.filter(action="user.export", object_id=str(peserta.pk)).exists()


def test_coordinator_erases_a_person(page: Page, demo: Any) -> None:
    from lentera.accounts.models import User

    person = _participant_only_in_pasuruan()
    old_name = person.full_name
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/akun/orang/{person.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Erase personal data")).click()
    expect(page.locator("h1")).to_contain_text(old_name)
    assert_accessible(page)
    page.fill("#id_reason", "Permintaan tertulis yang bersangkutan, 3 Maret 2026")
    page.check("#id_confirm")
    shot(page, "hapus-data-pribadi.png")
    with page.expect_navigation():
        page.locator("#erase-submit").click()
    erased = f"Peserta terhapus #{person.pk}"
    expect(page.locator("h1")).to_have_text(erased)
    expect(page.locator(".messages")).to_contain_text("Data pribadi telah dihapus")
    expect(page.locator("main")).to_contain_text("Data pribadi dihapus pada")
    assert old_name not in page.content()
    assert_accessible(page)
    shot(page, "data-pribadi-dihapus.png")
    assert User.objects.get(pk=person.pk).erased_at is not None


def test_lockout_on_the_login_page_and_the_coordinators_unlock(browser: Browser, page: Page, demo: Any) -> None:
    from axes.models import AccessAttempt

    from lentera.accounts.models import AuditEntry

    person = _participant_only_in_pasuruan()
    with phone_page(browser) as phone:
        for _ in range(5):
            login(phone, demo, person.username, "bukan-kata-sandinya")
        expect(phone.locator("#lockout-message")).to_have_text(LOCKED)
        expect(phone.locator("h1")).to_have_text("Akun dikunci sementara")
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "akun-terkunci-375.png")
        login(phone, demo, person.username)  # the right password: still refused while locked
        expect(phone.locator("#lockout-message")).to_be_visible()

    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/akun/orang/{person.pk}/")
    status = page.locator("#login-status")
    expect(status).to_contain_text("terkunci")
    expect(status).to_contain_text("5 kali gagal masuk berturut-turut")
    assert_accessible(page)
    shot(page, "buka-kunci.png")
    with page.expect_navigation():
        status.get_by_role("button", name="Buka kunci").click()
    expect(page.locator(".messages")).to_contain_text(f"{person.full_name} dapat masuk lagi")
    expect(page.locator("#login-status")).to_contain_text("Tidak terkunci")
    assert not AccessAttempt.objects.filter(username=person.username).exists()
    assert AuditEntry.objects.filter(action="user.unlock", object_id=str(person.pk)).exists()

    with phone_page(browser) as phone:
        login(phone, demo, person.username)
        assert path_of(phone) != "/akun/masuk/"
