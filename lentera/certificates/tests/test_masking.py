"""The holder's name on the public check, masked to initials; a typed name that matches (no database)."""

from __future__ import annotations

import pytest

from lentera.certificates.masking import mask_name, names_match


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Dewi Kartikasari, A.Md.", "D*** K**********, A.Md."),
        ("Dewi Kartikasar, A.Md.", "D*** K*********, A.Md."),  # the example
        ("Dewi Kartikasari", "D*** K**********"),
        ("  Ni   Luh Putu  Ayu ", "N* L** P*** A**"),
        ("Drs. H. Ahmad Fauzi, M.Si.", "Drs. H. A**** F****, M.Si."),
        ("Siti Nur'aini, S.Sos., M.Hum.", "S*** N*******, S.Sos., M.Hum."),
        ("Ayu", "A**"),
        ("Ngurah Rai Ārya", "N***** R** Ā***"),
        ("", ""),
    ],
)
def test_each_word_keeps_its_first_letter_and_degrees_stay_readable(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_no_word_of_the_name_survives_the_mask() -> None:
    masked = mask_name("Dewi Kartikasari, A.Md.")
    assert "Dewi" not in masked and "Kartikasari" not in masked and "ewi" not in masked


@pytest.mark.parametrize(
    "typed",
    [
        "Dewi Kartikasari, A.Md.",
        "dewi kartikasari, a.md.",
        "  DEWI   Kartikasari ",
        "Dewi Kartikasari",
        "dewi kartikasari ,A.Md.",
    ],
)
def test_the_holders_name_typed_in_any_case_and_spacing_matches(typed: str) -> None:
    assert names_match(typed, "Dewi Kartikasari, A.Md.")


@pytest.mark.parametrize(
    "typed", ["", "   ", "Dewi", "Dewi K", "Dewi Kartikasari, S.Pd.", "D*** K**********", "Kartikasari"]
)
def test_anything_else_does_not(typed: str) -> None:
    assert not names_match(typed, "Dewi Kartikasari, A.Md.")
