"""The first real cohort, end to end: people added by the enrolment import can sign in.

The coordinator imports two new people into "Angkatan I 2026" through the real import page and
confirms; the background worker emails the one with an address a one-time link. On a 375 px phone
she opens the link, chooses a password, logs in, checks in to the session running now, answers
the session's feedback form, and after the coordinator has closed the cohort and issued the
certificates, finds and downloads hers. The other new person has no email: the coordinator prints
the sheet of one-time sign-in codes, and he signs in on his phone with the code typed by hand.

The pages are the screenshots of the user guide (docs/panduan/perpustakaan-dan-orang.md and
masuk-dan-peran.md); the code sheet's first page is rendered to PNG (pypdfium2).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import (
    PHONE,
    demo_cohort,
    id_,
    pdf_page_png,
    pdf_text,
    phone_page,
    running_session,
    scroll_width,
    write_roster,
)
from tests.browser.helpers import assert_accessible, login, open_from_menu, path_of, shot, shots_dir

PASSWORD = "Pustaka-Pasuruan-2026"  # noqa: S105 - the password the new person chooses in the test
DEWI = ["Dewi Kartika Sari, A.Md.", "dewi.kartika@contoh.id", "", "Seksi Layanan Anak", "Non-PNS", "0812 3456 7811"]
AGUS = ["Agus Salim", "", "199001012015031004", "Perpustakaan Keliling", "Ahli Pertama", "0812-3456-7812"]


def _fits(page: Page, what: str) -> None:
    width = scroll_width(page)
    assert width <= PHONE["width"], f"{what} scrolls sideways at 375 px: {width} px wide"


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the worker `make demo` runs


def _state_of(page: Page, name: str) -> str | None:
    row = page.locator("#people-table tbody tr", has=page.get_by_role("link", name=name, exact=True))
    return row.locator(".signin-state").get_attribute("data-state")


def _set_password_and_log_in(phone: Page, demo: Any, username: str) -> None:
    """On the invitation page: choose the password, then log in on the page it leads to."""
    expect(phone.locator(".signin-username")).to_have_text(username)
    phone.fill("#id_new_password1", PASSWORD)
    phone.fill("#id_new_password2", PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name=id_("Save my password")).click()
    assert path_of(phone) == "/akun/masuk/"
    done = id_("Your password is set. Sign in with your username %(username)s and the new password.")
    expect(phone.locator(".messages .alert-success")).to_contain_text(done % {"username": username})
    expect(phone.locator("#id_username")).to_have_value(username)
    phone.fill("#id_password", PASSWORD)
    with phone.expect_navigation():
        phone.locator("form:has(#id_username) [type=submit]").click()
    assert path_of(phone) == "/", path_of(phone)


def _session_ended_a_minute_ago(session: Any) -> None:
    """The session is over: its end is moved to a minute ago (the coordinator's "Move")."""
    from lentera.accounts.models import User
    from lentera.delivery import services

    end = timezone.now() - timedelta(minutes=1)
    services.session_schedule(
        actor=User.objects.get(username="koordinator"),
        cohort=session.cohort,
        plan=session.plan,
        starts_at=end - (session.ends_at - session.starts_at),
        ends_at=end,
        room=session.room,
        instructors=list(session.instructors.all()),
        session=session,
    )


def test_imported_people_sign_in_check_in_give_feedback_and_get_their_certificate(
    page: Page, browser: Browser, demo: Any, tmp_path: Path
) -> None:
    from lentera.accounts.models import SignInCode, User
    from lentera.assessment import exam_services
    from lentera.certificates.models import Certificate
    from lentera.delivery import checkin
    from lentera.delivery.models import Attendance, Cohort
    from lentera.evaluation import services as evaluation
    from lentera.evaluation.models import Invitation, Survey

    cohort = demo_cohort()
    Cohort.objects.filter(pk=cohort.pk).update(capacity=24)  # the library made room for two more
    session = running_session()
    mail.outbox.clear()

    # 1. The coordinator imports the two through the real import page and confirms.
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/angkatan/{cohort.pk}/impor/")
    page.set_input_files("#id_file", str(write_roster(tmp_path / "peserta-baru.xlsx", [DEWI, AGUS])))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    with page.expect_navigation():
        page.locator("form[action$='/simpan/'] button[type=submit]").click()
    assert path_of(page) == f"/angkatan/{cohort.pk}/"
    dewi = User.objects.get(email="dewi.kartika@contoh.id")
    agus = User.objects.get(nip=AGUS[2])
    assert not dewi.has_usable_password() and not agus.has_usable_password()
    roster = page.locator("section[aria-labelledby='participants-heading'] table")
    for person in (dewi, agus):  # nothing sent yet: the worker has not run
        row = roster.locator("tr", has_text=person.full_name)
        expect(row.locator(".signin-state")).to_have_attribute("data-state", "never")
    assert not mail.outbox

    # 2. The background worker sends Dewi's invitation; Agus has no address.
    _run_worker()
    (message,) = mail.outbox
    assert message.to == ["dewi.kartika@contoh.id"]
    assert dewi.username in message.body
    (link,) = re.findall(rf"{re.escape(demo.url)}/akun/undangan/[0-9A-Z]+/", message.body)

    # 3. The people list shows who is invited, who never signed in, who is active.
    open_from_menu(page, "/akun/orang/")
    expect(page.locator("h1")).to_have_text(id_("People"))
    assert _state_of(page, dewi.full_name) == "invited"
    assert _state_of(page, agus.full_name) == "never"
    assert _state_of(page, User.objects.get(username="koordinator").full_name) == "active"  # signed in
    assert_accessible(page)
    shot(page, "orang-status-masuk.png")

    # 4. The sheet of one-time codes for staff without email: Agus's code, a QR, until when.
    with page.expect_download() as download:
        page.get_by_role("button", name=id_("Print sign-in codes (PDF)")).click()
    sheet = Path(download.value.path()).read_bytes()
    text = pdf_text(sheet)
    assert agus.full_name in text and dewi.full_name not in text
    (typed,) = re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text)
    picture = pdf_page_png(sheet, shots_dir() / "kode-masuk.png")
    assert picture.stat().st_size > 5_000  # a page with cards and QR codes, not a blank

    # 5. Dewi, on her phone: the emailed link, her password, the login.
    with phone_page(browser) as phone:
        phone.goto(link)
        expect(phone.locator("h1")).to_have_text(id_("Choose your password"))
        expect(phone.locator("main")).to_contain_text(dewi.full_name)
        _fits(phone, "the invitation page")
        assert_accessible(phone)
        shot(phone, "undangan-kata-sandi-375.png")
        _set_password_and_log_in(phone, demo, dewi.username)
        assert User.objects.get(pk=dewi.pk).last_login is not None
        phone.goto(link)  # used: it says so, and nothing more
        expect(phone.locator("h1")).to_have_text(id_("This link or code no longer works"))
        expect(phone.locator("main")).not_to_contain_text(dewi.full_name)

        # 6. She checks in to the session running now with the code on the projector.
        phone.goto(f"{demo.url}/hadir/")
        expect(phone.locator("main")).to_contain_text(session.plan.title)
        phone.locator("#id_code").fill(checkin.current_code(session.checkin_secret, timezone.now()))
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("I am here")).click()
        attendance = Attendance.objects.get(session=session, user=dewi)
        assert attendance.status in (Attendance.Status.PRESENT, Attendance.Status.LATE)
        _fits(phone, "the session page")

        # 7. The session ends; its feedback round opens for those who came, her included.
        _session_ended_a_minute_ago(session)
        evaluation.surveys_ensure(cohort=cohort)
        survey = Survey.objects.get(session=session, kind=Survey.Kind.SESSION)
        assert Invitation.objects.filter(survey=survey, user=dewi, answered=False).exists()
        phone.goto(f"{demo.url}/umpan-balik/isi/{survey.pk}/")
        expect(phone.locator("h1")).to_have_text(session.plan.title)
        groups = phone.evaluate(
            """() => [...new Set([...document.querySelectorAll('form[data-draft-key] input.btn-check')]
                     .map((input) => input.name))]"""
        )
        assert groups
        for name in groups:
            phone.locator(f"label[for='{name}-4']").click()
        _fits(phone, "the feedback form")
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Send my answers")).click()
        expect(phone.locator("h1")).to_have_text(id_("Thank you"))
        assert Invitation.objects.get(survey=survey, user=dewi).answered

        # 8. The cohort is over; the coordinator accepts Dewi's completion and issues the certificates.
        coordinator = User.objects.get(username="koordinator")
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.FINISHED)
        exam_services.completion_override(
            actor=coordinator, cohort=cohort, user=dewi, status="completed", reason="Mengikuti sesi penutup"
        )
        page.goto(f"{demo.url}/sertifikat/angkatan/{cohort.pk}/")
        with page.expect_navigation():
            page.locator("form[action$='/terbitkan/'] button").click()
        _run_worker()
        expect(page.locator(".issue-done")).to_be_visible(timeout=15_000)
        certificate = Certificate.objects.get(cohort=cohort, user=dewi, revoked_at__isnull=True)

        # 9. Dewi finds hers on the phone and downloads it.
        phone.goto(f"{demo.url}/sertifikat/saya/")
        expect(phone.locator("main")).to_contain_text(certificate.number)
        _fits(phone, "my certificates")
        with phone.expect_download() as download:
            phone.get_by_role("link", name=re.compile(id_("Download PDF"))).first.click()
        assert certificate.number in pdf_text(Path(download.value.path()).read_bytes())

    # 10. Agus, without email, types the code from his card on his phone.
    with phone_page(browser) as phone:
        phone.goto(f"{demo.url}/akun/masuk/")
        with phone.expect_navigation():
            phone.get_by_role("link", name=id_("New here? Sign in with a code from your coordinator")).click()
        assert path_of(phone) == "/akun/kode/"
        expect(phone.locator("main")).not_to_contain_text(agus.full_name)
        phone.fill("#id_code", "ZZZZ-ZZZZ-ZZZZ")  # a wrong code first: refused, nothing revealed
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Continue")).click()
        expect(phone.locator("main")).to_contain_text(
            id_("This code does not work. Check it, or ask your coordinator for a new one.")
        )
        expect(phone.locator("main")).not_to_contain_text(agus.full_name)
        phone.goto(f"{demo.url}/akun/kode/")
        phone.fill("#id_code", typed.lower())  # as he types it: small letters, with the dashes
        _fits(phone, "the code page")
        assert_accessible(phone)
        shot(phone, "kode-masuk-375.png")
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Continue")).click()
        expect(phone.locator("main")).to_contain_text(agus.full_name)
        _set_password_and_log_in(phone, demo, agus.username)
    assert not SignInCode.objects.filter(user__in=[dewi, agus], used_at__isnull=True).exists()

    # The roster and the list now show both as active.
    page.goto(f"{demo.url}/akun/orang/")
    assert _state_of(page, dewi.full_name) == _state_of(page, agus.full_name) == "active"
