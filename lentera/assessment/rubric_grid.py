"""The rubric editor's form: a grid of levels (columns) and criteria (rows) read from POST data.

Pure: no database. Field names: ``level-<i>-label``, ``level-<i>-points``, ``criterion-<j>-name``,
``criterion-<j>-d<i>`` (the descriptor of criterion j at level i); ``levels`` and ``criteria``
say how many rows the form had. Every problem names the row or column it is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_LEVELS = 6
MAX_CRITERIA = 20


@dataclass
class Grid:
    levels: list[tuple[str, str]] = field(default_factory=list)  # label, points as typed
    criteria: list[tuple[str, list[str]]] = field(default_factory=list)  # name, descriptors per level
    errors: list[str] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)  # names of the fields with a problem
    focus: str = ""  # the field to put the cursor in (the row just added)

    def cleaned(self) -> tuple[list[tuple[str, int]], list[tuple[str, list[str]]]]:
        return [(label, int(points)) for label, points in self.levels], self.criteria

    def level_rows(self) -> list[dict[str, object]]:
        """The levels as the editor shows them, with each field's name and state."""
        rows = []
        for i, (label, points) in enumerate(self.levels):
            names = {"label": f"level-{i}-label", "points": f"level-{i}-points"}
            rows.append(
                {
                    "index": i,
                    "label": label,
                    "points": points,
                    "names": names,
                    "bad": {key for key, name in names.items() if name in self.bad},
                    "focus": self.focus == names["label"],
                }
            )
        return rows

    def criterion_rows(self) -> list[dict[str, object]]:
        labels = [label for label, _points in self.levels]
        rows = []
        for j, (name, texts) in enumerate(self.criteria):
            rows.append(
                {
                    "index": j,
                    "name": name,
                    "field": f"criterion-{j}-name",
                    "bad": f"criterion-{j}-name" in self.bad,
                    "focus": self.focus == f"criterion-{j}-name",
                    "cells": [
                        (f"criterion-{j}-d{i}", labels[i] if i < len(labels) else "", text)
                        for i, text in enumerate(texts)
                    ],
                }
            )
        return rows


def _count(data: Mapping[str, str], key: str, default: int, limit: int) -> int:
    try:
        return max(0, min(limit, int(data.get(key, default))))
    except (TypeError, ValueError):
        return default


def default_grid() -> Grid:
    """A new rubric starts with four levels and three empty criteria."""
    levels = [(_("Very good"), "4"), (_("Good"), "3"), (_("Fair"), "2"), (_("Needs work"), "1")]
    return Grid(levels=levels, criteria=[("", ["", "", "", ""]) for _n in range(3)])


def read_grid(data: Mapping[str, str]) -> Grid:
    """What the person typed, as a grid, with blank rows dropped; ``add``/``remove`` change its shape."""
    level_count = _count(data, "levels", 0, MAX_LEVELS)
    criterion_count = _count(data, "criteria", 0, MAX_CRITERIA)
    levels = [
        (data.get(f"level-{i}-label", "").strip(), data.get(f"level-{i}-points", "").strip())
        for i in range(level_count)
    ]
    criteria = [
        (
            data.get(f"criterion-{j}-name", "").strip(),
            [data.get(f"criterion-{j}-d{i}", "").strip() for i in range(level_count)],
        )
        for j in range(criterion_count)
    ]
    removal = data.get("remove", "")
    if removal.startswith("level-") and removal[6:].isdigit() and int(removal[6:]) < len(levels):
        index = int(removal[6:])
        levels.pop(index)
        criteria = [(name, [d for i, d in enumerate(texts) if i != index]) for name, texts in criteria]
    if removal.startswith("criterion-") and removal[10:].isdigit() and int(removal[10:]) < len(criteria):
        criteria.pop(int(removal[10:]))
    focus = ""
    if data.get("add") == "level" and len(levels) < MAX_LEVELS:
        levels.append(("", ""))
        criteria = [(name, [*texts, ""]) for name, texts in criteria]
        focus = f"level-{len(levels) - 1}-label"
    if data.get("add") == "criterion" and len(criteria) < MAX_CRITERIA:
        criteria.append(("", [""] * len(levels)))
        focus = f"criterion-{len(criteria) - 1}-name"
    return Grid(levels=levels, criteria=criteria, focus=focus)


def check_grid(grid: Grid) -> Grid:
    """The grid with its blank criteria dropped and ``errors`` filled (empty when it can be saved)."""
    errors: list[str] = []
    bad: set[str] = set()
    for number, (label, points) in enumerate(grid.levels, start=1):
        if not label:
            errors.append(_("Level %(n)s: give it a name.") % {"n": number})
            bad.add(f"level-{number - 1}-label")
        if not points.isdigit() or int(points) > 100:
            errors.append(_("Level %(n)s: points must be a whole number from 0 to 100.") % {"n": number})
            bad.add(f"level-{number - 1}-points")
    if len(grid.levels) < 2:
        errors.append(_("A rubric needs at least two levels."))
    labels = [label.casefold() for label, _points in grid.levels if label]
    if len(set(labels)) != len(labels):
        errors.append(_("Two levels have the same name."))
    if grid.levels and all(p.isdigit() for _label, p in grid.levels) and max(int(p) for _l, p in grid.levels) == 0:
        errors.append(_("At least one level must be worth more than 0 points."))
    kept = []
    for number, (name, texts) in enumerate(grid.criteria, start=1):
        if not name and not any(texts):
            continue
        if not name:
            errors.append(_("Criterion %(n)s: give it a name.") % {"n": number})
            bad.add(f"criterion-{number - 1}-name")
        kept.append((name, texts))
    if not kept:
        errors.append(_("A rubric needs at least one criterion."))
    return Grid(levels=grid.levels, criteria=kept, errors=errors, bad=bad)
