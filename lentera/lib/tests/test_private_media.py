"""Private files stay private: materials, hand-ins, instructor photos and the signature leave only
through access-checked views (with X-Accel-Redirect when nginx sends the bytes); /media/ serves
nothing but the public library logos, and those only in development."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from lentera.assessment import assignment_services
from lentera.assessment.tests.factories import make_assignment
from lentera.certificates import services as certificate_services
from lentera.curriculum import services as curriculum_services
from lentera.curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SessionPlanFactory
from lentera.delivery import services as delivery_services
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory
from lentera.lib.downloads import PUBLIC_MEDIA_FOLDERS, accel_redirect_uri, is_public_media

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def stored(coordinator: Any, instructor: Any, participant: Any) -> dict[str, Any]:
    """One file of each private kind in library A, with the URL that hands it out."""
    plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
    material = curriculum_services.material_add(
        actor=None,
        plan=plan,
        title="Modul",
        upload=SimpleUploadedFile("modul.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    assignment = make_assignment(cohort, instructors=[instructor.user], title="Klasifikasi")
    submission = assignment_services.submission_save(
        actor=participant.user,
        assignment=assignment,
        upload=SimpleUploadedFile("tugas.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    profile = delivery_services.instructor_register(actor=None, library=coordinator.library, user=instructor.user)
    profile.photo.save("0a1b2c.png", ContentFile(png_bytes()), save=True)
    settings_ = certificate_services.settings_for(coordinator.library)
    settings_.signature.save("3d4e5f.png", ContentFile(png_bytes()), save=True)
    return {
        "material": (reverse("curriculum:material_download", args=[material.pk]), material.file),
        "submission": (reverse("assessment:submission_file", args=[submission.pk]), submission.file),
        "photo": (reverse("delivery:instructor_photo", args=[profile.pk]), profile.photo),
        "signature": (reverse("certificates:signature"), settings_.signature),
    }


KINDS = ["material", "submission", "photo", "signature"]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("kind", KINDS)
def test_the_coordinator_gets_each_private_file(kind: str, coordinator: Any, stored: dict[str, Any]) -> None:
    url, field = stored[kind]
    response = coordinator.client.get(url)
    assert response.status_code == 200
    assert _body(response) == field.open("rb").read()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "private" in response["Cache-Control"]
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_get_nothing(kind: str, anon: Any, stored: dict[str, Any]) -> None:
    url, _field = stored[kind]
    response = anon.client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not _body(response)


@pytest.mark.parametrize("kind", KINDS)
def test_another_librarys_coordinator_gets_nothing(kind: str, coordinator_b: Any, stored: dict[str, Any]) -> None:
    url, field = stored[kind]
    response = coordinator_b.client.get(url)
    assert response.status_code == 404
    assert field.open("rb").read() not in _body(response)


@pytest.mark.parametrize("kind", ["photo", "signature"])
def test_a_participant_gets_no_photo_or_signature(kind: str, participant: Any, stored: dict[str, Any]) -> None:
    url, _field = stored[kind]
    assert participant.client.get(url).status_code == 403


def test_no_photo_or_no_signature_is_not_found(coordinator: Any, instructor: Any) -> None:
    profile = delivery_services.instructor_register(actor=None, library=coordinator.library, user=instructor.user)
    assert coordinator.client.get(reverse("delivery:instructor_photo", args=[profile.pk])).status_code == 404
    assert coordinator.client.get(reverse("certificates:signature")).status_code == 404


def test_the_pages_show_photos_and_the_signature_through_the_checked_views(
    coordinator: Any, stored: dict[str, Any]
) -> None:
    page = coordinator.client.get(reverse("delivery:instructor_list")).content.decode()
    assert f'src="{stored["photo"][0]}"' in page and "/media/" not in page
    page = coordinator.client.get(reverse("certificates:settings")).content.decode()
    assert f'src="{stored["signature"][0]}"' in page and "/media/" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_with_nginx_the_answer_is_an_x_accel_redirect(
    kind: str, coordinator: Any, stored: dict[str, Any], settings: Any
) -> None:
    url, field = stored[kind]
    plain = coordinator.client.get(url)  # the same headers as when Django sends the bytes...
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = coordinator.client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{field.name}"
    assert response.content == b""  # ...but nginx sends the bytes
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options", "Cache-Control"):
        assert response[header] == plain[header], header


def test_with_nginx_anonymous_visitors_still_get_nothing(anon: Any, stored: dict[str, Any], settings: Any) -> None:
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    for url, _field in stored.values():
        response = anon.client.get(url)
        assert response.status_code == 302 and "X-Accel-Redirect" not in response


def test_the_internal_address_is_quoted_and_has_one_slash_each_side() -> None:
    assert (
        accel_redirect_uri("protected-media", "materials/2026/a b.pdf") == "/protected-media/materials/2026/a%20b.pdf"
    )
    assert accel_redirect_uri("/protected-media/", "/x.png") == "/protected-media/x.png"


@pytest.fixture
def media_client(settings: Any) -> Callable[[str], Any]:
    settings.DEBUG = True  # the only case where Django serves /media/ at all

    def get(path: str) -> Any:
        return Client().get(f"/{settings.MEDIA_URL.strip('/')}/{path}")

    return get


def test_in_development_media_serves_the_public_logo(library_a: Any, media_client: Callable[[str], Any]) -> None:
    library_a.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    assert library_a.logo.name.startswith(PUBLIC_MEDIA_FOLDERS)
    response = media_client(library_a.logo.name)
    assert response.status_code == 200 and _body(response) == png_bytes()


def test_media_never_serves_a_private_file_even_in_development(
    stored: dict[str, Any], media_client: Callable[[str], Any]
) -> None:
    for kind, (_url, field) in stored.items():
        assert media_client(field.name).status_code == 404, kind
        assert media_client(f"library-logos/../{field.name}").status_code == 404, kind


def test_media_serves_nothing_in_production(library_a: Any, settings: Any) -> None:
    settings.DEBUG = False  # nginx serves the logos in production
    library_a.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    assert Client().get(f"/media/{library_a.logo.name}").status_code == 404


def test_only_the_logo_folder_is_public() -> None:
    from lentera.accounts.models import Library

    assert Library._meta.get_field("logo").upload_to in PUBLIC_MEDIA_FOLDERS
    assert is_public_media("library-logos/a.png")
    for private in ("materials/2026/a.pdf", "submissions/2026/a.pdf", "instructors/a.png", "imports/2026/a.upload"):
        assert not is_public_media(private)
    assert not is_public_media("library-logos/../submissions/2026/a.pdf")
    assert not is_public_media("certificates/signatures/a.png")
