"""Certificates in the browser: the coordinator issues them for the finished 2025 cohort in the
background and watches the progress, downloads one, and the QR code read from the PDF opens the
public check page, which says the certificate is valid; revoking shows on the same page; a
participant finds theirs on a phone. The pages are the screenshots of the user guide.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from lentera.certificates.tests.pdfimages import qr_texts
from tests.browser.delivery_helpers import PHONE, id_, id_plural, pdf_pages, pdf_text, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, open_from_menu, path_of, shot

COHORT = "Angkatan 2025"


def everyone_completed() -> Any:
    """The coordinator decides that the participants who had not completed did (make-up work accepted)."""
    from lentera.accounts.models import User
    from lentera.assessment import exam_services
    from lentera.assessment.exam_selectors import cohort_completion
    from lentera.delivery.models import Cohort

    cohort = Cohort.objects.get(name=COHORT)
    coordinator = User.objects.get(username="koordinator")
    for row in cohort_completion(cohort=cohort):
        if row.status != "completed":
            exam_services.completion_override(
                actor=coordinator, cohort=cohort, user=row.user, status="completed", reason="Tugas pengganti diterima"
            )
    return cohort


def test_coordinator_issues_certificates_and_the_qr_code_checks_out(page: Page, demo: Any, tmp_path: Path) -> None:
    from lentera.certificates.models import Certificate

    cohort = everyone_completed()
    already = Certificate.objects.filter(cohort=cohort).count()  # the demo issued the first ones
    enrolled = cohort.enrolments.filter(status="enrolled").count()
    assert 0 < already < enrolled

    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/angkatan/{cohort.pk}/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=id_("Certificates"), exact=True).click()
    assert path_of(page) == f"/sertifikat/angkatan/{cohort.pk}/"
    waiting = enrolled - already
    issue = page.locator("form[action$='/terbitkan/'] button")
    expect(issue).to_have_text(id_plural("Issue %(n)s certificate", "Issue %(n)s certificates", waiting))
    assert_accessible(page)
    shot(page, "sertifikat-angkatan.png")

    # Issue: the work goes to the background queue; the page shows its progress until the worker is done.
    with page.expect_navigation():
        issue.click()
    assert re.fullmatch(r"/sertifikat/penerbitan/\d+/", path_of(page)), path_of(page)
    expect(page.locator("#issue-progress")).to_be_visible()
    assert_accessible(page)
    shot(page, "sertifikat-proses.png")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the worker `make demo` runs
    done = page.locator(".issue-done")
    expect(done).to_be_visible(timeout=15_000)  # the polling notices and shows the result
    expect(done).to_contain_text(id_plural("%(n)s certificate was issued.", "%(n)s certificates were issued.", waiting))
    assert Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True).count() == enrolled

    # Download one certificate: its QR code, read from the PDF, is the address of the public check.
    with page.expect_navigation():
        done.get_by_role("link").click()
    # a certificate this run issued (the demo's own were issued for `make demo`'s address)
    fresh = Certificate.objects.filter(cohort=cohort).order_by("-pk").values_list("user__full_name", flat=True)[0]
    first = page.locator("table.certificate-table tbody tr", has_text=fresh).first
    number = first.locator("td").nth(2).locator("a").first.inner_text().strip()
    with page.expect_download() as download:
        first.get_by_role("link", name=re.compile("PDF")).click()
    content = Path(download.value.path()).read_bytes()
    assert pdf_pages(content) == 1 and number in pdf_text(content)
    assert id_("CERTIFICATE") == "SERTIFIKAT" and "SERTIFIKAT" in pdf_text(content)
    (url,) = qr_texts(content)
    assert url.startswith(f"{demo.url}/sertifikat/cek/"), url

    page.context.clear_cookies()  # the public page, as anyone who scans the code sees it
    page.goto(url)
    expect(page.locator(".verify-valid h2")).to_have_text(id_("Valid certificate"))
    expect(page.locator(".verify-facts")).to_contain_text(number)
    holder = Certificate.objects.get(number=number).participant_name
    expect(page.locator(".verify-name")).to_have_text(holder)  # the QR code's token shows the name in full
    assert_accessible(page)
    shot(page, "sertifikat-cek.png")

    # Revoke it with a reason: typing its number on the check page now says revoked.
    login(page, demo, "koordinator")
    certificate = Certificate.objects.get(number=number)
    page.goto(f"{demo.url}/sertifikat/{certificate.pk}/")
    assert_accessible(page)
    shot(page, "sertifikat-detail.png")
    page.fill("#id_revoke-reason", "Nama peserta salah eja")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[action$='/cabut/'] button").click()
    page.context.clear_cookies()
    page.goto(f"{demo.url}/sertifikat/cek/")
    page.fill("#id_nomor", number)
    with page.expect_navigation():
        page.locator("#verify-number-form button[type=submit]").click()
    expect(page.locator(".verify-revoked h2")).to_have_text(id_("Revoked certificate"))
    expect(page.locator("main")).not_to_contain_text("Nama peserta salah eja")
    shot(page, "sertifikat-dicabut.png")
    page.fill("#id_nomor", "PKP/2025/9999")
    with page.expect_navigation():
        page.locator("#verify-number-form button[type=submit]").click()
    expect(page.locator(".verify-result h2")).to_have_text(id_("No certificate with this number"))


def test_a_participant_downloads_their_certificate_on_a_phone(browser: Browser, demo: Any) -> None:
    from lentera.certificates.models import Certificate

    certificate = Certificate.objects.filter(cohort__name=COHORT).order_by("seq").first()
    assert certificate is not None, "the demo issues the 2025 cohort's certificates"
    with phone_page(browser) as phone:
        login(phone, demo, certificate.user.username)
        phone.locator(".navbar-toggler").click()
        phone.wait_for_selector("#main-nav.collapse.show")  # Bootstrap ignores clicks while it animates
        open_from_menu(phone, "/sertifikat/saya/")
        expect(phone.locator("h1")).to_have_text(id_("My certificates"))
        expect(phone.locator("main")).to_contain_text(certificate.number)
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "sertifikat-saya-375.png")
        with phone.expect_download() as download:
            phone.get_by_role("link", name=re.compile(id_("Download PDF"))).first.click()
        assert qr_texts(Path(download.value.path()).read_bytes()) == [f"{certificate.verify_url}"]


def test_coordinator_sets_the_number_pattern(page: Page, demo: Any) -> None:
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/sertifikat/pengaturan/")
    assert_accessible(page)
    page.fill("#id_number_pattern", "{library}/{year}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_number_pattern_error")).to_be_visible()
    page.fill("#id_number_pattern", "800/{seq:04}/{library}/{year}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main code")).to_contain_text("800/0007/PKP/")
    shot(page, "sertifikat-pengaturan.png")


def test_a_stranger_checks_a_number_on_a_phone_and_sees_only_initials(
    browser: Browser, demo: Any, settings: Any
) -> None:
    """By number alone the holder's name is masked; typing the right name shows it; too many checks
    from one address get the 429 page."""
    from lentera.certificates.masking import mask_name
    from lentera.certificates.models import Certificate

    certificate = Certificate.objects.filter(cohort__name=COHORT).order_by("seq").first()
    assert certificate is not None
    full, masked = certificate.participant_name, mask_name(certificate.participant_name)
    # Windows are fixed and start on multiples of their length: one of ~31 years is never crossed
    # mid-test (a 10-minute one is, at 18:40, and the count would start again).
    never_crossed = 10**9
    settings.RATE_LIMITS = {"certificate-check": (30, never_crossed)}
    with phone_page(browser) as phone:
        phone.goto(f"{demo.url}/sertifikat/cek/")
        phone.fill("#id_nomor", certificate.number)
        with phone.expect_navigation():
            phone.locator("#verify-number-form button[type=submit]").click()
        expect(phone.locator(".verify-valid h2")).to_have_text(id_("Valid certificate"))
        expect(phone.locator(".verify-name")).to_contain_text(masked)
        expect(phone.locator("main")).not_to_contain_text(full.split(",")[0])
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "sertifikat-cek-nomor-375.png")

        phone.fill("#holder_nama", "Nama Orang Lain")
        with phone.expect_navigation():
            phone.locator("#verify-name-form button[type=submit]").click()
        expect(phone.locator(".verify-name-mismatch")).to_be_visible()
        expect(phone.locator(".verify-name")).to_contain_text(masked)
        shot(phone, "sertifikat-cek-nama-salah-375.png")

        phone.fill("#holder_nama", full.split(",")[0].lower())
        with phone.expect_navigation():
            phone.locator("#verify-name-form button[type=submit]").click()
        expect(phone.locator(".verify-name-match")).to_be_visible()
        expect(phone.locator(".verify-name")).to_have_text(full)
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "sertifikat-cek-nama-375.png")

        settings.RATE_LIMITS = {"certificate-check": (3, never_crossed)}  # three checks so far from this address
        phone.goto(f"{demo.url}/sertifikat/cek/?nomor={certificate.number}")
        expect(phone.locator("h1")).to_have_text(id_("Too many requests"))
        expect(phone.locator("main")).not_to_contain_text(masked)
        assert scroll_width(phone) <= PHONE["width"]
        assert_accessible(phone)
        shot(phone, "terlalu-banyak-permintaan-375.png")
