"""The question bank export keeps a formula typed into a question or an option as plain text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lentera.assessment.models import Choice, Question

pytestmark = pytest.mark.django_db

PLANTED = '=HYPERLINK("http://x","y")'


def test_question_and_option_texts_stay_text(coordinator: Any) -> None:
    question = Question.objects.create(library=coordinator.library, kind="single", text=PLANTED)
    Choice.objects.create(question=question, order=0, text="-2+3", is_correct=True)
    Choice.objects.create(question=question, order=1, text="@SUM(1)")

    response = coordinator.client.get(reverse("assessment:question_export"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    found = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    for text in (PLANTED, "-2+3", "@SUM(1)"):
        assert found[text].data_type == "s"
    assert not any(cell.data_type == "f" for cell in found.values())
