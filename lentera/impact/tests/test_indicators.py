"""Reading a typed month or count (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from lentera.impact.indicators import add_months, parse_count, parse_month

TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("  ", None),
        ("-", None),
        ("0", 0),
        ("3120", 3120),
        ("3.120", 3120),
        ("3,120", 3120),
        ("1.234.567", 1234567),
        ("3 120", 3120),
        ("3120.0", 3120),
        (" 42 ", 42),
    ],
)
def test_counts(typed: str, expected: int | None) -> None:
    assert parse_count(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("-5", "cannot be negative"),
        ("3.5", "whole number"),
        ("12,75", "whole number"),
        ("abc", "is not a number"),
        ("1e5", "is not a number"),
        ("999999999", "too large"),
        ("٣", "is not a number"),
    ],
)
def test_refused_counts(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_count(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-03", date(2025, 3, 1)),
        ("2025-3", date(2025, 3, 1)),
        ("2025-03-01", date(2025, 3, 1)),
        ("2025-03-17 00:00:00", date(2025, 3, 1)),
        ("03/2025", date(2025, 3, 1)),
        ("17/03/2025", date(2025, 3, 1)),
        ("Maret 2025", date(2025, 3, 1)),
        ("Agt 2025", date(2025, 8, 1)),
        ("March 2025", date(2025, 3, 1)),
        ("45717", date(2025, 3, 1)),
        ("2026-03", date(2026, 3, 1)),
    ],
)
def test_months(typed: str, expected: date) -> None:
    assert parse_month(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("2025-13", "is not a month"),
        ("Maretan 2025", "is not a month"),
        ("kemarin", "is not a month"),
        ("2026-04", "still to come"),
        ("1999-12", "too long ago"),
    ],
)
def test_refused_months(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_month(typed, today=TODAY)


def test_add_months() -> None:
    assert add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)
    assert add_months(date(2025, 1, 1), -1) == date(2024, 12, 1)
