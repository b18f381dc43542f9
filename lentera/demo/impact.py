"""The demo's library indicators: Perpustakaan Kota Pasuruan's monthly figures since January 2025.

Realistic shapes, not real data: fewer visits in the Ramadan/Lebaran month and the school holidays
(June–July, December), and a modest rise (5–12 %) in the months after the 2025 cohort (August 2025),
so the results (L4) report has a before and an after. Fixed random seed; months already kept stay.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.utils import timezone

from lentera.impact import services
from lentera.impact.indicators import add_months
from lentera.impact.models import MonthlyIndicator
from lentera.lib.tenancy import scoped

FIRST_MONTH = date(2025, 1, 1)
COHORT_MONTH = date(2025, 8, 1)  # Angkatan 2025 trained in August 2025
# Visits relative to an ordinary month: Ramadan and Lebaran, the school holidays.
SEASON = {1: 1.0, 2: 1.0, 3: 0.95, 4: 0.97, 5: 1.01, 6: 0.95, 7: 0.94, 8: 1.0, 9: 1.01, 10: 1.02, 11: 1.01, 12: 0.94}
SEASON_2026 = {2: 0.97, 3: 0.94, 4: 1.0}  # Ramadan from mid-February, Lebaran on 20 March 2026
HOLIDAY_MONTHS = {6, 7, 12}  # more children's events in the school holidays


def _rise(month: date) -> float:
    """The uplift after the training: 3 % in the first month after it, 6 % from the third on."""
    if month <= COHORT_MONTH:
        return 1.0
    after = (month.year - COHORT_MONTH.year) * 12 + month.month - COHORT_MONTH.month
    return {1: 1.03, 2: 1.05}.get(after, 1.06)


def figures(month: date, rng: random.Random) -> dict[str, int | None]:
    season = SEASON_2026.get(month.month, SEASON[month.month]) if month.year == 2026 else SEASON[month.month]
    rise = _rise(month)

    def noisy(value: float, spread: float = 0.02) -> float:
        return value * rng.uniform(1 - spread, 1 + spread)

    visits = round(noisy(3850 * season * rise))
    loans = round(noisy(visits * 0.52, 0.015))
    events = max(4, min(10, round(noisy(6.5 if month.month in HOLIDAY_MONTHS else 5.5, 0.2) * (rise**2))))
    attendance = max(150, min(400, round(events * noisy(36, 0.1))))
    return {
        "visits": min(visits, 4500),
        "loans": max(1500, min(loans, 2500)),
        "new_members": max(80, min(150, round(noisy(108 * (1.25 if month.month in (1, 8) else 1.0) * rise, 0.08)))),
        "events": events,
        "event_attendance": attendance,
        # Not recorded before February 2025: an unknown figure stays empty, never zero.
        "reference_questions": None if month == FIRST_MONTH else round(noisy(150 * season * rise**1.3, 0.06)),
    }


def seed_impact(report: Any, library: Any, coordinator: Any) -> None:
    """Monthly figures from January 2025 to the current month. Idempotent: months already kept stay."""
    rng = random.Random(2025)  # fixed: the demo is the same every time
    kept = set(scoped(MonthlyIndicator, library).values_list("month", flat=True))
    current = timezone.localdate().replace(day=1)
    month = FIRST_MONTH
    while month <= current:
        values = figures(month, rng)  # drawn for every month, so a later month's figures never shift
        if month not in kept:
            services.indicator_update(actor=coordinator, library=library, month=month, values=values)
            report.add("indicator months")
        month = add_months(month, 1)
