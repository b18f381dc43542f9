"""The projector check-in screen at 1366×768: everything on one screen, and the count updates by itself.

Its own small library (not the demo): an instructor, a session that started ten minutes ago in
Ruang Pelatihan, and twenty enrolled participants with realistic names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import PHONE, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, shot

PROJECTOR = {"width": 1366, "height": 768}
NAMES = [
    "Siti Aminah", "Agus Salim", "Dewi Lestari", "Bambang Sutrisno", "Rina Wulandari", "Eko Prasetyo",
    "Nur Hidayah", "Fajar Nugroho", "Lilis Suryani", "Hendra Wijaya", "Yuni Astuti", "Joko Santoso",
    "Ratna Sari", "Imam Syafii", "Wahyu Hidayat", "Sri Rahayu", "Teguh Waluyo", "Maya Anggraini",
    "Dian Permata", "Rudi Hartono",
]  # fmt: skip


@pytest.fixture
def screen(live_server: Any) -> dict[str, Any]:
    from lentera.accounts.models import Role
    from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory
    from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory

    library = LibraryFactory(name="Perpustakaan Kota Pasuruan")
    teacher = UserFactory(username="instruktur-layar", full_name="Ahmad Fauzi, S.Kom.")
    MembershipFactory(user=teacher, library=library, role=Role.INSTRUCTOR)
    today = timezone.localdate()
    cohort = CohortFactory(
        programme__library=library,
        programme__title="Pelatihan Pustakawan 2026",
        name="Angkatan I",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=3),
    )
    people = []
    for name in NAMES:
        person = UserFactory(full_name=name)
        MembershipFactory(user=person, library=library, role=Role.PARTICIPANT)
        EnrolmentFactory(cohort=cohort, user=person)
        people.append(person)
    start = timezone.now() - timedelta(minutes=10)
    session = ScheduledSessionFactory(
        cohort=cohort,
        plan__title="Otomasi Perpustakaan dengan SLiMS",
        starts_at=start,
        ends_at=start + timedelta(minutes=135),
        room="Ruang Pelatihan Lt. 2",
        instructors=[teacher],
    )
    return {"server": live_server, "session": session, "teacher": teacher, "people": people}


def test_the_projector_screen_fits_and_counts_by_itself(page: Page, screen: dict[str, Any]) -> None:
    from lentera.accounts.tests.factories import TEST_PASSWORD
    from lentera.delivery import services
    from lentera.delivery.checkin import current_code

    session, server = screen["session"], screen["server"]
    login(page, server, screen["teacher"].username, password=TEST_PASSWORD)
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{server.url}/sesi/{session.pk}/layar-presensi/")

    qr, digits = page.locator(".checkin-qr svg"), page.locator(".checkin-digits")
    counter = page.locator("#checkin-count")
    for element in (qr, digits, counter):
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PROJECTOR["height"], f"below the screen: {box}"
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= PROJECTOR["width"] and height <= PROJECTOR["height"], f"the screen scrolls: {width}×{height}"
    qr_box, digits_box = qr.bounding_box(), digits.bounding_box()
    assert qr_box is not None and qr_box["height"] >= 380, f"the QR is small for a projector: {qr_box}"
    assert digits_box is not None and digits_box["height"] >= 90, f"the code is small for a projector: {digits_box}"
    assert_accessible(page)

    # Three people check in on their phones; the projector's count follows without a reload.
    tally = id_("%(present)s of %(enrolled)s checked in")
    expect(counter).to_have_text(tally % {"present": 0, "enrolled": 20})
    page.evaluate("window.stillTheSamePage = true")
    for person in screen["people"][:3]:
        now = timezone.now()
        services.check_in(user=person, session=session, code=current_code(session.checkin_secret, now), now=now)
    expect(counter).to_have_text(tally % {"present": 3, "enrolled": 20}, timeout=8_000)
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    shot(page, "layar-presensi-1366.png")

    # On a phone the same screen stacks, without sideways scrolling.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".checkin-qr svg")).to_be_visible()
    shot(page, "layar-presensi-375.png")
    assert scroll_width(page) <= PHONE["width"], f"the screen scrolls sideways at 375 px: {scroll_width(page)} px"


def test_after_ten_wrong_codes_the_participant_is_sent_to_the_instructor(
    page: Page, browser: Browser, screen: dict[str, Any]
) -> None:
    from lentera.accounts.tests.factories import TEST_PASSWORD
    from lentera.delivery.checkin import MAX_WRONG_CODES, current_code

    session, server = screen["session"], screen["server"]
    guesser = screen["people"][0]
    with phone_page(browser) as phone:
        login(phone, server, guesser.username, password=TEST_PASSWORD)
        phone.goto(f"{server.url}/hadir/{session.pk}/")
        for number in range(MAX_WRONG_CODES):
            code = f"{number:06d}"
            if code == current_code(session.checkin_secret, timezone.now()):
                continue  # (one in a million: the guess was right)
            phone.locator("#id_code").fill(code)
            with phone.expect_navigation():
                phone.get_by_role("button", name=id_("I am here")).click()
        # the tenth wrong code: the reason, and no field left to type even the right code into
        blocked = id_("Too many wrong codes for this session. Ask the instructor to mark your attendance by hand.")
        expect(phone.locator("main")).to_contain_text(blocked)
        expect(phone.locator("#id_code")).to_have_count(0)  # nothing left to type: the instructor marks her
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "presensi-terblokir-375.png")

    # The instructor sees who to mark by hand, and marks her.
    login(page, server, screen["teacher"].username, password=TEST_PASSWORD)
    page.goto(f"{server.url}/sesi/{session.pk}/")
    row = page.locator(f"#attendance-{guesser.pk}")
    flag = id_("Too many wrong check-in codes: mark this person by hand.")
    expect(row).to_contain_text(flag)
    expect(page.locator(".checkin-blocked")).to_have_count(1)
    assert_accessible(page)
    row.scroll_into_view_if_needed()
    shot(page, "kehadiran-terblokir.png")
    row.locator("select").select_option("present")
    expect(row).not_to_contain_text(flag)
    expect(row).to_contain_text(id_("Saved"))


def test_the_code_stays_inside_the_page_on_a_laptop(page: Page, screen: dict[str, Any]) -> None:
    from lentera.accounts.tests.factories import TEST_PASSWORD

    session, server = screen["session"], screen["server"]
    login(page, server, screen["teacher"].username, password=TEST_PASSWORD)
    for width, height in ((1280, 720), (1024, 768), (1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server.url}/sesi/{session.pk}/layar-presensi/")
        main = page.locator("main").bounding_box()
        digits = page.locator(".checkin-digits").bounding_box()
        assert main is not None and digits is not None
        assert digits["x"] + digits["width"] <= main["x"] + main["width"], f"the code overflows at {width}×{height}"
        scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert scroll[0] <= width and scroll[1] <= height, f"the screen scrolls at {width}×{height}: {scroll}"
