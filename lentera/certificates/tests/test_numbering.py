"""Certificate number patterns: what is accepted, what is refused and why, and the numbers made."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lentera.certificates.numbering import DEFAULT_PATTERN, default_code, render_number, validate_pattern


def test_the_default_pattern() -> None:
    validate_pattern(DEFAULT_PATTERN)
    assert render_number(DEFAULT_PATTERN, library_code="PKP", year=2025, seq=7) == "PKP/2025/0007"
    assert render_number(DEFAULT_PATTERN, library_code="PKP", year=2025, seq=12345) == "PKP/2025/12345"
    assert default_code("kota-pasuruan") == "KOTA-PASURUAN"


@pytest.mark.parametrize(
    ("pattern", "number"),
    [
        ("{seq}/{library}/{year}", "7/PKP/2025"),
        ("800/{seq:03d}/423.105/{year}", "800/007/423.105/2025"),
        ("STTPP-{year}-{seq:05}", "STTPP-2025-00007"),
        ("{{{seq}}}", "{7}"),
    ],
)
def test_other_patterns(pattern: str, number: str) -> None:
    validate_pattern(pattern)
    assert render_number(pattern, library_code="PKP", year=2025, seq=7) == number


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{library}/{year}", "must contain the running number"),
        ("{library}/{tahun}/{seq}", "is not a placeholder"),
        ("{library}/{year}/{seq!r}", "is not a placeholder"),
        ("{library}/{year}/{seq:4}", "padded with zeros"),
        ("{library}/{year}/{seq:x}", "padded with zeros"),
        ("{library:>10}/{seq}", "Only {seq} can be formatted"),
        ("{library}/{year}/{seq", "unmatched brace"),
        ("{library}/{year}/{seq}/" + "x" * 40, "too long"),
        ("{library}?{seq}", "cannot contain"),
        ("{}/{seq}", "is not a placeholder"),
    ],
)
def test_bad_patterns_are_refused_with_a_clear_message(pattern: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern)
    assert message in " ".join(error.value.message_dict["number_pattern"])
