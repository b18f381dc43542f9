"""Running a cohort in the browser: the participant list import, check-in on a phone, attendance,
the daftar hadir downloads, and the screens the Indonesian user guide shows.

The demo's "Angkatan I 2026" is full (20 of 20, 2 on the waitlist) and one of its sessions is
running now, so its check-in is open (see lentera/demo/delivery.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import (
    PHONE,
    demo_cohort,
    enrolled_names,
    id_,
    id_plural,
    pdf_pages,
    pdf_text,
    phone_page,
    running_session,
    scroll_width,
    teacher_of,
    waitlisted_names,
    write_roster,
    xlsx_rows,
)
from tests.browser.helpers import assert_accessible, login, logout, open_from_menu, path_of, shot

# Three good rows and, in spreadsheet row 3, an email without "@".
BAD_EMAIL = "rahmat.hidayat.gmail.com"
NEW_PEOPLE = [
    ["Wulan Sari Dewi, A.Md.", "wulan.sari@contoh.id", "199203142019032011", "Seksi Layanan Referensi", "Terampil",
     "0812 3456 7801"],
    ["Rahmat Hidayat", BAD_EMAIL, "", "Perpustakaan Keliling", "Non-PNS", "081234567802"],
    ["Laila Nur Azizah, S.IP.", "laila.azizah@contoh.id", "199511202020122013", "Pojok Baca Kecamatan",
     "Ahli Pertama", "0812-3456-7803"],
    ["Bayu Aji Pamungkas", "bayu.aji@contoh.id", "", "Seksi Deposit dan Pelestarian", "Non-PNS", "081234567804"],
]  # fmt: skip
FIXED_EMAIL = "rahmat.hidayat@gmail.com"


def test_coordinator_imports_a_participant_list(page: Page, demo: Any, tmp_path: Path) -> None:
    from lentera.delivery.models import Enrolment

    cohort = demo_cohort()
    login(page, demo, "koordinator")

    # The cohort, from the menu: full, with two people waiting.
    open_from_menu(page, "/angkatan/")
    with page.expect_navigation():
        page.locator("main .list-group a", has_text=cohort.name).click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/"
    expect(page.locator("h1")).to_have_text(cohort.name)
    expect(page.locator(".stat-card", has_text=id_("Places taken")).locator(".stat-value")).to_have_text("20/20")
    expect(page.locator(".stat-card", has_text=id_("On the waitlist")).locator(".stat-value")).to_have_text("2")
    expect(page.locator("section[aria-labelledby='participants-heading'] table tbody tr")).to_have_count(20)
    assert_accessible(page)
    shot(page, "angkatan.png")

    # Upload a list with one bad row: the preview names its row, column and problem, in Indonesian.
    import_link = page.get_by_role("link", name=id_("Import from Excel or CSV"))
    expect(import_link).to_have_text("Impor dari Excel atau CSV")
    with page.expect_navigation():
        import_link.click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/impor/"
    assert_accessible(page)
    page.set_input_files("#id_file", str(write_roster(tmp_path / "peserta-angkatan-1.xlsx", NEW_PEOPLE)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert re.fullmatch(r"/impor/\d+/", path_of(page)), path_of(page)

    expect(page.locator("#errors-heading")).to_have_text(id_("Problems to fix"))
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    message = id_("“%(value)s” is not a valid email address.") % {"value": BAD_EMAIL}
    assert "bukan alamat email yang valid" in message  # really the Indonesian text
    expect(errors.first.locator("td")).to_have_text(["3", "Email", message])
    expect(page.locator(".stat-card", has_text=id_("Rows ready")).locator(".stat-value")).to_have_text("3")
    expect(page.locator(".stat-card", has_text=id_("Rows with errors")).locator(".stat-value")).to_have_text("1")
    ready = page.locator("section[aria-labelledby='valid-heading'] tbody")
    for name, *_rest in (NEW_PEOPLE[0], NEW_PEOPLE[2], NEW_PEOPLE[3]):
        expect(ready).to_contain_text(name)
    expect(ready).not_to_contain_text("Rahmat Hidayat")
    assert_accessible(page)
    shot(page, "impor-pratinjau.png")
    assert not Enrolment.objects.filter(cohort=cohort, user__email="wulan.sari@contoh.id").exists()

    # Fix the email, upload the corrected file and import all four rows.
    fixed = [row if row[1] != BAD_EMAIL else [row[0], FIXED_EMAIL, *row[2:]] for row in NEW_PEOPLE]
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Upload a corrected file")).click()
    page.set_input_files("#id_file", str(write_roster(tmp_path / "peserta-angkatan-1-diperbaiki.xlsx", fixed)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#errors-heading")).to_have_count(0)
    expect(page.locator("section[aria-labelledby='valid-heading'] tbody tr")).to_have_count(4)
    confirm = page.locator("form[action$='/simpan/'] button[type=submit]")
    expect(confirm).to_have_text(id_plural("Import %(n)s valid row", "Import all %(n)s valid rows", 4))
    assert_accessible(page)
    with page.expect_navigation():
        confirm.click()

    # Back on the cohort page: the cohort is full, so all four wait, after the two already waiting.
    assert path_of(page) == f"/angkatan/{cohort.pk}/"
    summary = id_(
        "Imported: %(enrolled)s enrolled, %(waitlisted)s on the waitlist (%(new)s new people, %(existing)s existing)."
    ) % {"enrolled": 0, "waitlisted": 4, "new": 4, "existing": 0}
    expect(page.locator(".messages .alert-success")).to_contain_text(summary)
    expect(page.locator(".stat-card", has_text=id_("Places taken")).locator(".stat-value")).to_have_text("20/20")
    expect(page.locator(".stat-card", has_text=id_("On the waitlist")).locator(".stat-value")).to_have_text("6")
    section = page.locator("section[aria-labelledby='participants-heading']")
    expect(section.locator("h3")).to_have_text(id_("Waitlist"))
    waitlist = section.locator("ol.waitlist > li")
    expect(waitlist).to_have_count(6)
    for row in fixed:
        expect(section.locator("ol.waitlist")).to_contain_text(row[0])
        expect(section.locator("table")).not_to_contain_text(row[0])
    assert_accessible(page)

    emails = [row[1] for row in fixed]
    enrolments = Enrolment.objects.filter(cohort=cohort, user__email__in=emails)
    assert sorted(enrolments.values_list("user__full_name", flat=True)) == sorted(row[0] for row in fixed)
    assert set(enrolments.values_list("status", flat=True)) == {Enrolment.Status.WAITLISTED}
    wulan = enrolments.get(user__email="wulan.sari@contoh.id").user
    assert (wulan.nip, wulan.work_unit, str(wulan.functional_level)) == (
        "199203142019032011",
        "Seksi Layanan Referensi",
        "Terampil",
    )
    assert cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 20


def test_participant_checks_in_on_a_phone_with_the_typed_code(page: Page, browser: Browser, demo: Any) -> None:
    from lentera.accounts.models import User
    from lentera.delivery.models import Attendance

    session = running_session()
    login(page, demo, teacher_of(session))

    # The instructor opens the projector screen of the session running now.
    page.goto(f"{demo.url}/sesi/{session.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Open check-in screen")).click()
    assert path_of(page) == f"/sesi/{session.pk}/layar-presensi/"
    expect(page.locator("h1")).to_have_text(session.plan.title)
    expect(page.locator(".checkin-qr svg")).to_be_visible()
    shown = page.locator(".checkin-digits").inner_text()
    assert re.fullmatch(r"\d{3} \d{3}", shown.strip()), shown
    code = shown.replace(" ", "").strip()
    counter = id_("%(present)s of %(enrolled)s checked in")
    expect(page.locator("#checkin-count")).to_contain_text(counter % {"present": 0, "enrolled": 20})
    assert_accessible(page)
    shot(page, "layar-presensi.png")

    # The participant, on a 375 px phone, types the code.
    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.goto(f"{demo.url}/hadir/")
        expect(phone.locator("h1")).to_have_text(id_("Check in"))
        expect(phone.locator("main")).to_contain_text(session.plan.title)  # the one open session, chosen for her
        phone.locator("#id_code").press_sequentially(code)
        expect(phone.locator("#id_code")).to_have_value(code)
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the check-in page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "presensi-375.png")

        button = phone.get_by_role("button", name=id_("I am here"))
        expect(button).to_have_text("Saya hadir")
        with phone.expect_navigation():
            button.click()
        assert path_of(phone) == f"/sesi/{session.pk}/"
        peserta = User.objects.get(username="peserta")
        attendance = Attendance.objects.get(session=session, user=peserta)
        assert attendance.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)
        assert attendance.method == Attendance.Method.CODE
        assert attendance.checked_in_at is not None
        status = id_({"present": "Present", "late": "Late"}[attendance.status])
        done = id_("Checked in: %(status)s. Enjoy the session!") % {"status": status}
        expect(phone.locator(".messages .alert-success")).to_contain_text(done)
        mine = id_("Your attendance: %(status)s") % {"status": status}
        expect(phone.locator("main p.alert-success")).to_contain_text(mine)
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the session page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)

    # The projector counts her, by itself.
    expect(page.locator("#checkin-count")).to_contain_text(counter % {"present": 1, "enrolled": 20})


def test_instructor_marks_a_participant_excused(page: Page, demo: Any) -> None:
    from lentera.accounts.models import User
    from lentera.delivery.models import Attendance

    session = running_session()
    budi = User.objects.get(username="budi.santoso")
    assert not Attendance.objects.filter(session=session, user=budi).exists()
    login(page, demo, teacher_of(session))
    page.goto(f"{demo.url}/sesi/{session.pk}/")
    expect(page.locator("#attendance-heading")).to_have_text(id_("Attendance"))
    expect(page.locator("table.attendance-table tbody tr")).to_have_count(20)
    assert_accessible(page)

    row = page.locator(f"#attendance-{budi.pk}")
    expect(row).to_contain_text(budi.full_name)
    select = row.locator("select[name=status]")
    expect(select).to_have_value("")  # not marked yet
    with page.expect_response(
        lambda r: r.url.endswith(f"/sesi/{session.pk}/hadir/{budi.pk}/") and r.request.method == "POST"
    ) as response:
        select.select_option(label=id_("Excused"))
    assert response.value.status == 200
    expect(page.locator(f"#attendance-{budi.pk} [role=status]")).to_have_text(id_("Saved"))
    assert id_("Saved") == "Tersimpan"
    assert Attendance.objects.get(session=session, user=budi).status == Attendance.Status.EXCUSED
    assert_accessible(page)

    page.reload()
    select = page.locator(f"#attendance-{budi.pk} select[name=status]")
    expect(select).to_have_value(Attendance.Status.EXCUSED)
    expect(select.locator("option:checked")).to_have_text("Izin")
    attendance = Attendance.objects.get(session=session, user=budi)
    assert attendance.status == Attendance.Status.EXCUSED
    assert attendance.method == Attendance.Method.MANUAL


def test_the_daftar_hadir_downloads_with_one_row_per_participant(page: Page, demo: Any) -> None:
    """The PDF is read as the browser saved it: its compressed page streams are unpacked (pdf_text) and
    every enrolled participant's name must be printed, and no one waiting. The Excel copy of the same
    sheet counts the rows exactly: one data row under the header for each of the 20 enrolled."""
    session = running_session()
    cohort = session.cohort
    names = enrolled_names(cohort)
    assert len(names) == 20
    login(page, demo, teacher_of(session))
    page.goto(f"{demo.url}/sesi/{session.pk}/")

    pdf_link = page.locator(f"a[href='/sesi/{session.pk}/daftar-hadir.pdf']")
    expect(pdf_link).to_have_text(id_("Attendance list PDF"))
    with page.expect_download() as pdf_download:
        pdf_link.click()
    assert re.fullmatch(r"daftar-hadir-\d{4}-\d{2}-\d{2}-.+\.pdf", pdf_download.value.suggested_filename)
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) >= 1
    text = pdf_text(pdf)
    assert id_("ATTENDANCE LIST") in text and "PERPUSTAKAAN KOTA PASURUAN" in text
    missing = [name for name in names if name not in text]
    assert not missing, f"not on the daftar hadir PDF: {missing}"
    for name in waitlisted_names(cohort):
        assert name not in text, f"{name} waits for a place but is on the daftar hadir"

    with page.expect_download() as xlsx_download:
        page.locator(f"a[href='/sesi/{session.pk}/daftar-hadir.xlsx']").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    rows = xlsx_rows(Path(xlsx_download.value.path()).read_bytes())
    header = (id_("No."), id_("Name"), id_("NIP"), id_("Work unit"), id_("Time in"), id_("Status"), id_("Signature"))
    assert header in rows, rows[:12]
    data = [row for row in rows[rows.index(header) + 1 :] if any(cell not in (None, "") for cell in row)]
    assert len(data) == 20
    assert [row[0] for row in data] == list(range(1, 21))
    assert sorted(row[1] for row in data) == sorted(names)


def test_groups_calendar_and_jp_ledger_for_the_guide(page: Page, demo: Any) -> None:
    from lentera.delivery.models import Enrolment

    session = running_session()
    cohort = session.cohort
    login(page, demo, "koordinator")

    # Discussion groups: four balanced groups holding all 20 enrolled participants.
    page.goto(f"{demo.url}/angkatan/{cohort.pk}/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=id_("Discussion groups")).click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/kelompok/"
    expect(page.locator("h1")).to_have_text(id_("Discussion groups"))
    groups = page.locator("main .card h2")
    expect(groups).to_have_count(4)
    sizes = [int(badge) for badge in page.locator("main .card h2 .badge").all_inner_texts()]
    assert sum(sizes) == 20 and max(sizes) - min(sizes) <= 1, sizes
    expect(page.locator("main .card li")).to_have_count(20)
    expect(page.locator("#group-count")).to_have_value("4")
    assert_accessible(page)
    shot(page, "kelompok.png")

    # The JP ledger of this year.
    open_from_menu(page, "/jp/")
    year = timezone.localdate().year
    expect(page.locator("h1")).to_have_text(id_("JP ledger %(year)s") % {"year": year})
    expect(page.locator("#tahun")).to_have_value(str(year))
    ledger = page.locator("main table tbody tr")
    enrolled = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).count()
    assert ledger.count() >= enrolled
    nur = page.locator("main table tbody tr", has_text="Nur Aini Fitriani")
    expect(nur).to_have_count(1)
    assert int(nur.locator("td").last.inner_text().split()[0]) > 0  # she attended past sessions
    assert_accessible(page)
    shot(page, "jp.png")
    logout(page)

    # The participant's calendar, this month, with the session running now.
    login(page, demo, "peserta")
    open_from_menu(page, "/kalender/")
    assert path_of(page) == "/kalender/"
    month = page.locator("table.calendar-month")
    expect(month).to_be_visible()
    expect(month.locator("td.calendar-today")).to_have_count(1)
    expect(month.locator(f"a[href='/sesi/{session.pk}/']")).to_have_count(1)
    expect(month.locator("a.calendar-event").first).to_be_visible()
    shot(page, "kalender.png")
    assert_accessible(page)

    # On a phone the month is a list of days, without sideways scrolling.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(month).to_be_hidden()
    expect(page.locator(f".d-md-none a[href='/sesi/{session.pk}/']")).to_be_visible()
    width = scroll_width(page)
    assert width <= PHONE["width"], f"the calendar scrolls sideways at 375 px: {width} px wide"
    assert_accessible(page)
