"""A material is downloaded under the type it was stored as, whatever the uploader named it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.curriculum.models import Material
from lentera.curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SessionPlanFactory

pytestmark = pytest.mark.django_db


def test_an_html_name_on_a_pdf_downloads_as_pdf(coordinator: Any, participant: Any) -> None:
    plan = SessionPlanFactory(module=ModuleFactory(programme=ProgrammeFactory(library=coordinator.library)))
    upload = SimpleUploadedFile("../traversal.html", b"%PDF-1.4\n%%EOF\n", content_type="text/html")
    coordinator.client.post(reverse("curriculum:material_add", args=[plan.pk]), {"title": "Modul", "file": upload})
    material = Material.objects.get()

    response = participant.client.get(reverse("curriculum:material_download", args=[material.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="traversal.pdf"'
    assert response["Content-Type"] == "application/pdf"
