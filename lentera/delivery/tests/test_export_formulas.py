"""Delivery's spreadsheets keep a formula someone typed as their name or work unit as plain text."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from lentera.accounts.models import Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery.models import Attendance
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
NAME = '=HYPERLINK("http://x","y")'
UNIT = "+1+cmd|' /C calc'!A0"


def cells(content: bytes) -> dict[Any, Cell]:
    book = load_workbook(io.BytesIO(content))
    return {cell.value: cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}


def assert_text(found: dict[Any, Cell], text: str) -> None:
    assert text in found, f"{text!r} is not in the sheet as typed"
    assert found[text].data_type == "s"


@pytest.fixture
def session(coordinator: Any) -> Any:
    cohort = CohortFactory(programme__library=coordinator.library)
    session = ScheduledSessionFactory(cohort=cohort, starts_at=START, ends_at=START + timedelta(minutes=90))
    user = UserFactory(full_name=NAME, work_unit=UNIT, nip="-1")
    MembershipFactory(user=user, library=coordinator.library, role=Role.PARTICIPANT)
    EnrolmentFactory(cohort=cohort, user=user)
    Attendance.objects.create(
        library=session.library, session=session, user=user, status=Attendance.Status.PRESENT, checked_in_at=START
    )
    return session


def test_the_attendance_sheet(coordinator: Any, session: Any) -> None:
    response = coordinator.client.get(reverse("delivery:attendance_sheet", args=[session.pk, "xlsx"]))
    found = cells(response.content)
    assert_text(found, NAME)
    assert_text(found, UNIT)
    assert_text(found, "-1")  # a NIP stays the text it was typed as


def test_the_jp_ledger(coordinator: Any, session: Any) -> None:
    response = coordinator.client.get(reverse("delivery:jp_ledger_export"), {"tahun": "2026"})
    found = cells(response.content)
    assert_text(found, NAME)
    assert_text(found, UNIT)
    assert found[2].data_type == "n"  # the JP stay a number Excel can add up


def test_the_roster_template_has_no_formula(coordinator: Any) -> None:
    response = coordinator.client.get(reverse("delivery:roster_template"))
    assert all(cell.data_type != "f" for cell in cells(response.content).values())
