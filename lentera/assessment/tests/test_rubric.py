"""Rubric arithmetic and the rubric editor's grid, against hand-worked examples (no database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from lentera.assessment.rubric import all_passed, average_percent, criterion_means, sheet_percent
from lentera.assessment.rubric_grid import check_grid, read_grid


@pytest.fixture(autouse=True)
def english() -> Any:
    """The messages are asserted as written in the code (the Indonesian ones are checked by the .po tests)."""
    with translation.override("en"):
        yield


def test_a_sheet_scores_points_over_the_top_points() -> None:
    # five criteria, top level 4: 4+3+3+2+4 = 16 of 20 = 80 %
    picked = {1: 4, 2: 3, 3: 3, 4: 2, 5: 4}
    assert sheet_percent(picked, criteria=[1, 2, 3, 4, 5], top_points=4) == pytest.approx(80.0)


def test_an_incomplete_sheet_has_no_score() -> None:
    assert sheet_percent({1: 4}, criteria=[1, 2], top_points=4) is None
    assert sheet_percent({}, criteria=[], top_points=4) is None


def test_several_observers_are_averaged_sheet_by_sheet() -> None:
    # observer A 80 %, observer B 60 %, observer C has not finished: the mean of the complete ones
    assert average_percent([80.0, 60.0, None]) == pytest.approx(70.0)
    assert average_percent([None]) is None


def test_criterion_means_across_sheets() -> None:
    means = criterion_means([{1: 4, 2: 2}, {1: 3, 2: 2}, {1: 2}])
    assert means == {1: pytest.approx(3.0), 2: pytest.approx(2.0)}


@pytest.mark.parametrize(
    ("percents", "expected"),
    [
        ({10: 75.0, 11: 70.0}, True),  # both at or over their pass marks
        ({10: 75.0, 11: 69.9}, False),  # one under
        ({10: 75.0}, False),  # one not judged yet
        ({10: 75.0, 11: None}, False),  # handed in but not graded
    ],
)
def test_all_required_assignments_must_pass(percents: dict[int, float | None], expected: bool) -> None:
    assert all_passed(percents, pass_marks={10: 70, 11: 70}) is expected


def test_no_required_assignment_means_no_verdict() -> None:
    assert all_passed({}, pass_marks={}) is None


def _post(**extra: str) -> dict[str, str]:
    data = {
        "levels": "2",
        "criteria": "2",
        "level-0-label": "Baik",
        "level-0-points": "2",
        "level-1-label": "Kurang",
        "level-1-points": "1",
        "criterion-0-name": "Salam",
        "criterion-0-d0": "Ramah",
        "criterion-0-d1": "Datar",
        "criterion-1-name": "",
        "criterion-1-d0": "",
        "criterion-1-d1": "",
    }
    data.update(extra)
    return data


def test_the_grid_reads_levels_criteria_and_drops_blank_rows() -> None:
    grid = check_grid(read_grid(_post()))
    assert grid.errors == []
    assert grid.cleaned() == ([("Baik", 2), ("Kurang", 1)], [("Salam", ["Ramah", "Datar"])])


def test_adding_and_removing_rows_keeps_the_descriptors_aligned() -> None:
    grid = read_grid(_post(add="level"))
    assert len(grid.levels) == 3 and grid.criteria[0][1] == ["Ramah", "Datar", ""]
    grid = read_grid(_post(remove="level-0"))
    assert grid.levels == [("Kurang", "1")] and grid.criteria[0][1] == ["Datar"]
    grid = read_grid(_post(remove="criterion-0"))
    assert [name for name, _texts in grid.criteria] == [""]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"level-1-points": "satu"}, "Level 2: points must be a whole number from 0 to 100."),
        ({"level-0-label": ""}, "Level 1: give it a name."),
        ({"level-1-label": "baik"}, "Two levels have the same name."),
        ({"levels": "1"}, "A rubric needs at least two levels."),
        ({"level-0-points": "0", "level-1-points": "0"}, "At least one level must be worth more than 0 points."),
        ({"criterion-0-name": "", "criterion-0-d0": "Ramah"}, "Criterion 1: give it a name."),
        (
            {"criterion-0-name": "", "criterion-0-d0": "", "criterion-0-d1": ""},
            "A rubric needs at least one criterion.",
        ),
    ],
)
def test_problems_name_their_row_or_column(extra: dict[str, str], message: str) -> None:
    assert message in check_grid(read_grid(_post(**extra))).errors


def test_the_fields_with_a_problem_are_named_and_a_new_row_gets_the_cursor() -> None:
    assert check_grid(read_grid(_post(**{"level-1-points": "x", "level-0-label": ""}))).bad == {
        "level-1-points",
        "level-0-label",
    }
    assert read_grid(_post(add="criterion")).focus == "criterion-2-name"
    assert read_grid(_post(add="level")).focus == "level-2-label"
