"""Figures of the Kirkpatrick report that are plain arithmetic. Pure functions, no database.

DESIGN.md §5: Phillips ROI % = (benefits − costs) / costs × 100. L4 compares the months before
the cohort with the months after it: a before/after comparison, not proof of cause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean


def roi_percent(benefits: float, costs: float) -> float | None:
    """Phillips ROI in percent; None when there are no costs to divide by."""
    if costs <= 0:
        return None
    return (benefits - costs) / costs * 100


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def window(start: date, end: date, months: int = 6) -> tuple[list[date], list[date]]:
    """The ``months`` whole months before the cohort's first month and after its last month."""
    first, last = month_start(start), month_start(end)
    before = [add_months(first, -i) for i in range(months, 0, -1)]
    after = [add_months(last, i) for i in range(1, months + 1)]
    return before, after


@dataclass(frozen=True)
class BeforeAfter:
    before_mean: float | None
    after_mean: float | None
    change_percent: float | None  # (after − before) / before × 100
    months_before: int  # how many months had a figure
    months_after: int


def before_after(values: Mapping[date, float], before: Sequence[date], after: Sequence[date]) -> BeforeAfter:
    """Mean monthly value before and after, and the change; months without a figure are left out."""
    b = [values[m] for m in before if m in values]
    a = [values[m] for m in after if m in values]
    before_mean = fmean(b) if b else None
    after_mean = fmean(a) if a else None
    change = None
    if before_mean and after_mean is not None:
        change = (after_mean - before_mean) / before_mean * 100
    return BeforeAfter(before_mean, after_mean, change, len(b), len(a))
