"""Issuing, numbering, snapshot, revoking, reissuing and the settings: one success and each failure."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import LibraryFactory
from lentera.certificates import services
from lentera.certificates.models import Certificate, IssueRun, NumberCounter
from lentera.certificates.tests.factories import BASE_URL, CertificateFactory, finished_cohort
from lentera.delivery.models import Cohort

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
ISSUED = datetime(2025, 8, 20, 10, 0, tzinfo=WIB)


def png(width: int = 60, height: int = 20) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("ttd.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    library = coordinator.library
    library.head_name, library.head_nip = "Drs. Bambang Hariyanto, M.Si.", "196805121994031007"
    library.save()
    return finished_cohort(library, people=4, completed=3)


class TestIssue:
    def test_everyone_who_completed_gets_a_numbered_certificate_with_a_snapshot(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        issued = services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url=BASE_URL + "/", now=ISSUED)
        assert len(issued) == 3
        certificates = list(Certificate.objects.filter(cohort=cohort).order_by("seq"))
        assert [c.number for c in certificates] == [
            "PERPUSTAKAAN-A/2025/0001",
            "PERPUSTAKAAN-A/2025/0002",
            "PERPUSTAKAAN-A/2025/0003",
        ]
        first = certificates[0]
        assert first.participant_name == first.user.full_name
        assert first.programme_title == cohort.programme.title and first.cohort_name == cohort.name
        assert (first.starts_on, first.ends_on) == (date(2025, 8, 4), date(2025, 8, 8))
        assert first.jp == 4  # attended two 2-JP sessions of three: the JP attended, not scheduled
        assert sorted(code for code, _title in first.competencies) == ["", "R.91PRP02.021.1"]
        assert (first.head_name, first.head_nip) == ("Drs. Bambang Hariyanto, M.Si.", "196805121994031007")
        assert first.base_url == BASE_URL and first.verify_url == f"{BASE_URL}/sertifikat/cek/{first.token}/"
        assert len(first.token) >= 16 and len({c.token for c in certificates}) == 3
        entry = AuditEntry.objects.get(action="certificate.issue")
        assert entry.changes["issued"] == [None, 3] and entry.actor == coordinator.user

    def test_issuing_again_issues_only_to_those_without_one(self, coordinator: Any, cohort: Cohort) -> None:
        services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        assert services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url=BASE_URL, now=ISSUED) == []
        late = cohort.enrolments.order_by("pk").last().user
        services_override(cohort, late)
        again = services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        assert [c.user for c in again] == [late] and again[0].number.endswith("/0004")
        assert Certificate.objects.filter(cohort=cohort).count() == 4

    def test_a_running_cohort_cannot_be_certified_yet(self, coordinator: Any, cohort: Cohort) -> None:
        cohort.status, cohort.ends_on = Cohort.Status.RUNNING, date(2025, 8, 30)
        cohort.save()
        with pytest.raises(ValidationError, match="once the cohort has ended"):
            services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        assert not Certificate.objects.exists()

    def test_the_verification_address_must_be_a_web_address(self, coordinator: Any, cohort: Cohort) -> None:
        with pytest.raises(ValidationError, match="http"):
            services.certificates_issue(actor=coordinator.user, cohort=cohort, base_url="lentera.example", now=ISSUED)

    def test_one_person_who_did_not_complete_gets_none(self, coordinator: Any, cohort: Cohort) -> None:
        dropout = cohort.enrolments.order_by("pk").last().user
        with pytest.raises(ValidationError, match="has not completed"):
            services.certificate_issue(actor=coordinator.user, cohort=cohort, user=dropout, base_url=BASE_URL)

    def test_one_person_who_holds_one_gets_no_second(self, coordinator: Any, cohort: Cohort) -> None:
        person = cohort.enrolments.order_by("pk").first().user
        services.certificate_issue(actor=coordinator.user, cohort=cohort, user=person, base_url=BASE_URL)
        with pytest.raises(ValidationError, match="already holds"):
            services.certificate_issue(actor=coordinator.user, cohort=cohort, user=person, base_url=BASE_URL)

    def test_numbers_run_per_library_per_year(self, coordinator: Any, cohort: Cohort) -> None:
        services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        second = finished_cohort(cohort.library, people=2)
        later = services.certificates_issue(actor=None, cohort=second, base_url=BASE_URL, now=ISSUED)
        assert [c.seq for c in later] == [4, 5]
        next_year = services.certificates_issue(
            actor=None,
            cohort=finished_cohort(cohort.library, people=1),
            base_url=BASE_URL,
            now=datetime(2026, 1, 2, tzinfo=WIB),
        )
        assert next_year[0].number == "PERPUSTAKAAN-A/2026/0001"
        other = finished_cohort(LibraryFactory(slug="lain"), people=1)
        assert (
            services.certificates_issue(actor=None, cohort=other, base_url=BASE_URL, now=ISSUED)[0].number
            == "LAIN/2025/0001"
        )
        assert NumberCounter.objects.get(library=cohort.library, year=2025).last == 5

    def test_a_number_already_taken_is_skipped_not_reused(self, coordinator: Any, cohort: Cohort) -> None:
        CertificateFactory(number="PERPUSTAKAAN-A/2025/0001", cohort=finished_cohort(LibraryFactory(), people=0))
        issued = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        assert [c.number[-4:] for c in issued] == ["0002", "0003", "0004"]

    def test_what_a_certificate_says_does_not_change_when_records_do(self, coordinator: Any, cohort: Cohort) -> None:
        certificate = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL, now=ISSUED)[0]
        person = certificate.user
        person.full_name = "Nama Baru"
        person.save()
        cohort.programme.title = "Program Lain"
        cohort.programme.save()
        cohort.library.head_name = "Kepala Baru"
        cohort.library.save()
        certificate.refresh_from_db()
        assert certificate.participant_name != "Nama Baru"
        assert certificate.programme_title != "Program Lain" and certificate.head_name != "Kepala Baru"


def services_override(cohort: Cohort, user: Any) -> None:
    from lentera.assessment import exam_services

    exam_services.completion_override(actor=None, cohort=cohort, user=user, status="completed", reason="Tugas susulan")


class TestRevokeAndReissue:
    def test_revoke_with_a_reason(self, coordinator: Any, cohort: Cohort) -> None:
        certificate = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        services.certificate_revoke(actor=coordinator.user, certificate=certificate, reason="Data kehadiran salah")
        certificate.refresh_from_db()
        assert not certificate.is_valid and certificate.revoked_reason == "Data kehadiran salah"
        entry = AuditEntry.objects.get(action="certificate.revoke")
        assert entry.changes["reason"] == [None, "Data kehadiran salah"]

    def test_revoking_needs_a_reason(self, coordinator: Any, cohort: Cohort) -> None:
        certificate = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        with pytest.raises(ValidationError) as error:
            services.certificate_revoke(actor=coordinator.user, certificate=certificate, reason="  ")
        assert "reason" in error.value.message_dict
        certificate.refresh_from_db()
        assert certificate.is_valid

    def test_revoking_twice_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        certificate = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        services.certificate_revoke(actor=coordinator.user, certificate=certificate, reason="Salah")
        with pytest.raises(ValidationError, match="already revoked"):
            services.certificate_revoke(actor=coordinator.user, certificate=certificate, reason="Lagi")

    def test_reissue_gives_a_new_number_and_revokes_the_old(self, coordinator: Any, cohort: Cohort) -> None:
        old = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        old.user.full_name = "Nama Yang Benar"
        old.user.save()
        new = services.certificate_reissue(
            actor=coordinator.user, certificate=old, reason="Nama salah eja", base_url=BASE_URL
        )
        old.refresh_from_db()
        assert new.number != old.number and new.replaces == old and new.participant_name == "Nama Yang Benar"
        assert not old.is_valid and old.revoked_reason == "Nama salah eja"
        assert AuditEntry.objects.filter(
            action="certificate.reissue", changes__number=[old.number, new.number]
        ).exists()

    def test_reissue_needs_a_reason(self, coordinator: Any, cohort: Cohort) -> None:
        old = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        with pytest.raises(ValidationError):
            services.certificate_reissue(actor=coordinator.user, certificate=old, reason="", base_url=BASE_URL)
        assert Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True).count() == 3

    def test_a_certificate_is_reissued_once(self, coordinator: Any, cohort: Cohort) -> None:
        old = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        services.certificate_reissue(actor=coordinator.user, certificate=old, reason="Nama", base_url=BASE_URL)
        with pytest.raises(ValidationError, match="already reissued"):
            services.certificate_reissue(actor=coordinator.user, certificate=old, reason="Lagi", base_url=BASE_URL)

    def test_reissue_refused_when_the_person_no_longer_completed(self, coordinator: Any, cohort: Cohort) -> None:
        from lentera.assessment import exam_services

        old = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        exam_services.completion_override(actor=None, cohort=cohort, user=old.user, status="not_completed", reason="x")
        with pytest.raises(ValidationError, match="has not completed"):
            services.certificate_reissue(actor=coordinator.user, certificate=old, reason="Nama", base_url=BASE_URL)
        old.refresh_from_db()
        assert old.is_valid  # nothing changed


class TestSettings:
    def test_made_on_demand_with_the_default_pattern(self, coordinator: Any) -> None:
        current = services.settings_for(coordinator.library)
        assert (
            current.number_pattern == "{library}/{year}/{seq:04}"
            and services.settings_for(coordinator.library) == current
        )

    def test_pattern_code_title_and_signature(self, coordinator: Any, cohort: Cohort) -> None:
        current = services.certificate_settings_update(
            actor=coordinator.user,
            library=coordinator.library,
            number_pattern="800/{seq:03}/{library}/{year}",
            library_code="pkp",
            title_text="Surat Tanda Tamat Pelatihan",
            signature=png(),
        )
        assert current.library_code == "PKP" and current.signature.name.endswith(".png")
        assert current.signature.name != "certificates/signatures/ttd.png"  # stored under a generated name
        issued = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL, now=ISSUED)
        assert issued[0].number == "800/001/PKP/2025" and issued[0].signature_file == current.signature.name
        assert issued[0].title_text == "Surat Tanda Tamat Pelatihan"
        assert AuditEntry.objects.filter(action="certificate_settings.update").exists()

    def test_a_bad_pattern_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError) as error:
            services.certificate_settings_update(
                actor=None, library=coordinator.library, number_pattern="{library}/{year}"
            )
        assert "number_pattern" in error.value.message_dict

    def test_a_bad_code_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError) as error:
            services.certificate_settings_update(
                actor=None, library=coordinator.library, number_pattern="{seq}", library_code="P K P"
            )
        assert "library_code" in error.value.message_dict

    def test_a_signature_that_is_not_an_image_is_refused(self, coordinator: Any) -> None:
        fake = SimpleUploadedFile("ttd.png", b"%PDF-1.4 not an image", content_type="image/png")
        with pytest.raises(ValidationError) as error:
            services.certificate_settings_update(
                actor=None, library=coordinator.library, number_pattern="{seq}", signature=fake
            )
        assert "signature" in error.value.message_dict


class TestBackground:
    @pytest.mark.usefixtures("worker")
    def test_a_run_issues_and_records_its_progress(
        self, coordinator: Any, cohort: Cohort, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)
        run.refresh_from_db()
        assert (run.status, run.issued, run.progress_done, run.progress_total) == ("done", 3, 3, 3)
        assert run.progress_percent == 100 and run.finished_at is not None
        assert Certificate.objects.filter(cohort=cohort).count() == 3

    def test_starting_while_a_run_works_returns_that_run(self, coordinator: Any, cohort: Cohort) -> None:
        first = services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)
        assert services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL) == first
        assert IssueRun.objects.count() == 1

    def test_a_run_lost_with_its_worker_does_not_block_a_new_one(self, coordinator: Any, cohort: Cohort) -> None:
        from datetime import timedelta

        from django.utils import timezone

        first = services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)
        later = timezone.now() + services.STALE_AFTER + timedelta(minutes=1)
        assert services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL, now=later) != first

    def test_a_run_that_cannot_issue_says_why(self, coordinator: Any, cohort: Cohort) -> None:
        run = services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.RUNNING, ends_on=date(2099, 1, 1))
        run = services.issue_run_execute(run=IssueRun.objects.get(pk=run.pk))
        assert run.status == "failed" and "once the cohort has ended" in run.error

    def test_a_run_is_executed_once(self, coordinator: Any, cohort: Cohort) -> None:
        run = services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)
        services.issue_run_execute(run=run)
        assert services.issue_run_execute(run=IssueRun.objects.get(pk=run.pk)).issued == 3
        assert Certificate.objects.count() == 3
