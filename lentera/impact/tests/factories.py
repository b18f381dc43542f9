from __future__ import annotations

import io
from datetime import date
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from lentera.accounts.tests.factories import LibraryFactory
from lentera.impact.models import MonthlyIndicator


class MonthlyIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyIndicator

    library = factory.SubFactory(LibraryFactory)
    month = date(2025, 1, 1)
    visits = 3500
    loans = 1800
    new_members = 100
    events = 6
    event_attendance = 220
    reference_questions = 150


def csv_upload(text: str, name: str = "indikator.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list[Any]], name: str = "indikator.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
