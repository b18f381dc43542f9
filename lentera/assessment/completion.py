"""Whether a participant completed a cohort, and why not. Pure functions, no database.

Completed: attendance at least the cohort's minimum (default 80 %) of the sessions held, the
post-test at least its minimum (default 70 %), and every required assignment passed (when the
cohort has any). While the cohort is still running and a criterion can still be met, the
status is "in progress".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


@dataclass(frozen=True)
class Outcome:
    status: Status
    reasons: list[str] = field(default_factory=list)  # codes: low_attendance, low_post_test, no_post_test, assignments


def evaluate(
    *,
    attendance_percent: float | None,
    post_score: float | None,
    min_attendance: float,
    min_post: float,
    assignments_passed: bool | None = None,
    finished: bool,
) -> Outcome:
    reasons: list[str] = []
    if attendance_percent is None or attendance_percent < min_attendance:
        reasons.append("low_attendance")
    if post_score is None:
        reasons.append("no_post_test")
    elif post_score < min_post:
        reasons.append("low_post_test")
    if assignments_passed is False:
        reasons.append("assignments")
    if not reasons:
        return Outcome(Status.COMPLETED)
    return Outcome(Status.NOT_COMPLETED if finished else Status.IN_PROGRESS, reasons)
