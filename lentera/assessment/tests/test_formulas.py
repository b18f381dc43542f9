"""The assessment calculations against hand-computed examples (DESIGN.md §5)."""

import math

import pytest

from lentera.assessment.gain import Band, band, class_gain, normalised_gain
from lentera.assessment.item_analysis import analyse, group_weights
from lentera.assessment.scoring import Kind, is_correct, normalise_text, percent


class TestNormalisedGain:
    @pytest.mark.parametrize(
        ("pre", "post", "g", "expected_band"),
        [
            (40, 70, 0.5, Band.MEDIUM),  # 30 / 60
            (20, 80, 0.75, Band.HIGH),  # 60 / 80
            (50, 55, 0.1, Band.LOW),  # 5 / 50
            (60, 50, -0.25, Band.LOW),  # a negative gain: -10 / 40
            (0, 30, 0.3, Band.MEDIUM),  # the lower boundary belongs to medium
            (0, 70, 0.7, Band.HIGH),  # the upper boundary belongs to high
        ],
    )
    def test_worked_examples(self, pre: float, post: float, g: float, expected_band: Band) -> None:
        value = normalised_gain(pre, post)
        assert value == pytest.approx(g)
        assert band(value) is expected_band

    def test_undefined_when_the_pre_test_is_full_marks(self) -> None:
        assert normalised_gain(100, 90) is None

    def test_percentages_outside_0_100_are_refused(self) -> None:
        with pytest.raises(ValueError):
            normalised_gain(-1, 50)


class TestClassGain:
    def test_class_average_gain_differs_from_the_mean_of_individual_gains(self) -> None:
        # A: 0 -> 50 (g 0.5); B: 50 -> 100 (g 1.0); class means 25 -> 75: <g> = 50 / 75
        # C scored 100 before (excluded, named); D has no post-test (excluded, named).
        result = class_gain(pre={"A": 0, "B": 50, "C": 100, "D": 40}, post={"A": 50, "B": 100, "C": 90})
        assert result.n == 2
        assert (result.pre_mean, result.post_mean) == (25, 75)
        assert result.g == pytest.approx(2 / 3)
        assert result.g_band is Band.MEDIUM
        assert result.mean_individual_g == pytest.approx(0.75)
        assert result.excluded_full_pre == ["C"]
        assert result.excluded_missing == ["D"]

    def test_nobody_countable(self) -> None:
        result = class_gain(pre={"A": 100}, post={"A": 100})
        assert (result.n, result.g, result.g_band, result.excluded_full_pre) == (0, None, None, ["A"])

    def test_a_class_that_got_worse(self) -> None:
        result = class_gain(pre={"A": 60, "B": 40}, post={"A": 50, "B": 30})
        assert result.g == pytest.approx((40 - 50) / (100 - 50))
        assert result.g_band is Band.LOW


def _with_totals(totals: dict[str, int], items: dict[str, set[str]]) -> dict[str, dict[str, bool]]:
    """Responses where each taker's total is exactly ``totals[taker]``: the named items, then
    anchor items (a0, a1, …) answered right to make up the rest."""
    width = max(totals.values())
    responses = {}
    for taker, total in totals.items():
        answers = {item: taker in who for item, who in items.items()}
        pad = total - sum(answers.values())
        assert pad >= 0, taker
        answers.update({f"a{k}": k < pad for k in range(width)})
        responses[taker] = answers
    return responses


# Ten takers; groups hold 27 % of 10 = 2.7 people. t2, t3, t4 tie at the upper boundary,
# t7 and t8 at the lower one. x and y are mirror images: right for the same people but one of
# the tied three (x: t2, y: t3).
TIED_TOTALS = {"t0": 9, "t1": 8, "t2": 6, "t3": 6, "t4": 6, "t5": 5, "t6": 4, "t7": 2, "t8": 2, "t9": 1}
TIED_ITEMS = {"x": {"t0", "t1", "t2"}, "y": {"t0", "t1", "t3"}, "z": {"t4", "t8", "t9"}}


