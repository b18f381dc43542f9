"""The certificate PDF: A4 landscape, what it says, and a QR code that reads back as the check address."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from lentera.certificates import pdf
from lentera.certificates.tests.factories import BASE_URL, CertificateFactory
from lentera.certificates.tests.pdfimages import qr_texts
from tests.browser.delivery_helpers import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def test_the_qr_code_in_the_pdf_reads_as_the_check_address(coordinator: Any) -> None:
    certificate = CertificateFactory(
        cohort__programme__library=coordinator.library, participant_name="Siti Aminah, S.IP."
    )
    content = pdf.certificate_pdf(certificate)
    assert content.startswith(b"%PDF-") and pdf_pages(content) == 1
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in content  # A4 landscape
    assert qr_texts(content) == [f"{BASE_URL}/sertifikat/cek/{certificate.token}/"]
    text = pdf_text(content)
    for shown in ("Siti Aminah, S.IP.", certificate.number, certificate.programme_title, "4 JP", "Kompetensi 1"):
        assert shown in text, shown
    assert "196805121994031007" in text  # the head's NIP


def test_a_revoked_certificate_is_marked(coordinator: Any) -> None:
    certificate = CertificateFactory(cohort__programme__library=coordinator.library, revoked_at=timezone.now())
    assert (
        "REVOKED" in pdf_text(pdf.certificate_pdf(certificate)).upper()
        or "DICABUT" in pdf_text(pdf.certificate_pdf(certificate)).upper()
    )


def test_many_as_one_pdf_and_as_a_zip(coordinator: Any) -> None:
    certificates = [CertificateFactory(cohort__programme__library=coordinator.library) for _ in range(3)]
    assert pdf_pages(pdf.certificates_pdf(certificates)) == 3
    with zipfile.ZipFile(io.BytesIO(pdf.certificates_zip(certificates))) as archive:
        names = archive.namelist()
        assert names == [c.filename for c in certificates]
        assert qr_texts(archive.read(names[1])) == [certificates[1].verify_url]


def test_the_period_reads_naturally() -> None:
    from datetime import date

    from django.utils import translation

    with translation.override("en"):
        assert pdf.period(date(2025, 8, 4), date(2025, 8, 15)) == "4–15 August 2025"
        assert pdf.period(date(2025, 7, 28), date(2025, 8, 8)) == "28 July – 8 August 2025"
        assert pdf.period(date(2025, 12, 29), date(2026, 1, 9)) == "29 December 2025 – 9 January 2026"
        assert pdf.period(date(2025, 8, 4), date(2025, 8, 4)) == "4 August 2025"


@pytest.mark.parametrize(
    ("title", "reads"),
    [
        ("Pelatihan Pustakawan Kota Pasuruan 2026", "menyelesaikan Pelatihan Pustakawan Kota Pasuruan 2026"),
        ("Diklat Teknis Perpustakaan", "menyelesaikan Diklat Teknis Perpustakaan"),
        ("BIMTEK Pengelolaan Perpustakaan Sekolah", "menyelesaikan BIMTEK Pengelolaan Perpustakaan Sekolah"),
        ("Bimbingan Teknis SLiMS", "menyelesaikan Bimbingan Teknis SLiMS"),
        ("Workshop Literasi Digital", "menyelesaikan Workshop Literasi Digital"),
        ("training of trainers", "menyelesaikan training of trainers"),
        ("Literasi Informasi untuk Pustakawan", "menyelesaikan pelatihan Literasi Informasi untuk Pustakawan"),
        ("Pelatihanku", "menyelesaikan pelatihan Pelatihanku"),  # a word that only starts like one
    ],
)
def test_the_wording_reads_right_for_any_title(coordinator: Any, title: str, reads: str) -> None:
    from django.utils import translation

    certificate = CertificateFactory(cohort__programme__library=coordinator.library, programme_title=title)
    with translation.override("id"):
        text = " ".join(pdf_text(pdf.certificate_pdf(certificate)).split())
    assert reads in text
    assert re.search(r"\bpelatihan\s+(pelatihan|diklat|bimtek|workshop|training)\b", text, re.IGNORECASE) is None
