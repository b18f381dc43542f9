"""Certificate pages: who may open each, what they show, and the fixed number of queries of the lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lentera.certificates import services
from lentera.certificates.models import Certificate, IssueRun
from lentera.certificates.tests.factories import BASE_URL, CertificateFactory, finished_cohort
from lentera.delivery.models import Cohort
from lentera.delivery.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
# Every request starts with three queries: the session, the user and their memberships.
MY_CERTIFICATES_QUERIES = 3 + 1
# cohort, certificates, completion (seven: see assessment.exam_selectors.cohort_completion), the latest run
COHORT_PAGE_QUERIES = 3 + 1 + 1 + 7 + 1


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return finished_cohort(coordinator.library, people=3)


@pytest.fixture
def mine(participant: Any, cohort: Cohort) -> Certificate:
    EnrolmentFactory(cohort=cohort, user=participant.user)
    services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)
    return CertificateFactory(cohort=cohort, user=participant.user)


class TestVerify:
    def test_a_valid_number(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(reverse("certificates:verify"), {"nomor": f"  {mine.number} "})
        page = response.content.decode()
        assert response.status_code == 200 and "verify-valid" in page
        for shown in (mine.programme_title, mine.cohort_name, f"{mine.jp}"):
            assert shown in page
        assert mine.participant_name not in page  # masked: see test_public_check.py
        assert mine.participant_nip not in page or not mine.participant_nip
        assert response["X-Robots-Tag"] == "noindex"

    def test_a_number_typed_in_small_letters(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(reverse("certificates:verify"), {"nomor": mine.number.lower()})
        assert "verify-valid" in response.content.decode()

    def test_the_qr_address(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(mine.verify_path)
        assert response.status_code == 200 and "verify-valid" in response.content.decode()

    def test_a_revoked_certificate_shows_the_date_not_the_reason(self, anon: Any, mine: Certificate) -> None:
        services.certificate_revoke(actor=None, certificate=mine, reason="Rahasia internal")
        page = anon.client.get(mine.verify_path).content.decode()
        assert "verify-revoked" in page and "Rahasia internal" not in page
        assert f"{timezone.localtime(Certificate.objects.get(pk=mine.pk).revoked_at).year}" in page

    @pytest.mark.parametrize("typed", ["UJI/2025/9999", "UJI/2025/%", "UJI/2025/____", "*"])
    def test_unknown_numbers_and_wildcards_find_nothing(self, anon: Any, mine: Certificate, typed: str) -> None:
        response = anon.client.get(reverse("certificates:verify"), {"nomor": typed})
        assert response.status_code == 404 and "verify-valid" not in response.content.decode()

    def test_a_number_too_long_to_be_one(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(reverse("certificates:verify"), {"nomor": "x" * 61})
        assert response.status_code == 200 and "verify-result" not in response.content.decode()

    def test_an_unknown_token(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(reverse("certificates:verify_token", args=["tebakan"]))
        assert response.status_code == 404

    def test_the_empty_form(self, anon: Any) -> None:
        response = anon.client.get(reverse("certificates:verify"))
        assert response.status_code == 200 and 'name="nomor"' in response.content.decode()


class TestParticipant:
    def test_my_certificates_and_the_download(self, participant: Any, mine: Certificate) -> None:
        page = participant.client.get(reverse("certificates:my_certificates")).content.decode()
        assert mine.number in page and reverse("certificates:download", args=[mine.pk]) in page
        response = participant.client.get(reverse("certificates:download", args=[mine.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert mine.filename in response["Content-Disposition"]

    def test_someone_elses_certificate_is_not_found(self, participant: Any, mine: Certificate, cohort: Cohort) -> None:
        other = Certificate.objects.filter(cohort=cohort).exclude(user=participant.user).first()
        assert participant.client.get(reverse("certificates:download", args=[other.pk])).status_code == 404

    def test_a_revoked_certificate_is_listed_but_not_offered(self, participant: Any, mine: Certificate) -> None:
        services.certificate_revoke(actor=None, certificate=mine, reason="Salah")
        page = participant.client.get(reverse("certificates:my_certificates")).content.decode()
        assert mine.number in page and reverse("certificates:download", args=[mine.pk]) not in page
        assert participant.client.get(reverse("certificates:download", args=[mine.pk])).status_code == 404

    @pytest.mark.parametrize("size", [1, 6])
    def test_my_certificates_queries(self, participant: Any, size: int, django_assert_num_queries: Any) -> None:
        for _ in range(size):
            CertificateFactory(cohort__programme__library=participant.library, user=participant.user)
        participant.client.get(reverse("dashboard"))
        with django_assert_num_queries(MY_CERTIFICATES_QUERIES):
            response = participant.client.get(reverse("certificates:my_certificates"))
        assert len(response.context["certificates"]) == size


class TestCoordinator:
    def test_the_cohort_page_issue_and_progress(self, coordinator: Any, cohort: Cohort) -> None:
        url = reverse("certificates:cohort", args=[cohort.pk])
        page = coordinator.client.get(url).content.decode()
        assert reverse("certificates:cohort_issue", args=[cohort.pk]) in page
        response = coordinator.client.post(reverse("certificates:cohort_issue", args=[cohort.pk]))
        run = IssueRun.objects.get()
        assert response["Location"] == run.get_absolute_url() and run.base_url == "http://testserver"
        page = coordinator.client.get(run.get_absolute_url()).content.decode()
        assert 'id="issue-progress"' in page and 'hx-trigger="every 1s"' in page
        polled = coordinator.client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
        assert 'id="issue-progress"' in polled.content.decode()
        assert 'id="issue-progress"' in coordinator.client.get(url).content.decode()  # leave and come back
        services.issue_run_execute(run=run)
        polled = coordinator.client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
        assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
        assert "issue-done" in coordinator.client.get(run.get_absolute_url()).content.decode()
        page = coordinator.client.get(url).content.decode()
        assert page.count("badge text-bg-success") == 3 and reverse("certificates:cohort_zip", args=[cohort.pk]) in page

    def test_site_url_is_used_when_set(self, coordinator: Any, cohort: Cohort, settings: Any) -> None:
        settings.SITE_URL = "https://lentera.pasuruankota.go.id"
        coordinator.client.post(reverse("certificates:cohort_issue", args=[cohort.pk]))
        assert IssueRun.objects.get().base_url == "https://lentera.pasuruankota.go.id"

    def test_a_running_cohort_says_when_it_can_be_certified(self, coordinator: Any, cohort: Cohort) -> None:
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.RUNNING, ends_on="2099-01-01")
        response = coordinator.client.post(reverse("certificates:cohort_issue", args=[cohort.pk]), follow=True)
        assert "once the cohort has ended" in response.content.decode() or "berakhir" in response.content.decode()
        assert not IssueRun.objects.exists()

    def test_downloads(self, coordinator: Any, cohort: Cohort) -> None:
        zip_url = reverse("certificates:cohort_zip", args=[cohort.pk])
        assert coordinator.client.get(zip_url).status_code == 302  # nothing issued yet
        services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)
        response = coordinator.client.get(zip_url)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        response = coordinator.client.get(reverse("certificates:cohort_pdf", args=[cohort.pk]))
        assert (
            response.status_code == 200
            and response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 1
        )

    def test_revoke_and_reissue(self, coordinator: Any, cohort: Cohort) -> None:
        certificate = services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)[0]
        revoke = reverse("certificates:revoke", args=[certificate.pk])
        response = coordinator.client.post(revoke, {"revoke-reason": ""})
        assert response.status_code == 400 and Certificate.objects.get(pk=certificate.pk).is_valid
        response = coordinator.client.post(
            reverse("certificates:reissue", args=[certificate.pk]), {"reissue-reason": "Nama salah"}
        )
        new = Certificate.objects.get(replaces=certificate)
        assert response["Location"] == new.get_absolute_url()
        page = coordinator.client.get(certificate.get_absolute_url()).content.decode()
        assert "Nama salah" in page and new.number in page
        response = coordinator.client.post(reverse("certificates:revoke", args=[new.pk]), {"revoke-reason": "Batal"})
        assert response.status_code == 302 and not Certificate.objects.get(pk=new.pk).is_valid

    def test_settings_page(self, coordinator: Any) -> None:
        url = reverse("certificates:settings")
        assert "PERPUSTAKAAN-A/" in coordinator.client.get(url).content.decode()
        response = coordinator.client.post(url, {"number_pattern": "{library}/{year}", "library_code": ""})
        assert response.status_code == 200 and "{seq}" in response.content.decode()
        response = coordinator.client.post(url, {"number_pattern": "{library}-{seq:03}", "library_code": "PKP"})
        assert response.status_code == 302
        assert "PKP-007" in coordinator.client.get(url).content.decode()

    @pytest.mark.parametrize("size", [2, 10])
    def test_cohort_page_queries(self, coordinator: Any, size: int, django_assert_num_queries: Any) -> None:
        cohort = finished_cohort(coordinator.library, people=size)
        services.certificates_issue(actor=None, cohort=cohort, base_url=BASE_URL)
        services.certificate_revoke(
            actor=None, certificate=Certificate.objects.filter(cohort=cohort).first(), reason="x"
        )
        coordinator.client.get(reverse("dashboard"))
        with django_assert_num_queries(COHORT_PAGE_QUERIES):
            response = coordinator.client.get(reverse("certificates:cohort", args=[cohort.pk]))
        assert len(response.context["rows"]) == size


class TestAccess:
    @pytest.mark.parametrize("who", ["instructor", "partner"])
    def test_instructors_and_partners_have_no_access(
        self, request: Any, who: str, mine: Certificate, cohort: Cohort
    ) -> None:
        persona = request.getfixturevalue(who)
        for url in (
            reverse("certificates:download", args=[mine.pk]),
            reverse("certificates:detail", args=[mine.pk]),
            reverse("certificates:cohort", args=[cohort.pk]),
            reverse("certificates:settings"),
        ):
            assert persona.client.get(url).status_code == 403, url

    def test_another_librarys_coordinator_finds_nothing(
        self, coordinator_b: Any, mine: Certificate, cohort: Cohort
    ) -> None:
        for url in (
            reverse("certificates:download", args=[mine.pk]),
            reverse("certificates:detail", args=[mine.pk]),
            reverse("certificates:cohort", args=[cohort.pk]),
            reverse("certificates:cohort_zip", args=[cohort.pk]),
        ):
            assert coordinator_b.client.get(url).status_code == 404, url
        assert (
            coordinator_b.client.post(
                reverse("certificates:revoke", args=[mine.pk]), {"revoke-reason": "x"}
            ).status_code
            == 404
        )

    def test_anonymous_people_are_asked_to_log_in_except_for_the_check(self, anon: Any, mine: Certificate) -> None:
        response = anon.client.get(reverse("certificates:download", args=[mine.pk]))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        assert anon.client.get(reverse("certificates:verify")).status_code == 200
