"""Every kind of upload: size limit, type judged by content, a generated storage name, safe serving.

Materials (curriculum), hand-ins (assessment), instructor photos, the library logo, the certificate
signature and the import files. A file over the limit is refused with a message; a .pdf name on HTML
or a Windows program renamed .docx is refused; what is stored gets a generated name (the person's
name is only a label, and ``../../x`` never leaves the media folder); a stored file is served as an
attachment with nosniff and a sandboxing Content-Security-Policy, so that even a PDF with HTML
inside cannot run script in the site's origin.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from PIL import Image

from lentera.accounts.forms import LibrarySettingsForm
from lentera.assessment.models import Submission
from lentera.certificates.forms import CertificateSettingsForm
from lentera.certificates.services import settings_for
from lentera.curriculum.models import Material
from lentera.delivery.forms import InstructorForm
from lentera.delivery.models import RosterImport

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
GENERATED = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]+$")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def padded(head: bytes, size: int) -> bytes:
    return head + b"\x00" * (size - len(head))


def form_data(form: BaseForm) -> dict[str, Any]:
    """What the page's form posts back unchanged (its initial values), files left out."""
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        if name in form.files or bound.widget.needs_multipart_form:
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def refused(response: Any, field: str) -> list[str]:
    assert response.status_code in (200, 400), response.status_code
    form = next(f for key in ("form", "material_form") if (f := response.context.get(key)) is not None)
    errors = form.errors.get(field) or form.errors.get("__all__") or []
    assert errors, f"no error for {field}: {form.errors}"
    return list(errors)


def assert_indonesian(messages: list[str], *words: str) -> None:
    text = " ".join(messages).lower().replace("\xa0", " ")
    assert any(word in text for word in words), messages


def assert_stored_safely(name: str, folder: str) -> None:
    """Under its folder in MEDIA_ROOT, with a generated name: not the uploaded one, no way out of the folder."""
    path = Path(name)
    assert path.parts[0] == folder, name
    assert ".." not in path.parts, name
    assert GENERATED.match(path.name), f"stored under the uploaded name: {name}"
    stored = (Path(settings.MEDIA_ROOT) / name).resolve()
    assert stored.is_file() and Path(settings.MEDIA_ROOT).resolve() in stored.parents


def assert_served_safely(response: Any, content_type: str, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "html" not in response["Content-Type"] and "svg" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment"), response["Content-Disposition"]
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy, policy


# Materials and hand-ins: stored files, served back ------------------------------------------------


def add_material(coordinator: Any, objects: dict[str, Any], name: str, content: bytes) -> Any:
    url = reverse("curriculum:material_add", kwargs={"plan_pk": objects["plan"].pk})
    return coordinator.client.post(url, {"title": "Bahan", "file": SimpleUploadedFile(name, content)})


def hand_in(participant: Any, objects: dict[str, Any], name: str, content: bytes) -> Any:
    url = reverse("assessment:submission_submit", kwargs={"pk": objects["assignment"].pk})
    return participant.client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("modul.pdf", HTML),  # HTML with a .pdf name
        ("laporan.docx", EXE),  # a Windows program renamed .docx
        ("gambar.png", SVG),  # SVG with script, named as an image
        ("halaman.html", HTML),
        ("arsip.docx", b"PK\x03\x04" + b"\x00" * 50),  # a zip signature on nothing
    ],
)
def test_the_type_is_judged_by_content_not_by_name(
    name: str, content: bytes, coordinator: Any, participant: Any, objects: dict[str, Any]
) -> None:
    materials = Material.objects.count()
    messages = refused(add_material(coordinator, objects, name, content), "file")
    assert_indonesian(messages, "jenis berkas ini tidak diterima")
    assert Material.objects.count() == materials
    before = Submission.objects.get(pk=objects["submission"].pk).file.name
    messages = refused(hand_in(participant, objects, name, content), "file")
    assert_indonesian(messages, "jenis berkas ini tidak diterima")
    assert Submission.objects.get(pk=objects["submission"].pk).file.name == before


def test_a_file_over_the_limit_is_refused_with_the_limit_named(
    coordinator: Any, participant: Any, objects: dict[str, Any]
) -> None:
    big = padded(PDF, 20 * MB + 1)
    materials = Material.objects.count()
    assert_indonesian(refused(add_material(coordinator, objects, "besar.pdf", big), "file"), "20,0 mb", "20.0 mb")
    assert Material.objects.count() == materials
    assert_indonesian(refused(hand_in(participant, objects, "besar.pdf", big), "file"), "20,0 mb", "20.0 mb")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("../../x.pdf", PDF, "application/pdf"),
        ("..\\..\\tugas.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_stored_under_a_generated_name_and_served_as_an_attachment(
    name: str, content: bytes, kind: str, coordinator: Any, participant: Any, objects: dict[str, Any]
) -> None:
    label = re.split(r"[\\/]", name)[-1]
    assert add_material(coordinator, objects, name, content).status_code == 302
    material = Material.objects.latest("pk")
    assert_stored_safely(material.file.name, "materials")
    assert material.original_name in (label, name.replace("\\", "/").rsplit("/", 1)[-1])
    response = coordinator.client.get(reverse("curriculum:material_download", kwargs={"pk": material.pk}))
    assert_served_safely(response, kind, material.original_name)
    assert b"".join(response.streaming_content) == content

    assert hand_in(participant, objects, name, content).status_code == 302
    submission = Submission.objects.get(pk=objects["submission"].pk)
    assert_stored_safely(submission.file.name, "submissions")
    response = coordinator.client.get(reverse("assessment:submission_file", kwargs={"pk": submission.pk}))
    assert_served_safely(response, kind, submission.original_name)


