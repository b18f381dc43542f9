"""The feedback export keeps a formula typed into an anonymous comment as plain text."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lentera.evaluation import services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import Survey
from lentera.evaluation.selectors import survey_items
from lentera.evaluation.tests.factories import feedback_cohort

pytestmark = pytest.mark.django_db

PLANTED = '=HYPERLINK("http://x","y")'


def test_a_comment_that_looks_like_a_formula_stays_text(coordinator: Any) -> None:
    built = feedback_cohort(people=6, sessions=1, tag="rumus", library=coordinator.library)
    survey = Survey.objects.get(pk=built.rounds[0]["survey"])
    general, _per = survey_items(survey=survey)
    comment = next(item for item in general if item.is_text)
    rating = next(item for item in general if item.is_rating)
    # five comments: the anonymity floor shows an item's comments from five answers on
    comments = [PLANTED, "-1+1", "@SUM(1)", "Materi jelas", "Ruang agak panas", ""]
    for person, text in zip(built.participants, comments, strict=True):
        answers = [Cleaned(rating, rating=4)] + ([Cleaned(comment, text=text)] if text else [])
        services.response_submit(survey=survey, answers=answers, user=person)

    response = coordinator.client.get(reverse("evaluation:cohort_responses_xlsx", args=[built.cohort.pk]))

    book = load_workbook(BytesIO(response.content))
    found = {cell.value: cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert found[PLANTED].data_type == "s"
    assert found["-1+1"].data_type == "s" and found["@SUM(1)"].data_type == "s"
    assert not any(cell.data_type == "f" for cell in found.values())
