"""The holder's name on the public check: masked for a visitor who has only the number.

A certificate number is short and sequential, so anyone can type thirty of them; the page then
shows whether each is valid, the programme, the JP and the date, but the holder's name only as
initials ("D*** K*********, A.Md."). The full name needs the QR code's secret token, or a visitor
who already knows it and types it (``names_match``). Pure functions, no database.
"""

from __future__ import annotations

import hmac
import re

MASK = "*"


def _mask_word(word: str) -> str:
    # Abbreviations and initials ("Drs.", "H.", "M.") carry no more than their first letter.
    if word.endswith("."):
        return word
    return word[:1] + MASK * (len(word) - 1)


def mask_name(name: str) -> str:
    """Each word of the name as its first letter and a star per other letter; the degrees and
    titles after the first comma stay readable: "Dewi Kartikasari, A.Md." -> "D*** K*********, A.Md."."""
    person, comma, degrees = " ".join(name.split()).partition(",")
    masked = " ".join(_mask_word(word) for word in person.split())
    return f"{masked},{degrees}" if comma else masked


def _normalised(name: str) -> str:
    return re.sub(r"\s*,\s*", ", ", " ".join(name.split())).strip(", ").casefold()


def names_match(typed: str, name: str) -> bool:
    """Whether a visitor typed the holder's name, ignoring case and spaces, with or without the
    degrees after the comma."""
    typed = _normalised(typed)
    if not typed:
        return False
    full = _normalised(name)
    person = _normalised(name.partition(",")[0])
    # compare_digest: the answer's timing does not tell how much of the name was right
    return any(hmac.compare_digest(typed.encode(), candidate.encode()) for candidate in (full, person))
