"""Certificate numbers from a library's pattern. Pure functions, no database.

A pattern is text with placeholders: ``{library}`` (the library's code), ``{year}`` (the
year of issue) and ``{seq}`` (the running number of the library in that year), which may
be zero-padded as ``{seq:04}``. The default gives numbers such as ``PKP/2025/0007``.
"""

from __future__ import annotations

import re
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_PATTERN = "{library}/{year}/{seq:04}"
PLACEHOLDERS = ("library", "year", "seq")
MAX_LENGTH = 60
_SEQ_SPEC = re.compile(r"^(0[1-9]d?|d?)$")  # "", "d", "04", "04d"
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,29}$")


def validate_pattern(pattern: str, field: str = "number_pattern") -> None:
    """Raise a ValidationError on ``field`` unless ``pattern`` makes sensible numbers."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise ValidationError(
            {field: _("The pattern has an unmatched brace. Write placeholders as {library}, {year} and {seq}.")}
        ) from error
    has_seq = False
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or conversion:
            raise ValidationError(
                {field: _("“{%(name)s}” is not a placeholder. Use only {library}, {year} and {seq}.") % {"name": name}}
            )
        if name == "seq":
            has_seq = True
            if not _SEQ_SPEC.match(spec or ""):
                raise ValidationError({field: _("Write the running number as {seq} or padded with zeros as {seq:04}.")})
        elif spec:
            raise ValidationError({field: _("Only {seq} can be formatted, as in {seq:04}.")})
    if not has_seq:
        raise ValidationError({field: _("The pattern must contain the running number {seq}, for example {seq:04}.")})
    longest = render_number(pattern, library_code="X" * 30, year=2099, seq=999_999)
    if len(longest) > MAX_LENGTH:
        raise ValidationError({field: _("The pattern makes numbers that are too long (at most 60 characters).")})
    if "?" in pattern or "#" in pattern:
        raise ValidationError({field: _("A number cannot contain “?” or “#”.")})


def render_number(pattern: str, *, library_code: str, year: int, seq: int) -> str:
    """The number for ``seq`` in ``year``; the pattern is assumed valid."""
    return pattern.format(library=library_code, year=year, seq=seq).strip()


def default_code(slug: str) -> str:
    """A library's code when none is set: its slug in capitals."""
    return slug.upper()
