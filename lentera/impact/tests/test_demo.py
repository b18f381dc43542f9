"""The demo's monthly figures: realistic ranges, a modest rise after the 2025 cohort, idempotent."""

from __future__ import annotations

from datetime import date
from statistics import mean
from typing import Any

import pytest

from lentera.demo.impact import seed_impact
from lentera.demo.seed import SeedReport
from lentera.impact.models import MonthlyIndicator

pytestmark = pytest.mark.django_db


def test_seed_impact(coordinator: Any) -> None:
    report = SeedReport()
    seed_impact(report, coordinator.library, coordinator.user)
    months = {m.month: m for m in MonthlyIndicator.objects.filter(library=coordinator.library)}
    assert min(months) == date(2025, 1, 1) and report.created["indicator months"] == len(months) >= 12
    for m in months.values():
        assert 3000 <= m.visits <= 4500 and 1500 <= m.loans <= 2500 and 80 <= m.new_members <= 150
        assert 4 <= m.events <= 10 and 150 <= m.event_attendance <= 400
        assert m.reference_questions is None or 100 <= m.reference_questions <= 250

    def average(field: str, *firsts: date) -> float:
        return mean(getattr(months[d], field) for d in firsts)

    before = [date(2025, n, 1) for n in (5, 6, 7)]
    after = [date(2025, n, 1) for n in (9, 10, 11)]
    if all(d in months for d in after):  # three months before the cohort against three after it
        for field in ("visits", "loans"):
            assert 1.05 <= average(field, *after) / average(field, *before) <= 1.12, field

    again = SeedReport()
    seed_impact(again, coordinator.library, coordinator.user)
    assert again.created == {} and MonthlyIndicator.objects.filter(library=coordinator.library).count() == len(months)