class TestItemAnalysis:
    def test_difficulty_discrimination_and_flags_on_a_known_set(self) -> None:
        """Ten takers: groups of 2.7. Totals: a, b, c 3 (q1, q2, q4); d to g 2 (q1, q4); h, i, j 2 (q1, q3).

        Upper group: a, b, c share ranks 1-3, of which 2.7 are in the group: each weighs 0.9.
        Lower group: the seven takers with 2 share ranks 4-10, of which the last 2.7 are in
        the group: each weighs 2.7 / 7.
        q2 (a, b, c): p(upper) 2.7 / 2.7 = 1, p(lower) 0: D = 1.
        q3 (h, i, j): p(upper) 0, p(lower) 3 × (2.7 / 7) / 2.7 = 3/7: D = -0.428571.
        q4 (a to g): p(upper) 1, p(lower) 4/7: D = 0.428571.
        """
        takers = "abcdefghij"
        right = {
            "q1": set(takers),  # everyone: too easy, no discrimination
            "q2": set("abc"),  # only the top three: p 0.3
            "q3": set("hij"),  # three of the seven tied at the bottom: p 0.3
            "q4": set("abcdefg"),  # p 0.7
            "q5": set(),  # nobody: too hard
        }
        responses = {t: {q: t in who for q, who in right.items()} for t in takers}
        figures = {f.item: f for f in analyse(responses)}
        assert [(q, f.difficulty, f.discrimination) for q, f in sorted(figures.items())] == [
            ("q1", 1.0, 0.0),
            ("q2", 0.3, 1.0),
            ("q3", 0.3, -0.428571),
            ("q4", 0.7, 0.428571),
            ("q5", 0.0, 0.0),
        ]
        assert figures["q1"].flags == ["too_easy", "weak_discrimination"]
        assert figures["q2"].flags == []
        assert figures["q3"].flags == ["negative_discrimination"]
        assert figures["q5"].flags == ["too_hard", "weak_discrimination"]

    def test_ties_at_the_boundary_share_the_group_worked_by_hand(self) -> None:
        """TIED_TOTALS: the upper group is t0 and t1 (weight 1 each) and 0.7 of the block t2, t3, t4
        (ranks 3-5): each weighs 0.7 / 3. The lower group is t9 (weight 1) and 1.7 of the block
        t7, t8 (ranks 8-9, the group starts at 10 − 2.7 = 7.3): each weighs 0.85.
        x: p(upper) = (1 + 1 + 0.7/3) / 2.7 = 6.7 / 8.1 = 0.827160…, p(lower) = 0: D = 0.82716.
        y: the same, t3 weighs what t2 weighs: D = 0.82716 (the old rule, groups of 3 cut by name,
        gave x 1.000 and y 0.667).
        z: p(upper) = (0.7/3) / 2.7 = 0.086420, p(lower) = (0.85 + 1) / 2.7 = 0.685185: D = -0.598765.
        """
        figures = {f.item: f for f in analyse(_with_totals(TIED_TOTALS, TIED_ITEMS))}
        assert figures["x"].discrimination == 0.82716
        assert figures["y"].discrimination == 0.82716
        assert figures["z"].discrimination == -0.598765
        assert (figures["x"].difficulty, figures["z"].difficulty) == (0.3, 0.3)

    def test_mirror_image_items_get_equal_discrimination(self) -> None:
        # mirrored at both boundaries: u is right for t2 and t7, v for t3 and t8 (totals still tied)
        items = {"u": {"t0", "t2", "t7"}, "v": {"t0", "t3", "t8"}, "w": {"t5", "t7", "t8"}}
        figures = {f.item: f for f in analyse(_with_totals(TIED_TOTALS, items))}
        assert figures["u"].discrimination == figures["v"].discrimination
        assert figures["u"].discrimination is not None

    def test_the_order_and_names_of_the_takers_never_change_any_d(self) -> None:
        import random

        responses = _with_totals(TIED_TOTALS, TIED_ITEMS)
        expected = {f.item: f.discrimination for f in analyse(responses)}
        rng = random.Random(11)  # noqa: S311 - a repeatable shuffle, not a secret
        names = list(responses)
        for _ in range(200):
            order = names[:]
            rng.shuffle(order)
            relabel = names[:]
            rng.shuffle(relabel)  # swap who is called what: ties are broken by nothing
            shuffled = {relabel[i]: responses[taker] for i, taker in enumerate(order)}
            assert {f.item: f.discrimination for f in analyse(shuffled)} == expected

    def test_each_group_holds_exactly_its_share(self) -> None:
        weights = group_weights(TIED_TOTALS)
        assert math.fsum(weights.values()) == pytest.approx(2.7)
        assert weights["t2"] == weights["t3"] == weights["t4"] == pytest.approx(0.7 / 3)
        assert (weights["t0"], weights["t5"], weights["t9"]) == (1.0, 0.0, 0.0)
        # everyone tied: everyone weighs 0.27, so upper and lower are the same people and D is 0
        assert list(group_weights(dict.fromkeys("abcdefghij", 3)).values()) == [pytest.approx(0.27)] * 10

    def test_a_discrimination_of_exactly_0_2_is_not_weak_despite_float_rounding(self) -> None:
        """100 takers: groups of exactly 27. Ranks 25-29 tie (5 people, 2 of the group's places
        left: each weighs 0.4). The item is right for 17 of ranks 0-24, one of the tied five and 12 of
        the bottom 27: D = (17.4 − 12) / 27 = 0.2, which floating point computes as 0.19999999999999996.
        """
        totals = {f"t{rank:02d}": 200 - 2 * rank for rank in range(100)}
        totals.update({f"t{rank:02d}": 150 for rank in range(25, 30)})
        right = {f"t{rank:02d}" for rank in [*range(17), 27, *range(88, 100)]}
        figures = {f.item: f for f in analyse(_with_totals(totals, {"item": right}))}
        assert figures["item"].discrimination == 0.2
        assert "weak_discrimination" not in figures["item"].flags

    def test_too_few_takers_give_no_discrimination(self) -> None:
        [figure] = analyse({"a": {"q": True}, "b": {"q": False}})
        assert (figure.difficulty, figure.discrimination, figure.n) == (0.5, None, 2)


