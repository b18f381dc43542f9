"""The public certificate check keeps the holder's name private and is rate limited per client.

By number alone: valid or not, programme, JP, date, and the name as initials. The full name shows
through the QR code's token, or when the visitor types the holder's name and it matches.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lentera.certificates.models import Certificate
from lentera.certificates.tests.factories import CertificateFactory, finished_cohort
from lentera.delivery.models import Cohort

pytestmark = pytest.mark.django_db

FULL = "Dewi Kartikasari, A.Md."
MASKED = "D*** K**********, A.Md."
VERIFY = "certificates:verify"
MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 WIB, on a ten-minute boundary


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return finished_cohort(coordinator.library, people=0)


@pytest.fixture
def dewi(cohort: Cohort) -> Certificate:
    return CertificateFactory(cohort=cohort, participant_name=FULL, user__full_name="Dewi Kartikasari")


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


class TestByNumber:
    def test_the_number_alone_shows_the_facts_and_the_name_as_initials(self, anon: Any, dewi: Certificate) -> None:
        response = anon.client.get(reverse(VERIFY), {"nomor": dewi.number})
        page = text(response)
        assert response.status_code == 200 and "verify-valid" in page
        for shown in (dewi.number, dewi.programme_title, dewi.cohort_name, MASKED):
            assert shown in page
        assert "Dewi" not in page and "Kartikasari" not in page
        assert response["X-Robots-Tag"] == "noindex" and "no-store" in response["Cache-Control"]

    def test_thirty_sequential_numbers_harvest_no_name(self, anon: Any, cohort: Cohort) -> None:
        names = [f"Peserta{n:02d} Pustakawan{n:02d}" for n in range(30)]
        for seq, name in enumerate(names, start=1):
            CertificateFactory(cohort=cohort, seq=seq, participant_name=name)
        pages = [text(anon.client.get(reverse(VERIFY), {"nomor": f"UJI/2025/{n:04d}"})) for n in range(1, 31)]
        assert all("verify-valid" in page for page in pages)
        harvested = [name for name in names for page in pages if name.split()[0] in page or name.split()[1] in page]
        assert harvested == []

    def test_a_wrong_typed_name_reveals_nothing_more(self, anon: Any, dewi: Certificate) -> None:
        for wrong in ["Dewi", "Dewi Kartika", "Dewi Kartikasari, S.Pd.", "D*** K**********"]:
            response = anon.client.post(reverse(VERIFY), {"nomor": dewi.number, "nama": wrong})
            page = text(response)
            assert response.status_code == 200 and MASKED in page and "verify-name-mismatch" in page
            assert "Kartikasari" not in page
            assert "verify-name-match" not in page.replace("verify-name-mismatch", "")

    def test_the_holders_name_typed_in_any_case_shows_it_in_full(self, anon: Any, dewi: Certificate) -> None:
        response = anon.client.post(reverse(VERIFY), {"nomor": dewi.number, "nama": "  dewi  KARTIKASARI "})
        page = text(response)
        assert response.status_code == 200 and FULL in page and "verify-name-match" in page
        assert "verify-name-form" not in page

    def test_the_typed_name_is_posted_not_put_in_the_address(self, anon: Any, dewi: Certificate) -> None:
        page = text(anon.client.get(reverse(VERIFY), {"nomor": dewi.number, "nama": "Dewi Kartikasari"}))
        assert 'method="post"' in page and MASKED in page and FULL not in page  # a name in the address is ignored

    def test_a_name_for_an_unknown_number_finds_nothing(self, anon: Any, dewi: Certificate) -> None:
        response = anon.client.post(reverse(VERIFY), {"nomor": "UJI/2025/9999", "nama": "Dewi Kartikasari"})
        assert response.status_code == 404 and "Kartikasari" not in text(response)

    def test_a_post_without_a_name_goes_back_to_the_form(self, anon: Any, dewi: Certificate) -> None:
        response = anon.client.post(reverse(VERIFY), {"nomor": dewi.number})
        assert response.status_code == 302 and response["Location"] == reverse(VERIFY)

    def test_typed_markup_stays_text(self, anon: Any, dewi: Certificate) -> None:
        page = anon.client.post(reverse(VERIFY), {"nomor": dewi.number, "nama": "<script>alert(1)</script>"})
        assert "<script>alert(1)" not in page.content.decode()


class TestByToken:
    def test_the_qr_address_shows_the_name_in_full(self, anon: Any, dewi: Certificate) -> None:
        response = anon.client.get(dewi.verify_path)
        page = text(response)
        assert response.status_code == 200 and FULL in page and "verify-valid" in page
        assert "verify-name-form" not in page and "no-store" in response["Cache-Control"]

    def test_a_revoked_certificate_by_its_token(self, anon: Any, dewi: Certificate) -> None:
        Certificate.objects.filter(pk=dewi.pk).update(revoked_at=MONDAY, revoked_reason="Rahasia")
        page = text(anon.client.get(dewi.verify_path))
        assert "verify-revoked" in page and FULL in page and "Rahasia" not in page


class TestRateLimit:
    def test_the_31st_check_from_one_address_gets_429_another_address_does_not(self, dewi: Certificate) -> None:
        visitor, neighbour = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
        with time_machine.travel(MONDAY, tick=False):
            statuses = [visitor.get(reverse(VERIFY), {"nomor": f"UJI/2025/{n:04d}"}).status_code for n in range(30)]
            assert 429 not in statuses
            refused = visitor.get(dewi.verify_path)
            assert neighbour.get(reverse(VERIFY), {"nomor": dewi.number}).status_code == 200
        assert refused.status_code == 429 and refused["Retry-After"] == "600"
        assert "Terlalu banyak permintaan" in text(refused) and "Kartikasari" not in text(refused)

    def test_typing_names_counts_too_and_the_window_passes(self, dewi: Certificate) -> None:
        guesser = Client(REMOTE_ADDR="198.51.100.1")
        with time_machine.travel(MONDAY, tick=False) as clock:
            for n in range(30):
                guesser.post(reverse(VERIFY), {"nomor": dewi.number, "nama": f"Dewi Tebakan{n}"})
            right = guesser.post(reverse(VERIFY), {"nomor": dewi.number, "nama": "Dewi Kartikasari"})
            assert right.status_code == 429 and "Kartikasari" not in text(right)
            clock.shift(timedelta(minutes=10))
            assert FULL in text(guesser.post(reverse(VERIFY), {"nomor": dewi.number, "nama": "Dewi Kartikasari"}))
