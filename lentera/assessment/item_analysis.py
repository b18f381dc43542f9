"""Item analysis of a test: which questions to review. Pure functions, no database.

- difficulty index p: the share of takers who answered the item correctly;
- discrimination index D: p in the upper 27 % of takers (by total score) minus p in the lower 27 %;
- flags: too easy (p > 0.9), too hard (p < 0.2), negative discrimination (D < 0), weak (0 ≤ D < 0.2).

Each group holds exactly 27 % of the n takers (2.7 people of 10, not rounded). People whose total
ties at a group's boundary share the part of the group left for them: each counts with the same
fractional weight, and p(upper), p(lower) are weighted shares. So D never depends on the order the
database returns the takers in, nor on their names: equal data give equal D (DESIGN.md §5).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import groupby

GROUP_SHARE = 0.27
MIN_TAKERS = 4  # below this the groups are too small to compare
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2
WEAK_BELOW = 0.2


@dataclass(frozen=True)
class ItemFigures:
    item: Hashable
    n: int
    difficulty: float
    discrimination: float | None  # None when the groups are too small to compare
    flags: list[str] = field(default_factory=list)


def group_weights(totals: Mapping[Hashable, float], share: float = GROUP_SHARE) -> dict[Hashable, float]:
    """Each taker's weight in the group of the ``share`` highest totals (0 to 1; they add up to share × n).

    Takers are ranked by total; a block of k tied takers spans ranks [start, start + k). Each member of
    the block weighs the block's overlap with [0, share × n) divided by k.
    """
    size = share * len(totals)
    per_total: dict[float, float] = {}
    start = 0
    for total, members in groupby(sorted(totals.values(), reverse=True)):
        count = len(list(members))
        per_total[total] = max(0.0, min(start + count, size) - start) / count
        start += count
    return {taker: per_total[total] for taker, total in totals.items()}


def analyse(responses: Mapping[Hashable, Mapping[Hashable, bool]]) -> list[ItemFigures]:
    """``responses[taker][item]`` is True when the taker answered the item correctly."""
    takers = list(responses)
    items = sorted({item for answers in responses.values() for item in answers}, key=str)
    totals = {t: sum(1 for ok in responses[t].values() if ok) for t in takers}
    comparable = len(takers) >= MIN_TAKERS
    size = GROUP_SHARE * len(takers)
    upper = group_weights(totals) if comparable else {}
    lower = group_weights({t: -total for t, total in totals.items()}) if comparable else {}
    result = []
    for item in items:
        answered = [t for t in takers if item in responses[t]]
        p = round(sum(1 for t in answered if responses[t][item]) / len(answered), 6) if answered else 0.0
        d = None
        if comparable:
            # fsum: the exactly rounded sum, whatever order the takers come in
            p_upper = math.fsum(upper[t] for t in takers if responses[t].get(item)) / size
            p_lower = math.fsum(lower[t] for t in takers if responses[t].get(item)) / size
            d = round(p_upper - p_lower, 6)  # 0.2 must read as 0.2, not 0.19999…, for the flags
        flags = []
        if p > TOO_EASY_ABOVE:
            flags.append("too_easy")
        if p < TOO_HARD_BELOW:
            flags.append("too_hard")
        if d is not None and d < 0:
            flags.append("negative_discrimination")
        elif d is not None and d < WEAK_BELOW:
            flags.append("weak_discrimination")
        result.append(ItemFigures(item=item, n=len(answered), difficulty=p, discrimination=d, flags=flags))
    return result
