"""Rubric arithmetic. Pure functions, no database.

A rubric has criteria (rows) and levels (columns, each worth some points). A sheet picks one
level per criterion; its score is the points picked over the points possible, in percent.
Several observers' sheets for the same participant are averaged (each sheet counts once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import fmean


def sheet_percent(picked: Mapping[int, int], *, criteria: Iterable[int], top_points: int) -> float | None:
    """Points picked / points possible × 100; None until every criterion has a level."""
    criteria = list(criteria)
    if not criteria or top_points <= 0 or any(c not in picked for c in criteria):
        return None
    return 100 * sum(picked[c] for c in criteria) / (top_points * len(criteria))


def average_percent(percents: Iterable[float | None]) -> float | None:
    """The mean of the complete sheets; None when no sheet is complete."""
    done = [p for p in percents if p is not None]
    return fmean(done) if done else None


def criterion_means(sheets: Iterable[Mapping[int, int]]) -> dict[int, float]:
    """Per criterion, the mean points across the sheets that scored it."""
    collected: dict[int, list[int]] = {}
    for picked in sheets:
        for criterion, points in picked.items():
            collected.setdefault(criterion, []).append(points)
    return {criterion: fmean(points) for criterion, points in collected.items()}


def all_passed(percents: Mapping[int, float | None], *, pass_marks: Mapping[int, int]) -> bool | None:
    """Whether every required assignment (id → pass mark) is passed; None when there is none.

    An assignment not yet judged (None) counts as not passed: while the cohort runs the
    completion status stays "in progress" anyway.
    """
    if not pass_marks:
        return None
    for assignment, mark in pass_marks.items():
        percent = percents.get(assignment)
        if percent is None or percent < mark:
            return False
    return True
