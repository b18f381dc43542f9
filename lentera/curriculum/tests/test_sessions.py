"""Session plans, materials (uploads checked by content) and the yearly programme copy."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.accounts.models import AuditEntry
from lentera.curriculum import services
from lentera.curriculum.models import Material, Method, Programme, SessionPlan
from lentera.curriculum.tests.factories import (
    CompetencyFactory,
    ModuleFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    SessionPlanFactory,
)
from lentera.lib.uploads import sniff

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def pdf(name: str = "modul.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


class TestSessionPlan:
    def test_create_with_method_minutes_and_competencies(self) -> None:
        module = ModuleFactory()
        unit = CompetencyFactory(library=module.library)
        plan = services.session_plan_create(
            actor=None,
            module=module,
            title="Klasifikasi DDC",
            method=Method.PRACTICE,
            planned_minutes=135,
            outcomes="- Menentukan nomor kelas\n\n• Menentukan tajuk subjek",
            competencies=[unit],
        )
        assert plan.outcome_list == ["Menentukan nomor kelas", "Menentukan tajuk subjek"]
        assert list(plan.competencies.all()) == [unit]
        assert AuditEntry.objects.filter(action="session_plan.create").count() == 1

    @pytest.mark.parametrize("minutes", [10, 601])
    def test_minutes_out_of_range_are_refused(self, minutes: int) -> None:
        with pytest.raises(ValidationError):
            services.session_plan_create(actor=None, module=ModuleFactory(), title="X", planned_minutes=minutes)
        assert not SessionPlan.objects.exists()

    def test_unknown_method_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.session_plan_create(actor=None, module=ModuleFactory(), title="X", method="nap")
        assert "method" in error.value.message_dict

    def test_competency_of_another_library_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            services.session_plan_create(
                actor=None, module=ModuleFactory(), title="X", competencies=[CompetencyFactory()]
            )

    def test_update_records_the_minutes(self) -> None:
        plan = SessionPlanFactory(planned_minutes=90)
        services.session_plan_update(actor=None, plan=plan, planned_minutes=135)
        assert AuditEntry.objects.get(action="session_plan.update").changes["planned_minutes"] == [90, 135]


class TestMaterials:
    def test_a_pdf_is_stored_under_a_generated_name(self) -> None:
        plan = SessionPlanFactory()
        material = services.material_add(actor=None, plan=plan, title="Modul", upload=pdf("../../etc/modul.pdf"))
        assert material.kind == Material.Kind.FILE
        assert material.original_name == "modul.pdf"
        assert material.content_type == "application/pdf"
        assert material.file.name.startswith("materials/") and "modul" not in material.file.name
        assert material.file.name.endswith(".pdf")

    def test_office_files_are_recognised_by_their_parts(self) -> None:
        plan = SessionPlanFactory()
        upload = SimpleUploadedFile("slides.pdf", pptx_bytes())  # the name lies; the content decides
        material = services.material_add(actor=None, plan=plan, title="Slide", upload=upload)
        assert material.file.name.endswith(".pptx")

    def test_html_pretending_to_be_a_pdf_is_refused(self) -> None:
        plan = SessionPlanFactory()
        upload = SimpleUploadedFile("modul.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
        with pytest.raises(ValidationError) as error:
            services.material_add(actor=None, plan=plan, title="X", upload=upload)
        assert "file" in error.value.message_dict
        assert not Material.objects.exists()

    def test_too_large_a_file_is_refused(self, settings: Any) -> None:
        plan = SessionPlanFactory()
        big = pdf(content=PDF_BYTES + b"0" * (services.MATERIAL_MAX_BYTES + 1))
        with pytest.raises(ValidationError) as error:
            services.material_add(actor=None, plan=plan, title="X", upload=big)
        assert "20" in str(error.value.message_dict["file"])

    def test_exactly_one_of_file_link_text(self) -> None:
        plan = SessionPlanFactory()
        with pytest.raises(ValidationError):
            services.material_add(actor=None, plan=plan, title="X", url="https://contoh.id", body="teks")
        with pytest.raises(ValidationError):
            services.material_add(actor=None, plan=plan, title="X")
        link = services.material_add(actor=None, plan=plan, title="iPusnas", url="https://ipusnas.id")
        assert link.kind == Material.Kind.LINK

    def test_remove_deletes_the_file_when_no_copy_uses_it(self, django_capture_on_commit_callbacks: Any) -> None:
        material = services.material_add(actor=None, plan=SessionPlanFactory(), title="Modul", upload=pdf())
        storage, name = material.file.storage, material.file.name
        with django_capture_on_commit_callbacks(execute=True):
            services.material_remove(actor=None, material=material)
        assert not storage.exists(name)
        assert AuditEntry.objects.filter(action="material.remove").exists()

    def test_sniff_rejects_a_broken_zip(self) -> None:
        assert sniff(io.BytesIO(b"PK\x03\x04not a zip at all")) is None


class TestMaterialViews:
    def test_coordinator_uploads_and_participant_downloads(self, coordinator: Any, participant: Any) -> None:
        plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
        response = coordinator.client.post(
            reverse("curriculum:material_add", args=[plan.pk]), {"title": "Modul DDC", "file": pdf("ddc.pdf")}
        )
        assert response.status_code == 302
        material = Material.objects.get()
        download = participant.client.get(reverse("curriculum:material_download", args=[material.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert download["Content-Disposition"].startswith('attachment; filename="ddc.pdf"')
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in download["Content-Security-Policy"]

    def test_bad_upload_is_explained_on_the_page(self, coordinator: Any) -> None:
        plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
        response = coordinator.client.post(
            reverse("curriculum:material_add", args=[plan.pk]),
            {"title": "Palsu", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
        )
        assert response.status_code == 400
        assert response.context["material_form"].errors["file"]
        assert not Material.objects.exists()


class TestProgrammeCopy:
    def test_copy_brings_everything_but_cohorts_as_a_draft(self) -> None:
        programme = ProgrammeFactory(year=2026, title="Pelatihan 2026", status=Programme.Status.ACTIVE)
        objective = ObjectiveFactory(programme=programme, code="a")
        unit = CompetencyFactory(library=programme.library)
        objective.competencies.set([unit])
        module = ModuleFactory(programme=programme)
        module.objectives.set([objective])
        plan = SessionPlanFactory(module=module, method=Method.CASE_STUDY, case_study="Kasus rak penuh")
        plan.competencies.set([unit])
        services.material_add(actor=None, plan=plan, title="Modul", upload=pdf())

        copy = services.programme_copy(actor=None, programme=programme, year=2027)

        assert (copy.title, copy.year, copy.status) == ("Pelatihan 2027", 2027, Programme.Status.DRAFT)
        new_objective = copy.objectives.get()
        assert list(new_objective.competencies.all()) == [unit]
        new_module = copy.modules.get()
        assert list(new_module.objectives.all()) == [new_objective]
        new_plan = new_module.sessions.get()
        assert (new_plan.case_study, list(new_plan.competencies.all())) == ("Kasus rak penuh", [unit])
        assert new_plan.materials.get().file.name == plan.materials.get().file.name
        assert AuditEntry.objects.filter(action="programme.copy").count() == 1

    def test_copy_into_a_year_that_already_has_it_is_refused(self) -> None:
        programme = ProgrammeFactory(year=2026, title="Pelatihan 2026")
        ProgrammeFactory(library=programme.library, year=2027, title="Pelatihan 2027")
        with pytest.raises(ValidationError):
            services.programme_copy(actor=None, programme=programme, year=2027)
        assert Programme.objects.count() == 2

    def test_copy_from_the_page(self, coordinator: Any) -> None:
        programme = ProgrammeFactory(library=coordinator.library, year=2026, title="Program 2026")
        response = coordinator.client.post(reverse("curriculum:programme_copy", args=[programme.pk]), {"year": 2027})
        copy = Programme.objects.get(year=2027)
        assert response["Location"] == reverse("curriculum:programme_detail", args=[copy.pk])
