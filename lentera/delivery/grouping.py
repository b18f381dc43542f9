"""Forming balanced discussion groups. Pure functions, no database.

People are ordered by work unit, then functional level, and dealt out like cards in a snake
order (1, 2, 3, 3, 2, 1, ...), so each group gets a mix of units and levels and group sizes
differ by at most one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    key: int
    unit: str
    level: str


def balanced_groups(people: Sequence[Person], group_count: int, *, seed: int = 0) -> list[list[int]]:
    if group_count < 1:
        raise ValueError("at least one group")
    group_count = min(group_count, max(1, len(people)))
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - fairness within equal keys, not security
    ordered = sorted(shuffled, key=lambda p: (p.unit.lower(), p.level.lower()))
    groups: list[list[int]] = [[] for _ in range(group_count)]
    for index, person in enumerate(ordered):
        lap, position = divmod(index, group_count)
        target = position if lap % 2 == 0 else group_count - 1 - position
        groups[target].append(person.key)
    return groups


def group_count_for(size: int, people: int) -> int:
    """How many groups of about ``size`` people (at least one)."""
    if size < 1:
        raise ValueError("a group has at least one person")
    return max(1, round(people / size))
