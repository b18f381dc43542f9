"""Scoring one answer to one question, for every question type. Pure functions, no database.

- single choice and true/false: right or wrong;
- multiple choice: all-or-nothing (the chosen set must equal the correct set);
- short answer: right when it equals one of the accepted answers, ignoring case, spacing and
  surrounding punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from enum import StrEnum


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SHORT = "short"


def normalise_text(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation, Unicode compatibility form."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?\"'()[]")


def is_correct(
    kind: Kind | str,
    *,
    chosen: Collection[str] = (),
    correct: Collection[str] = (),
    text: str = "",
    accepted: Iterable[str] = (),
) -> bool:
    kind = Kind(kind)
    if kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        return len(chosen) == 1 and set(chosen) <= set(correct) and len(correct) == 1
    if kind is Kind.MULTIPLE:
        return bool(correct) and set(chosen) == set(correct)
    answer = normalise_text(text)
    return bool(answer) and answer in {normalise_text(a) for a in accepted if normalise_text(a)}


def percent(correct: int, total: int) -> float:
    """A score as a percentage; a test without questions scores 0."""
    return 100.0 * correct / total if total else 0.0
