"""Item analysis of a test: which questions to review. Pure functions, no database.

- difficulty index p: the share of takers who answered the item correctly;
- discrimination index D: p in the upper 27 % of takers (by total score) minus p in the lower 27 %;
- flags: too easy (p > 0.9), too hard (p < 0.2), negative discrimination (D < 0), weak (0 ≤ D < 0.2).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

GROUP_SHARE = 0.27
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


def analyse(responses: Mapping[Hashable, Mapping[Hashable, bool]]) -> list[ItemFigures]:
    """``responses[taker][item]`` is True when the taker answered the item correctly."""
    takers = list(responses)
    items = sorted({item for answers in responses.values() for item in answers}, key=str)
    totals = {t: sum(1 for ok in responses[t].values() if ok) for t in takers}
    ranked = sorted(takers, key=lambda t: (-totals[t], str(t)))
    size = math.floor(len(ranked) * GROUP_SHARE + 0.5) if len(ranked) >= 4 else 0
    upper, lower = ranked[:size], ranked[-size:] if size else []
    result = []
    for item in items:
        answered = [t for t in takers if item in responses[t]]
        p = round(sum(1 for t in answered if responses[t][item]) / len(answered), 6) if answered else 0.0
        d = None
        if size:
            p_upper = sum(1 for t in upper if responses[t].get(item)) / size
            p_lower = sum(1 for t in lower if responses[t].get(item)) / size
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
