"""Completion rule combinations (attendance, post-test, assignments; running or finished cohort)."""

import pytest

from lentera.assessment.completion import Status, evaluate


@pytest.mark.parametrize(
    ("attendance", "post", "assignments", "finished", "status", "reasons"),
    [
        (80, 70, None, True, Status.COMPLETED, []),  # exactly the minimums
        (100, 95, True, False, Status.COMPLETED, []),  # completed even before the end
        (79.9, 90, None, True, Status.NOT_COMPLETED, ["low_attendance"]),
        (90, 69.9, None, True, Status.NOT_COMPLETED, ["low_post_test"]),
        (90, None, None, True, Status.NOT_COMPLETED, ["no_post_test"]),
        (90, 90, False, True, Status.NOT_COMPLETED, ["assignments"]),
        (50, None, False, True, Status.NOT_COMPLETED, ["low_attendance", "no_post_test", "assignments"]),
        (60, None, None, False, Status.IN_PROGRESS, ["low_attendance", "no_post_test"]),
        (None, None, None, False, Status.IN_PROGRESS, ["low_attendance", "no_post_test"]),
    ],
)
def test_rule_combinations(attendance, post, assignments, finished, status, reasons) -> None:
    outcome = evaluate(
        attendance_percent=attendance,
        post_score=post,
        min_attendance=80,
        min_post=70,
        assignments_passed=assignments,
        finished=finished,
    )
    assert (outcome.status, outcome.reasons) == (status, reasons)
