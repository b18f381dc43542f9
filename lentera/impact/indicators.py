"""The monthly library indicators as figures: their labels, and reading a month or a count as typed.

Pure: no database. A count is a whole number of zero or more; Indonesian thousands separators
("3.120") and spaces are accepted, a fraction or a negative number is refused with a reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import dateformat
from django.utils.translation import gettext as _

MAX_COUNT = 100_000_000  # far above any library's month; stops a typing slip (or an Excel serial) early
FIRST_YEAR = 2000
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug already allowed for)

# Month names a spreadsheet may hold, Indonesian and English, full and short.
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
NAMED_MONTH = re.compile(r"^([a-z]+)\.?[ \-/]+(\d{4})$")
THOUSANDS = re.compile(r"^\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})*$")


def field_labels() -> dict[str, str]:
    """Each indicator's name as the pages show it, in order."""
    return {
        "visits": _("Visits"),
        "loans": _("Loans"),
        "new_members": _("New members"),
        "events": _("Events"),
        "event_attendance": _("Event attendance"),
        "reference_questions": _("Reference questions"),
    }


def first_of_month(value: date) -> date:
    return value.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_label(month: date) -> str:
    """ "Maret 2025" in the active language."""
    return dateformat.format(month, "F Y")


def parse_count(text: str) -> int | None:
    """A typed count as a whole number, or None when the cell is empty (not known).

    Raises ValueError with the reason, in the person's language.
    """
    value = (text or "").strip()
    if not value or value in {"-", "–", "—"}:
        return None
    if value.startswith("-") or value.startswith("−"):
        raise ValueError(_("A count cannot be negative."))
    if THOUSANDS.match(value):
        value = re.sub(r"[., \u00a0]", "", value)
    elif re.fullmatch(r"\d+[.,]0+", value):
        value = re.split(r"[.,]", value)[0]  # "3120.0": a whole number that Excel stored as a fraction
    if not value.isdigit() or not value.isascii():
        if re.fullmatch(r"\d*[.,]\d+", value):
            raise ValueError(_("A count is a whole number; “%(value)s” is not.") % {"value": text.strip()})
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text.strip()})
    number = int(value)
    if number > MAX_COUNT:
        raise ValueError(_("%(value)s is too large for one month.") % {"value": text.strip()})
    return number


def parse_month(text: str, *, today: date) -> date:
    """The month a cell names: 2025-03, 2025-03-01, an Excel date or serial number, 03/2025, Maret 2025.

    Raises ValueError with the reason, in the person's language.
    """
    value = (text or "").strip().lower()
    month: date | None = None
    try:
        if match := ISO_MONTH.match(value):
            month = date(int(match[1]), int(match[2]), 1)
        elif match := MONTH_YEAR.match(value):
            month = date(int(match[2]), int(match[1]), 1)
        elif match := DAY_MONTH_YEAR.match(value):
            month = date(int(match[3]), int(match[2]), 1)
        elif (match := NAMED_MONTH.match(value)) and match[1] in MONTH_NAMES:
            month = date(int(match[2]), MONTH_NAMES[match[1]], 1)
        elif value.isdigit() and 30_000 <= int(value) <= 80_000:  # an Excel date serial (1982-2119)
            month = first_of_month(EXCEL_EPOCH + timedelta(days=int(value)))
    except ValueError:  # month 13, day 32
        month = None
    if not value:
        raise ValueError(_("The month is empty."))
    if month is None:
        raise ValueError(_("“%(value)s” is not a month. Write it as YYYY-MM, for example 2025-03.") % {"value": text})
    if month.year < FIRST_YEAR:
        raise ValueError(_("%(month)s is too long ago.") % {"month": month_label(month)})
    if month > first_of_month(today):
        raise ValueError(_("%(month)s is still to come.") % {"month": month_label(month)})
    return month
