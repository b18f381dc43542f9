"""A handed-in file is downloaded under the type it was stored as, whatever the participant named it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.assessment import assignment_services as services
from lentera.assessment.tests.factories import make_assignment
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_an_html_name_on_a_pdf_downloads_as_pdf(participant: Any, instructor: Any) -> None:
    cohort = CohortFactory(programme__library=participant.library)
    EnrolmentFactory(cohort=cohort, user=participant.user)
    assignment = make_assignment(cohort, instructors=[instructor.user], title="Klasifikasi")
    upload = SimpleUploadedFile("traversal.html", b"%PDF-1.4\n%%EOF\n", content_type="text/html")
    submission = services.submission_save(actor=participant.user, assignment=assignment, upload=upload)

    response = instructor.client.get(reverse("assessment:submission_file", args=[submission.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="traversal.pdf"'
    assert response["Content-Type"] == "application/pdf"