def test_a_pdf_with_html_inside_cannot_run_in_the_sites_origin(
    coordinator: Any, participant: Any, objects: dict[str, Any]
) -> None:
    """A polyglot (a PDF signature, then HTML) passes as a PDF: it is only ever a sandboxed PDF download."""
    polyglot = b"%PDF-1.4\n" + HTML
    assert add_material(coordinator, objects, "trik.html", polyglot).status_code == 302
    material = Material.objects.latest("pk")
    assert material.file.name.endswith(".pdf")
    response = participant.client.get(reverse("curriculum:material_download", kwargs={"pk": material.pk}))
    # named by the type it was stored as: never an .html file on the person's disk
    assert_served_safely(response, "application/pdf", "trik.pdf")


# Images: instructor photo, library logo, certificate signature --------------------------------------


def post_photo(coordinator: Any, objects: dict[str, Any], name: str, content: bytes) -> Any:
    profile = objects["profile"]
    data = form_data(InstructorForm(instance=profile, library=profile.library))
    data["photo"] = SimpleUploadedFile(name, content)
    return coordinator.client.post(reverse("delivery:instructor_edit", kwargs={"pk": profile.pk}), data)


def post_logo(coordinator: Any, name: str, content: bytes) -> Any:
    data = form_data(LibrarySettingsForm(instance=coordinator.library))
    data["logo"] = SimpleUploadedFile(name, content)
    return coordinator.client.post(reverse("accounts:library_settings"), data)


def post_signature(coordinator: Any, name: str, content: bytes) -> Any:
    data = form_data(CertificateSettingsForm(instance=settings_for(coordinator.library)))
    data["signature"] = SimpleUploadedFile(name, content)
    return coordinator.client.post(reverse("certificates:settings"), data)


def stored_image(kind: str, coordinator: Any, objects: dict[str, Any]) -> str:
    if kind == "photo":
        objects["profile"].refresh_from_db()
        return objects["profile"].photo.name
    if kind == "logo":
        coordinator.library.refresh_from_db()
        return coordinator.library.logo.name
    return settings_for(coordinator.library).signature.name


IMAGES = {
    # kind: (how to post, field, folder, limit)
    "photo": (lambda c, o, n, b: post_photo(c, o, n, b), "photo", "instructors", 2 * MB),
    "logo": (lambda c, o, n, b: post_logo(c, n, b), "logo", "library-logos", 1 * MB),
    "signature": (lambda c, o, n, b: post_signature(c, n, b), "signature", "signatures", 1 * MB),
}


@pytest.mark.parametrize("kind", list(IMAGES))
def test_images_are_checked_by_content_and_size_and_stored_under_a_generated_name(
    kind: str, coordinator: Any, objects: dict[str, Any]
) -> None:
    post, field, folder, limit = IMAGES[kind]
    for name, content in (("foto.png", HTML), ("foto.png", SVG), ("foto.svg", SVG), ("foto.jpg", EXE)):
        messages = refused(post(coordinator, objects, name, content), field)
        assert_indonesian(messages, "berkas", "gambar")
        assert not stored_image(kind, coordinator, objects), (kind, name)
    too_big = padded(png(), limit + 1)
    messages = refused(post(coordinator, objects, "besar.png", too_big), field)
    assert_indonesian(messages, "mb")
    assert not stored_image(kind, coordinator, objects)

    response = post(coordinator, objects, "../../Budi Santoso.png", png())
    assert response.status_code == 302, response.context and response.context["form"].errors
    name = stored_image(kind, coordinator, objects)
    assert_stored_safely(name, name.split("/")[0])
    assert name.startswith(folder) or kind == "signature"


def test_uploaded_images_are_not_served_by_the_application_in_production(coordinator: Any) -> None:
    """Logos and photos are plain image files served by nginx (with nosniff); Django never serves /media/."""
    assert post_logo(coordinator, "logo.png", png()).status_code == 302
    coordinator.library.refresh_from_db()
    response = Client().get(coordinator.library.logo.url)
    assert response.status_code == 404


# Imports: the file is read, never served; a kept file gets a generated name ---------------------------


@pytest.mark.parametrize(
    ("url", "name", "content"),
    [
        ("assessment:question_import_upload", "soal.xlsx", EXE),
        ("impact:import_upload", "indikator.xlsx", HTML),
        ("impact:import_upload", "indikator.csv", SVG),
    ],
)
def test_imports_refuse_what_is_not_a_sheet(url: str, name: str, content: bytes, coordinator: Any) -> None:
    messages = refused(coordinator.client.post(reverse(url), {"file": SimpleUploadedFile(name, content)}), "file")
    assert_indonesian(messages, "berkas", "kolom")


def test_a_large_participant_list_is_kept_under_a_generated_name(coordinator: Any, objects: dict[str, Any]) -> None:
    rows = "".join(f"Peserta {n},p{n}@contoh.id\n" for n in range(6000))
    data = ("Nama,Email\n" + rows).encode()
    assert len(data) > 100 * 1024  # checked in the background: the file is kept until then
    url = reverse("delivery:roster_import_upload", kwargs={"pk": objects["cohort"].pk})
    response = coordinator.client.post(url, {"file": SimpleUploadedFile("../../peserta.csv", data)})
    assert response.status_code == 302
    kept = RosterImport.objects.latest("pk")
    assert kept.status == RosterImport.Status.CHECKING
    assert_stored_safely(kept.upload.name, "imports")
    exe = coordinator.client.post(url, {"file": SimpleUploadedFile("peserta.xlsx", EXE)})
    assert_indonesian(refused(exe, "file"), "bukan berkas .xlsx")
