"""Likert statistics, the anonymity floor and the Kirkpatrick arithmetic, against hand-worked examples."""

from __future__ import annotations

from datetime import date

import pytest

from lentera.evaluation.kirkpatrick import before_after, roi_percent, window
from lentera.evaluation.likert import above_floor, item_stats, pooled, response_rate, stats_of

# Ten ratings of one item: 1, 2, 3, 3, 4, 4, 4, 4, 5, 5 and two "not applicable".
# n = 10; mean = 35 / 10 = 3.5; squared deviations 6.25 + 2.25 + 0.25·2 + 0.25·4 + 2.25·2 = 14.5;
# SD = √(14.5 / 9) = 1.2693; top-2-box = 6/10 = 60 %; bottom-2-box = 2/10 = 20 %.
RATINGS = [1, 2, 3, 3, 4, 4, 4, 4, 5, 5, None, None]


def test_the_figures_of_one_item() -> None:
    stats = stats_of(RATINGS)
    assert stats.n == 10 and stats.not_applicable == 2
    assert stats.distribution == {1: 1, 2: 1, 3: 2, 4: 4, 5: 2}
    assert stats.mean == pytest.approx(3.5)
    assert stats.sd == pytest.approx(1.2693, abs=1e-4)
    assert stats.top2 == pytest.approx(60.0) and stats.bottom2 == pytest.approx(20.0)
    assert stats.shares()[4] == pytest.approx(40.0)


def test_counts_give_the_same_figures_as_answers() -> None:
    assert item_stats({1: 1, 2: 1, 3: 2, 4: 4, 5: 2}, not_applicable=2) == stats_of(RATINGS)


def test_one_rating_has_no_sd_and_none_has_no_figures() -> None:
    one = stats_of([4])
    assert (one.n, one.mean, one.sd, one.top2) == (1, 4.0, None, 100.0)
    empty = stats_of([None])
    assert (empty.n, empty.mean, empty.top2, empty.not_applicable) == (0, None, None, 1)


def test_a_rating_off_the_scale_is_refused() -> None:
    with pytest.raises(ValueError):
        item_stats({6: 1})


def test_a_dimension_pools_its_items() -> None:
    # item A: 5, 5, 4; item B: 2, 1, 3 → six ratings, mean 20/6 = 3.333, top-2 3/6 = 50 %, bottom-2 2/6 = 33.3 %
    dimension = pooled([stats_of([5, 5, 4]), stats_of([2, 1, 3, None])])
    assert dimension.n == 6 and dimension.not_applicable == 1
    assert dimension.mean == pytest.approx(3.3333, abs=1e-4)
    assert dimension.top2 == pytest.approx(50.0) and dimension.bottom2 == pytest.approx(33.333, abs=1e-3)


def test_response_rate_and_the_floor() -> None:
    assert response_rate(14, 20) == pytest.approx(70.0)
    assert response_rate(0, 0) is None
    assert above_floor(5, 5) and not above_floor(4, 5)


def test_phillips_roi() -> None:
    # benefits Rp15.000.000, costs Rp10.000.000 → (15 − 10) / 10 × 100 = 50 %
    assert roi_percent(15_000_000, 10_000_000) == pytest.approx(50.0)
    assert roi_percent(8_000_000, 10_000_000) == pytest.approx(-20.0)
    assert roi_percent(1, 0) is None


def test_six_months_before_and_after_a_cohort() -> None:
    before, after = window(date(2025, 8, 4), date(2025, 8, 22))
    assert before[0] == date(2025, 2, 1) and before[-1] == date(2025, 7, 1)
    assert after[0] == date(2025, 9, 1) and after[-1] == date(2026, 2, 1)
    values = {m: 1000.0 for m in before} | {m: 1200.0 for m in after[:3]}  # three months after not yet known
    result = before_after(values, before, after)
    assert result.before_mean == pytest.approx(1000.0) and result.after_mean == pytest.approx(1200.0)
    assert result.change_percent == pytest.approx(20.0)
    assert (result.months_before, result.months_after) == (6, 3)
