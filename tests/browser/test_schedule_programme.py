"""A coordinator schedules a whole programme on one page: lays the draft on the slots, sees the
instructor clash marked, moves that session, re-checks, saves, and sees the schedule; on a desktop
and on a 375 px phone, checked with axe. Fixed dates (March 2026): the test does not depend on the day."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from lentera.accounts.tests.factories import TEST_PASSWORD
from tests.browser.delivery_helpers import PHONE, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, path_of, shot

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def library(live_server: Any, django_db_serialized_rollback: None, settings: Any) -> Any:
    """Angkatan I (2-6 March 2026) of a programme with two modules of two 90-minute sessions; Bu Sari
    teaches module 1 and is already teaching another cohort on Monday 2 March 13:00-15:00."""
    from lentera.accounts.models import Role
    from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory
    from lentera.curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SessionPlanFactory
    from lentera.delivery.tests.factories import CohortFactory, InstructorProfileFactory, ScheduledSessionFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    library = LibraryFactory(name="Perpustakaan Kota Pasuruan", slug="pasuruan")
    coordinator = UserFactory(username="koordinator", full_name="Dra. Sri Wahyuni")
    MembershipFactory(user=coordinator, library=library, role=Role.COORDINATOR)
    sari = InstructorProfileFactory(library=library, user=UserFactory(full_name="Sari Wulandari, S.IP.")).user
    programme = ProgrammeFactory(library=library, title="Pelatihan Pustakawan 2026")
    cohort = CohortFactory(
        programme=programme,
        name="Angkatan I 2026",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 6),
        venue="Ruang Pelatihan Lantai 2",
    )
    titles = {
        (1, "Teknologi Informasi"): ["Otomasi dengan SLiMS", "Penelusuran OPAC"],
        (2, "Layanan Prima"): ["Menyapa Pemustaka", "Menangani Keluhan"],
    }
    for (order, title), plans in titles.items():
        module = ModuleFactory(programme=programme, order=order, title=title)
        for n, plan in enumerate(plans, start=1):
            SessionPlanFactory(module=module, order=n, title=plan, planned_minutes=90)
    other = CohortFactory(programme=ProgrammeFactory(library=library, title="Literasi Digital"), name="Kelas Sekolah")
    ScheduledSessionFactory(
        cohort=other,
        plan__title="Literasi Informasi",
        starts_at=datetime(2026, 3, 2, 13, 0, tzinfo=WIB),
        ends_at=datetime(2026, 3, 2, 15, 0, tzinfo=WIB),
        room="Aula",
        instructors=[sari],
    )
    return SimpleNamespace(server=live_server, cohort=cohort, sari=sari)


def lay_out(page: Page, library: Any) -> None:
    page.goto(f"{library.server.url}/angkatan/{library.cohort.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Schedule the whole programme")).click()
    module = page.get_by_label("instruktur modul 1, Teknologi Informasi")
    module.select_option(label=library.sari.full_name)
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Lay out the draft")).click()
    expect(page.locator(".draft-row")).to_have_count(4)


def test_coordinator_schedules_a_whole_programme_moving_one_session_off_a_clash(
    page: Page, browser: Browser, library: Any
) -> None:
    from lentera.delivery.models import ScheduledSession

    cohort, server = library.cohort, library.server
    login(page, server, "koordinator", TEST_PASSWORD)
    lay_out(page, library)

    # The draft: module order, then session order, on Monday 08:00 and 13:00, Tuesday 08:00 and 13:00.
    rows = page.locator(".draft-row")
    expect(rows.nth(0)).to_contain_text("1. Otomasi dengan SLiMS")
    expect(rows.nth(1)).to_contain_text("2. Penelusuran OPAC")
    expect(rows.nth(3)).to_contain_text("4. Menangani Keluhan")
    expect(page.locator("#row-1-start, [name='row-1-start']").first).to_have_value("13:00")
    # Monday 13:00: Sari already teaches the other cohort then; only that row must move.
    expect(page.locator(".clash-blocking")).to_have_count(1)
    expect(rows.nth(1).locator(".clash-blocking")).to_contain_text("Sari Wulandari, S.IP. sudah mengajar")
    expect(rows.nth(1).locator(".clash-blocking")).to_contain_text("“Literasi Informasi” (Kelas Sekolah)")
    expect(rows.nth(1)).to_have_class(re.compile(r"border-danger"))
    assert_accessible(page)
    shot(page, "jadwal-program-draf.png")

    # Saving now is refused, and nothing is stored.
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Save all sessions")).click()
    expect(page.locator("#draft .alert-danger")).to_have_text(id_("Move the sessions marked in red before saving."))
    assert not ScheduledSession.objects.filter(cohort=cohort).exists()

    # Move it to Monday 10:00 and check again (HTMX re-renders only the draft).
    page.locator("[name='row-1-start']").fill("10:00")
    page.get_by_role("button", name=id_("Check again")).click()
    expect(page.locator(".clash-blocking")).to_have_count(0)
    expect(page.locator("#draft")).to_contain_text(id_("No clashes: ready to save."))
    expect(page.locator(".draft-row").nth(1)).to_contain_text("10:00–11:30")
    shot(page, "jadwal-program-siap.png")

    with page.expect_navigation():
        page.get_by_role("button", name=id_("Save all sessions")).click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/"
    expect(page.locator(".alert-success")).to_contain_text("4 sesi telah dijadwalkan")
    schedule = page.locator("section[aria-labelledby='schedule-heading'] .list-group-item")
    expect(schedule).to_have_count(4)
    expect(schedule.nth(1)).to_contain_text("Penelusuran OPAC")
    expect(schedule.nth(1)).to_contain_text("10:00–11:30")
    saved = ScheduledSession.objects.filter(cohort=cohort).order_by("starts_at")
    assert [s.plan.title for s in saved] == [
        "Otomasi dengan SLiMS",
        "Penelusuran OPAC",
        "Menyapa Pemustaka",
        "Menangani Keluhan",
    ]
    assert [list(s.instructors.all()) for s in saved[:2]] == [[library.sari], [library.sari]]
    assert_accessible(page)
    shot(page, "jadwal-program-tersimpan.png")


def test_the_programme_draft_fits_a_375_px_phone(browser: Browser, library: Any) -> None:
    with phone_page(browser) as phone:
        login(phone, library.server, "koordinator", TEST_PASSWORD)
        phone.goto(f"{library.server.url}/angkatan/{library.cohort.pk}/jadwal/program/")
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the scheduling page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "jadwal-program-375.png")
        lay_out(phone, library)
        expect(phone.locator(".clash-blocking")).to_have_count(1)
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the draft scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "jadwal-program-draf-375.png")
        # Enter in a moved field re-checks the draft and keeps the move (it does not lay it out anew)
        phone.locator("[name='row-1-start']").fill("10:00")
        with phone.expect_navigation():
            phone.locator("[name='row-1-start']").press("Enter")
        expect(phone.locator("[name='row-1-start']")).to_have_value("10:00")
        expect(phone.locator(".clash-blocking")).to_have_count(0)
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)


def test_one_session_form_fills_the_end_from_the_plan_and_asks_before_a_date_outside(page: Page, library: Any) -> None:
    from lentera.delivery.models import ScheduledSession

    cohort, server = library.cohort, library.server
    login(page, server, "koordinator", TEST_PASSWORD)
    page.goto(f"{server.url}/angkatan/{cohort.pk}/jadwal/baru/")
    page.locator("#id_plan").select_option(label="2.1 Menyapa Pemustaka")
    page.locator("#id_day").fill("2026-03-09")  # the Monday after the cohort
    page.locator("#id_start").fill("13:00")
    expect(page.locator("#id_end")).to_have_value("14:30")  # 90 minutes of the plan
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_day_error")).to_contain_text("di luar tanggal angkatan (2 Mar 2026 – 6 Mar 2026)")
    assert not ScheduledSession.objects.filter(cohort=cohort).exists()
    assert_accessible(page)
    shot(page, "jadwal-sesi-di-luar-tanggal.png")

    page.get_by_label(id_("Schedule it even if the date is outside the cohort's dates")).check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/"
    session = ScheduledSession.objects.get(cohort=cohort)
    assert (session.starts_at, session.ends_at) == (
        datetime(2026, 3, 9, 13, 0, tzinfo=WIB),
        datetime(2026, 3, 9, 14, 30, tzinfo=WIB),
    )
