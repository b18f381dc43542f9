"""One-time sign-in codes and WhatsApp links: pure functions, no database.

A code is written in Crockford's base-32 alphabet (digits and capitals without I, L, O, U, so
nothing reads as something else) and is made of a public *selector*, which finds the stored row,
and a secret *verifier*, of which only a keyed hash is stored. A printed code has 12 characters
(5 + 7, shown as ``ABCD-EFGH-JKMN``): 32**7 ≈ 3.4 × 10**10 verifiers for each selector, and a
selector stops working after a few wrong verifiers, so guessing is hopeless. A link carries a
longer verifier (27 characters, 135 bits).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SELECTOR_LENGTH = 5
SHEET_VERIFIER_LENGTH = 7
LINK_VERIFIER_LENGTH = 27
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def random_part(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_code(verifier_length: int) -> tuple[str, str]:
    """A fresh (selector, verifier) pair."""
    return random_part(SELECTOR_LENGTH), random_part(verifier_length)


def normalise(typed: str) -> str:
    """The code as stored from what a person typed: capitals, no separators, O/I/L read as 0/1.

    Returns "" when the text cannot be a code (a character outside the alphabet, or too short)."""
    code = _SEPARATORS.sub("", typed or "").upper().translate(_MISREAD)
    if len(code) < SELECTOR_LENGTH + SHEET_VERIFIER_LENGTH or len(code) > 64:
        return ""
    if any(ch not in ALPHABET for ch in code):
        return ""
    return code


def split(code: str) -> tuple[str, str]:
    return code[:SELECTOR_LENGTH], code[SELECTOR_LENGTH:]


def verifier_hash(verifier: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY): a copy of the database alone does not reveal codes."""
    return salted_hmac("lentera.accounts.signin-code", verifier, algorithm="sha256").hexdigest()


def display(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN``: groups of four, easy to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def whatsapp_number(phone: str) -> str:
    """An Indonesian phone number as WhatsApp wants it: digits only, country code 62 first.

    ``0812 3456 7890``, ``+62 812-3456-7890``, ``62812…`` and ``812…`` all give ``6281234567890``;
    a number with another country code (``+61…``) keeps it. "" when it is too short to be a number.
    """
    raw = (phone or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        pass
    elif digits.startswith("0"):
        digits = "62" + digits.lstrip("0")
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if 9 <= len(digits) <= 15 else ""


def whatsapp_url(phone: str, text: str) -> str:
    """A wa.me link that opens a chat with ``phone`` and the message filled in ("" without a number)."""
    number = whatsapp_number(phone)
    if not number:
        return ""
    return f"https://wa.me/{number}?text={quote(text, safe='')}"
