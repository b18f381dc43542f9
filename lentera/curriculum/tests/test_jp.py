"""JP = floor(minutes / 45), per session, against worked examples (DESIGN.md §3)."""

import pytest

from lentera.curriculum.jp import format_duration, jp_for_minutes, total_jp


@pytest.mark.parametrize(
    ("minutes", "jp"), [(0, 0), (44, 0), (45, 1), (89, 1), (90, 2), (120, 2), (135, 3), (180, 4), (450, 10)]
)
def test_jp_is_minutes_over_45_rounded_down(minutes: int, jp: int) -> None:
    assert jp_for_minutes(minutes) == jp


def test_each_session_is_rounded_on_its_own() -> None:
    # two 60-minute sessions are 1 + 1 JP, not floor(120 / 45) = 2 ... which happens to agree;
    # three 60-minute sessions are 3 JP, while 180 minutes in one block would be 4 JP.
    assert total_jp([60, 60, 60]) == 3
    assert jp_for_minutes(180) == 4


def test_format_duration() -> None:
    assert format_duration(135) == (2, 15, 3)


@pytest.mark.parametrize(("minutes", "jp_minutes"), [(-1, 45), (10, 0)])
def test_nonsense_is_refused(minutes: int, jp_minutes: int) -> None:
    with pytest.raises(ValueError):
        jp_for_minutes(minutes, jp_minutes=jp_minutes)
