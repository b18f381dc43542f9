"""The assessment calculations against hand-computed examples (DESIGN.md §5)."""

import pytest

from lentera.assessment.gain import Band, band, class_gain, normalised_gain
from lentera.assessment.item_analysis import analyse
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


class TestItemAnalysis:
    def test_difficulty_discrimination_and_flags_on_a_known_set(self) -> None:
        takers = "abcdefghij"  # a is the strongest; 27 % of 10 takers: groups of 3
        right = {
            "q1": set(takers),  # everyone: too easy, no discrimination
            "q2": set("abc"),  # only the upper group: p 0.3, D 1
            "q3": set("hij"),  # only the lower group: p 0.3, D -1
            "q4": set("abcdefg"),  # p 0.7, D 1
            "q5": set(),  # nobody: too hard
        }
        responses = {t: {q: t in who for q, who in right.items()} for t in takers}
        figures = {f.item: f for f in analyse(responses)}
        assert [(q, f.difficulty, f.discrimination) for q, f in sorted(figures.items())] == [
            ("q1", 1.0, 0.0),
            ("q2", 0.3, 1.0),
            ("q3", 0.3, -1.0),
            ("q4", 0.7, 1.0),
            ("q5", 0.0, 0.0),
        ]
        assert figures["q1"].flags == ["too_easy", "weak_discrimination"]
        assert figures["q2"].flags == []
        assert figures["q3"].flags == ["negative_discrimination"]
        assert figures["q5"].flags == ["too_hard", "weak_discrimination"]

    def test_a_discrimination_of_exactly_0_2_is_not_weak_despite_float_rounding(self) -> None:
        # 19 takers: groups of 5. The item is right for 3 of the upper 5 and 2 of the lower 5:
        # D = 0.6 - 0.4, which floating point computes as 0.19999999999999996.
        responses: dict[str, dict[str, bool]] = {}
        for rank in range(19):
            taker = f"t{rank:02d}"
            responses[taker] = {f"anchor{k}": k < (19 - rank) * 3 for k in range(57)}  # a clear ranking
            responses[taker]["item"] = rank in (0, 1, 2, 17, 18)
        figures = {f.item: f for f in analyse(responses)}
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