class TestScoring:
    def test_single_choice_and_true_false(self) -> None:
        assert is_correct(Kind.SINGLE, chosen=["b"], correct=["b"])
        assert not is_correct(Kind.SINGLE, chosen=["a"], correct=["b"])
        assert not is_correct(Kind.SINGLE, chosen=["a", "b"], correct=["b"])
        assert is_correct("true_false", chosen=["true"], correct=["true"])
        assert not is_correct("true_false", chosen=[], correct=["true"])

    def test_multiple_choice_is_all_or_nothing(self) -> None:
        assert is_correct(Kind.MULTIPLE, chosen=["a", "c"], correct=["c", "a"])
        assert not is_correct(Kind.MULTIPLE, chosen=["a"], correct=["a", "c"])
        assert not is_correct(Kind.MULTIPLE, chosen=["a", "b", "c"], correct=["a", "c"])

    def test_short_answer_ignores_case_spacing_and_punctuation(self) -> None:
        accepted = ["Dewey Decimal Classification", "DDC"]
        assert is_correct(Kind.SHORT, text="  dewey   decimal classification. ", accepted=accepted)
        assert is_correct(Kind.SHORT, text="ddc", accepted=accepted)
        assert not is_correct(Kind.SHORT, text="UDC", accepted=accepted)
        assert not is_correct(Kind.SHORT, text="", accepted=accepted)
        assert not is_correct(Kind.SHORT, text="ddc", accepted=[])
        assert normalise_text("Ｄｅｗｅｙ") == "dewey"  # full-width letters typed on a phone

    def test_percent(self) -> None:
        assert percent(21, 30) == pytest.approx(70.0)
        assert percent(0, 0) == 0.0
