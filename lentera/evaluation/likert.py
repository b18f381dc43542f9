"""Statistics of rating items (Likert 1–5) and the anonymity floor. Pure functions, no database.

DESIGN.md §5: n, mean, SD, full distribution, top-2-box % (4–5 of 5), bottom-2-box %, response
rate = responses / eligible. "Not applicable" answers are not ratings: they are counted apart
and left out of n. Below the anonymity floor an item's figures are hidden from instructors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import sqrt

SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ItemStats:
    n: int
    not_applicable: int
    distribution: dict[int, int]  # rating -> count, every point of the scale present
    mean: float | None
    sd: float | None  # sample standard deviation (n − 1); None below two ratings
    top2: float | None  # % of ratings that are 4 or 5
    bottom2: float | None  # % of ratings that are 1 or 2

    def shares(self) -> dict[int, float]:
        """Each rating's share of n in percent (for the diverging bar)."""
        return {r: (100 * c / self.n if self.n else 0.0) for r, c in self.distribution.items()}


def item_stats(counts: Mapping[int, int], *, not_applicable: int = 0) -> ItemStats:
    """Figures of one item from its counts per rating (ratings outside 1–5 are refused)."""
    if any(r not in SCALE for r in counts):
        raise ValueError("ratings are 1 to 5")
    distribution = {r: int(counts.get(r, 0)) for r in SCALE}
    n = sum(distribution.values())
    if n == 0:
        return ItemStats(0, not_applicable, distribution, None, None, None, None)
    mean = sum(r * c for r, c in distribution.items()) / n
    sd = sqrt(sum(c * (r - mean) ** 2 for r, c in distribution.items()) / (n - 1)) if n > 1 else None
    top2 = 100 * (distribution[4] + distribution[5]) / n
    bottom2 = 100 * (distribution[1] + distribution[2]) / n
    return ItemStats(n, not_applicable, distribution, mean, sd, top2, bottom2)


def stats_of(ratings: Iterable[int | None]) -> ItemStats:
    """Figures from individual answers; None is "not applicable"."""
    counts: dict[int, int] = {}
    na = 0
    for rating in ratings:
        if rating is None:
            na += 1
        else:
            counts[rating] = counts.get(rating, 0) + 1
    return item_stats(counts, not_applicable=na)


def pooled(items: Iterable[ItemStats]) -> ItemStats:
    """A dimension's figures: the ratings of all its items taken together."""
    counts = dict.fromkeys(SCALE, 0)
    na = 0
    for stats in items:
        na += stats.not_applicable
        for rating, count in stats.distribution.items():
            counts[rating] += count
    return item_stats(counts, not_applicable=na)


def response_rate(responses: int, eligible: int) -> float | None:
    """Responses / eligible participants in percent; None when nobody was eligible."""
    return 100 * responses / eligible if eligible else None


def above_floor(n: int, floor: int) -> bool:
    """Whether an item with ``n`` answers may be shown (to instructors) under the anonymity floor."""
    return n >= floor
