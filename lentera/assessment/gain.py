"""Normalised learning gain (Hake): did a class learn, given how much it already knew?

g = (post% − pre%) / (100 − pre%), computed from the class averages; bands: low < 0.3 ≤ medium
< 0.7 ≤ high. Undefined when pre = 100 (such participants are excluded and named). Also the mean
of the individual gains, labelled as such, and n. Pure functions, no database (DESIGN.md §5).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import fmean
from typing import Any


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


LOW_BELOW = 0.3
HIGH_FROM = 0.7


def normalised_gain(pre: float, post: float) -> float | None:
    """g for one pair of percentages; None when pre is 100 (nothing left to gain)."""
    if not 0 <= pre <= 100 or not 0 <= post <= 100:
        raise ValueError("percentages are between 0 and 100")
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def band(g: float) -> Band:
    if g < LOW_BELOW:
        return Band.LOW
    if g < HIGH_FROM:
        return Band.MEDIUM
    return Band.HIGH


@dataclass(frozen=True)
class ClassGain:
    n: int  # participants with both a pre and a post score, pre below 100
    pre_mean: float | None
    post_mean: float | None
    g: float | None  # from the class averages (Hake's ⟨g⟩)
    g_band: Band | None
    mean_individual_g: float | None  # the mean of each participant's own g
    excluded_full_pre: list[Hashable] = field(default_factory=list)  # pre = 100: g undefined
    excluded_missing: list[Hashable] = field(default_factory=list)  # no post (or no pre)


def class_gain(pre: Mapping[Any, float], post: Mapping[Any, float]) -> ClassGain:
    """⟨g⟩ of a class from each participant's pre and post percentages."""
    missing = sorted({k for k in set(pre) ^ set(post)}, key=str)
    both = [k for k in pre if k in post]
    full = sorted((k for k in both if pre[k] >= 100), key=str)
    counted = [k for k in both if pre[k] < 100]
    if not counted:
        return ClassGain(0, None, None, None, None, None, full, missing)
    pre_mean = fmean(pre[k] for k in counted)
    post_mean = fmean(post[k] for k in counted)
    g = normalised_gain(pre_mean, post_mean)
    individual = [normalised_gain(pre[k], post[k]) for k in counted]
    return ClassGain(
        n=len(counted),
        pre_mean=pre_mean,
        post_mean=post_mean,
        g=g,
        g_band=band(g) if g is not None else None,
        mean_individual_g=fmean(x for x in individual if x is not None),
        excluded_full_pre=full,
        excluded_missing=missing,
    )
