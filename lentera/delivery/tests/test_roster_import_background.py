"""Large participant lists are checked and imported in the background, with a progress bar."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from lentera.accounts.models import User
from lentera.delivery import services
from lentera.delivery.models import Cohort, Enrolment, RosterImport
from lentera.delivery.tests.factories import CohortFactory
from lentera.delivery.views import roster as roster_views

pytestmark = pytest.mark.django_db


def workbook(rows: int, *, bad: bool = False) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama", "Email", "NIP"])
    for i in range(rows):
        sheet.append([f"Peserta {i}", f"p{i}@contoh.id" if not bad else "rusak", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("besar.xlsx", buffer.getvalue())


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library, capacity=100)


@pytest.fixture
def in_background(monkeypatch: Any, worker: None) -> None:
    """Every list counts as large; tasks run at once (the immediate backend stands in for the worker)."""
    monkeypatch.setattr(roster_views, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(roster_views, "BACKGROUND_ROWS", 0)


def test_a_large_list_is_checked_then_imported_in_the_background(
    coordinator: Any, cohort: Cohort, in_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.client.post(
            reverse("delivery:roster_import_upload", args=[cohort.pk]), {"file": workbook(30)}
        )
    roster_import = RosterImport.objects.get()
    assert response["Location"] == roster_import.get_absolute_url()
    assert roster_import.status == RosterImport.Status.PREVIEW
    assert (roster_import.progress_done, roster_import.progress_total) == (30, 30)
    assert not roster_import.upload  # the file is not kept once its rows are read
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.client.post(reverse("delivery:roster_import_confirm", args=[roster_import.pk]))
    assert response["Location"] == roster_import.get_absolute_url()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.IMPORTED
    assert Enrolment.objects.filter(cohort=cohort).count() == 30
    page = coordinator.client.get(roster_import.get_absolute_url()).content.decode()
    assert reverse("delivery:cohort_detail", args=[cohort.pk]) in page


def test_while_working_the_page_polls_a_progress_bar_and_refreshes_when_done(coordinator: Any, cohort: Cohort) -> None:
    roster_import = RosterImport.objects.create(
        library=cohort.library,
        cohort=cohort,
        file_name="x.xlsx",
        status=RosterImport.Status.CHECKING,
        progress_done=25,
        progress_total=100,
    )
    url = roster_import.get_absolute_url()
    page = coordinator.client.get(url).content.decode()
    assert 'id="import-progress"' in page and 'hx-trigger="every 1s"' in page and 'data-width="25"' in page
    fragment = coordinator.client.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    RosterImport.objects.filter(pk=roster_import.pk).update(status=RosterImport.Status.PREVIEW)
    done = coordinator.client.get(url, headers={"HX-Request": "true"})
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_an_unreadable_large_file_ends_as_failed_with_the_reason(
    coordinator: Any, cohort: Cohort, in_background: None, django_capture_on_commit_callbacks: Any
) -> None:
    broken = SimpleUploadedFile("besar.xlsx", b"PK\x03\x04 this is not a workbook")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.client.post(reverse("delivery:roster_import_upload", args=[cohort.pk]), {"file": broken})
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.FAILED
    assert roster_import.error
    assert roster_import.error in coordinator.client.get(roster_import.get_absolute_url()).content.decode()
    assert not Enrolment.objects.exists()


def test_a_failed_background_import_writes_nothing_and_can_be_retried(
    coordinator: Any, cohort: Cohort, in_background: None, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    roster_import = services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=workbook(5))

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Enrolment.objects, "bulk_create", fail)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.client.post(reverse("delivery:roster_import_confirm", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEW  # back to the decision
    assert roster_import.error
    assert not Enrolment.objects.exists()
    assert Cohort.objects.get(pk=cohort.pk).enrolments.count() == 0
    assert not User.objects.filter(email__endswith="@contoh.id").exists()  # the new people were rolled back
