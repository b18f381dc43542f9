"""An upload the media folder cannot take (permissions, a full disk): the person gets the form back
with what they typed and a message they can act on, nothing is half-saved, and the cause is logged.

One place does it for every form that stores a file: the media storage (lentera.lib.uploads.MediaStorage)
turns the failed write into a ValidationError the views already show."""

from __future__ import annotations

import errno
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from lentera.accounts.models import Library
from lentera.assessment.models import Submission
from lentera.assessment.tests.factories import make_assignment
from lentera.certificates import services as certificate_services
from lentera.curriculum.models import Material
from lentera.curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SessionPlanFactory
from lentera.delivery import services as delivery_services
from lentera.delivery.models import InstructorProfile, RosterImport
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory
from lentera.delivery.views import roster as roster_views
from lentera.lib.uploads import FileNotSaved, MediaStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write into the media folder is refused, as when its owner is not the app's user."""

    def refuse(self: FileSystemStorage, name: str, content: Any) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(self.location) / name))

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)


def _message() -> str:
    with translation.override("id"):
        return escape(str(FileNotSaved().messages[0]))


def _assert_logged(caplog: pytest.LogCaptureFixture) -> None:
    [record] = [r for r in caplog.records if r.name == "lentera.uploads"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and isinstance(record.exc_info[1], PermissionError)


def pdf(name: str = "modul.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def png(name: str = "gambar.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_every_file_field_stores_through_the_media_storage() -> None:
    assert isinstance(default_storage, MediaStorage)
    for field in (
        Material._meta.get_field("file"),
        Submission._meta.get_field("file"),
        RosterImport._meta.get_field("upload"),
        InstructorProfile._meta.get_field("photo"),
        Library._meta.get_field("logo"),
    ):
        assert isinstance(field.storage, MediaStorage), field


def test_a_material_keeps_its_title_and_says_the_file_was_not_saved(
    coordinator: Any, media_unwritable: None, caplog: pytest.LogCaptureFixture
) -> None:
    plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
    with caplog.at_level(logging.ERROR):
        response = coordinator.client.post(
            reverse("curriculum:material_add", args=[plan.pk]), {"title": "Modul Katalogisasi DDC", "file": pdf()}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert _message() in page
    assert 'value="Modul Katalogisasi DDC"' in page
    assert not Material.objects.exists()
    _assert_logged(caplog)


def test_a_media_folder_that_cannot_be_made_gives_the_same_message(
    coordinator: Any, settings: Any, tmp_path: Path
) -> None:
    """Without any patching: MEDIA_ROOT is a file, so its folders cannot be made (an OSError)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
    response = coordinator.client.post(
        reverse("curriculum:material_add", args=[plan.pk]), {"title": "Modul", "file": pdf()}
    )
    assert response.status_code == 400 and _message() in response.content.decode()
    assert not Material.objects.exists()


def test_a_hand_in_keeps_its_answer_and_says_the_file_was_not_saved(
    participant: Any, instructor: Any, media_unwritable: None, caplog: pytest.LogCaptureFixture
) -> None:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    assignment = make_assignment(cohort, instructors=[instructor.user], title="Klasifikasi", accepts_text=True)
    with caplog.at_level(logging.ERROR):
        response = participant.client.post(
            reverse("assessment:submission_submit", args=[assignment.pk]),
            {"text": "Nomor kelas 020 untuk ilmu perpustakaan", "file": pdf("tugas.pdf")},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert _message() in page
    assert "Nomor kelas 020 untuk ilmu perpustakaan</textarea>" in page
    assert not Submission.objects.exists()
    _assert_logged(caplog)


def test_a_large_roster_list_says_the_file_was_not_saved(
    coordinator: Any, media_unwritable: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(roster_views, "BACKGROUND_BYTES", 0)  # kept for the background check: stored first
    cohort = CohortFactory(programme__library=coordinator.library)
    upload = SimpleUploadedFile("peserta.csv", b"Nama,Email\nBudi,budi@contoh.id\n")
    with caplog.at_level(logging.ERROR):
        response = coordinator.client.post(reverse("delivery:roster_import_upload", args=[cohort.pk]), {"file": upload})
    assert response.status_code == 200
    assert _message() in response.content.decode()
    assert not RosterImport.objects.exists()
    _assert_logged(caplog)


def test_the_certificate_signature_keeps_the_settings_typed(coordinator: Any, media_unwritable: None) -> None:
    current = certificate_services.settings_for(coordinator.library)
    response = coordinator.client.post(
        reverse("certificates:settings"),
        {
            "number_pattern": current.number_pattern,
            "library_code": "PERPUS-UJI",
            "title_text": "Sertifikat Pelatihan Katalogisasi",
            "signature": png("ttd.png"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and _message() in page
    assert 'value="Sertifikat Pelatihan Katalogisasi"' in page
    current.refresh_from_db()
    assert not current.signature and current.library_code != "PERPUS-UJI"


def test_an_instructor_photo_keeps_the_bio_typed(coordinator: Any, instructor: Any, media_unwritable: None) -> None:
    profile = delivery_services.instructor_register(actor=None, library=coordinator.library, user=instructor.user)
    response = coordinator.client.post(
        reverse("delivery:instructor_edit", args=[profile.pk]),
        {"kind": "internal", "years_experience": "4", "bio": "Pustakawan ahli madya", "photo": png("foto.png")},
    )
    page = response.content.decode()
    assert response.status_code == 200 and _message() in page
    assert "Pustakawan ahli madya</textarea>" in page
    profile.refresh_from_db()
    assert not profile.photo and profile.bio == ""


def test_a_library_logo_keeps_the_settings_typed(coordinator: Any, media_unwritable: None) -> None:
    library = coordinator.library
    response = coordinator.client.post(
        reverse("accounts:library_settings"),
        {
            "name": "Perpustakaan Kota Baru",
            "city": library.city,
            "province": library.province,
            "population": "120000",
            "yearly_jp_target": "20",
            "anonymity_floor": "5",
            "kecamatan_text": "",
            "logo": png("logo.png"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and _message() in page, page
    assert 'value="Perpustakaan Kota Baru"' in page
    library.refresh_from_db()
    assert not library.logo and library.name == "Perpustakaan A"
