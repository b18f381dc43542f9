"""Reads of impact: scoped by library, one query each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lentera.impact import selectors
from lentera.impact.models import INDICATOR_FIELDS
from lentera.impact.tests.factories import MonthlyIndicatorFactory

pytestmark = pytest.mark.django_db


def test_indicators_for_months(coordinator: Any, coordinator_b: Any, django_assert_num_queries: Any) -> None:
    library = coordinator.library
    MonthlyIndicatorFactory(library=library, month=date(2025, 1, 1), visits=3000, reference_questions=None)
    MonthlyIndicatorFactory(library=library, month=date(2025, 2, 1), visits=3100)
    MonthlyIndicatorFactory(library=library, month=date(2025, 3, 1), visits=9999)  # not asked for
    MonthlyIndicatorFactory(library=coordinator_b.library, month=date(2025, 1, 1), visits=1)  # another library
    with django_assert_num_queries(1):
        result = selectors.indicators_for_months(
            library=library, months=[date(2025, 1, 1), date(2025, 2, 1), date(2024, 12, 1)]
        )
    assert list(result) == list(INDICATOR_FIELDS)
    assert result["visits"] == {date(2025, 1, 1): 3000, date(2025, 2, 1): 3100}
    assert result["reference_questions"] == {date(2025, 2, 1): 150}  # unknown is absent, never zero


def test_indicators_for_no_months(coordinator: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert selectors.indicators_for_months(library=coordinator.library, months=[]) == {
            name: {} for name in INDICATOR_FIELDS
        }


def test_indicator_fields_are_translated() -> None:
    with translation.override("en"):
        assert selectors.indicator_fields() == {
            "visits": "Visits",
            "loans": "Loans",
            "new_members": "New members",
            "events": "Events",
            "event_attendance": "Event attendance",
            "reference_questions": "Reference questions",
        }


def test_indicator_year_and_series(coordinator: Any, django_assert_num_queries: Any) -> None:
    MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 2, 1), visits=3100)
    with django_assert_num_queries(1):
        year = selectors.indicator_year(library=coordinator.library, year=2025, today=date(2025, 6, 10))
    assert [m.month.month for m in year] == list(range(1, 13))
    assert year[1].values["visits"] == 3100 and year[0].values["visits"] is None
    assert [m.editable for m in year].count(True) == 6
    series = selectors.indicator_series(library=coordinator.library, last=date(2025, 3, 31), count=3)
    assert series["months"] == ["2025-01", "2025-02", "2025-03"]
    assert series["series"]["visits"] == [None, 3100, None]
