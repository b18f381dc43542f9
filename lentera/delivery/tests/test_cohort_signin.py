"""A cohort's page helps its participants who have never signed in: the invitation again, a code sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lentera.accounts.models import Role, SignInCode, User
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery.models import Cohort, Enrolment
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory
from tests.browser.delivery_helpers import pdf_text

pytestmark = pytest.mark.django_db


def person(library: Any, name: str, *, email: str = "", signed_in: bool = False) -> User:
    user = UserFactory(full_name=name, email=email, last_login=timezone.now() if signed_in else None)
    user.set_unusable_password()
    user.save()
    MembershipFactory(user=user, library=library, role=Role.PARTICIPANT)
    return user


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library)


@pytest.fixture
def people(coordinator: Any, cohort: Cohort) -> dict[str, User]:
    """In the cohort: two never signed in (one with email), one active, one on the waitlist; beside it,
    a newcomer of the library in another cohort."""
    library = coordinator.library
    found = {
        "budi": person(library, "Budi Santoso"),
        "sri": person(library, "Sri Wahyuni", email="sri@contoh.id"),
        "aktif": person(library, "Ani Aktif", email="ani@contoh.id", signed_in=True),
        "tunggu": person(library, "Tono Menunggu", email="tono@contoh.id"),
        "lain": person(library, "Lina Lain", email="lina@contoh.id"),
    }
    for key in ("budi", "sri", "aktif"):
        EnrolmentFactory(cohort=cohort, user=found[key])
    EnrolmentFactory(cohort=cohort, user=found["tunggu"], status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=CohortFactory(programme=cohort.programme), user=found["lain"])
    return found


def test_the_cohort_page_counts_who_never_signed_in(coordinator: Any, cohort: Cohort, people: Any) -> None:
    page = coordinator.client.get(cohort.get_absolute_url()).content.decode()
    assert 'id="cohort-signin"' in page
    assert reverse("delivery:cohort_code_sheet", args=[cohort.pk]) in page
    assert coordinator.client.get(cohort.get_absolute_url()).context["not_signed_in"] == 2


def test_no_panel_when_everyone_has_signed_in(coordinator: Any, cohort: Cohort) -> None:
    EnrolmentFactory(cohort=cohort, user=person(coordinator.library, "Ani", signed_in=True))
    assert 'id="cohort-signin"' not in coordinator.client.get(cohort.get_absolute_url()).content.decode()


def test_the_sheet_holds_only_this_cohorts_participants_who_never_signed_in(
    coordinator: Any, cohort: Cohort, people: Any
) -> None:
    response = coordinator.client.post(reverse("delivery:cohort_code_sheet", args=[cohort.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "kode-masuk-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    assert "Budi Santoso" in text and "Sri Wahyuni" in text
    assert not [name for name in ("Ani Aktif", "Tono Menunggu", "Lina Lain") if name in text]
    assert set(SignInCode.objects.values_list("user__full_name", flat=True)) == {"Budi Santoso", "Sri Wahyuni"}


def test_nobody_to_print_goes_back_to_the_cohort(coordinator: Any, cohort: Cohort) -> None:
    response = coordinator.client.post(reverse("delivery:cohort_code_sheet", args=[cohort.pk]))
    assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
    assert not SignInCode.objects.exists()


def test_the_invitation_goes_again_to_this_cohorts_newcomers_with_an_address(
    coordinator: Any, cohort: Cohort, people: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.client.post(reverse("delivery:cohort_invite", args=[cohort.pk]), follow=True)
    assert response.redirect_chain[-1][0] == cohort.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["sri@contoh.id"]]
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 2  # one emailed; one without an address, who needs a printed code


def test_other_roles_and_libraries_get_nothing(
    cohort: Cohort, people: Any, instructor: Any, participant: Any, coordinator_b: Any, anon: Any
) -> None:
    for url in (
        reverse("delivery:cohort_code_sheet", args=[cohort.pk]),
        reverse("delivery:cohort_invite", args=[cohort.pk]),
    ):
        assert instructor.client.post(url).status_code == 403
        assert participant.client.post(url).status_code == 403
        assert coordinator_b.client.post(url).status_code == 404
        assert anon.client.post(url).status_code == 302
    assert not SignInCode.objects.exists() and not mail.outbox
