"""Monthly figures in a spreadsheet: the columns, and checking rows before anything is written.

One month per row. An export imports back unchanged (round trip). ``check_rows`` names the row
and column of every problem in the person's language, and compares each month with the figures
already kept (passed in), so the preview can say which months change, old → new.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lentera.impact.indicators import field_labels, month_label, parse_count, parse_month
from lentera.impact.models import INDICATOR_FIELDS
from lentera.lib import xlsx

MAX_ROWS = 1200  # a hundred years of months: the file is read at once, no background work needed
MAX_BYTES = 2 * 1024 * 1024

# canonical column -> accepted header spellings (lower case, spaces collapsed)
COLUMNS: dict[str, tuple[str, ...]] = {
    "month": ("bulan", "month", "periode", "bulan/tahun"),
    "visits": ("kunjungan", "jumlah kunjungan", "pengunjung", "visits"),
    "loans": ("peminjaman", "jumlah peminjaman", "pinjaman", "loans"),
    "new_members": ("anggota baru", "new members"),
    "events": ("kegiatan", "jumlah kegiatan", "events"),
    "event_attendance": ("peserta kegiatan", "event attendance"),
    "reference_questions": ("pertanyaan referensi", "layanan referensi", "reference questions"),
}
# The template's and the export's header row (always Indonesian: the sheet is the library's document).
HEADERS = ["Bulan", "Kunjungan", "Peminjaman", "Anggota baru", "Kegiatan", "Peserta kegiatan", "Pertanyaan referensi"]


def column_labels() -> dict[str, str]:
    return {"month": _("Month"), **field_labels()}


@dataclass
class SheetRow:
    line: int  # the row number as the spreadsheet shows it
    values: dict[str, str]
    month: str = ""  # ISO date of the month's first day, when it could be read
    data: dict[str, int] = field(default_factory=dict)  # the figures given (empty cells left out)
    changes: dict[str, list[int | None]] = field(default_factory=dict)  # field -> [kept, new]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    outcome: str = "new"  # new | change | same | error

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    present: list[str],
    kept: dict[date, dict[str, int | None]],
    today: date,
) -> list[SheetRow]:
    """Check every row against the figures ``kept`` per month (read by the caller in one query).

    An empty cell, or a column the file does not have, leaves the kept figure as it is.
    """
    labels = column_labels()
    checked: list[SheetRow] = []
    lines_of: dict[date, list[int]] = {}
    for line, values in rows:
        row = SheetRow(line=line, values={c: values.get(c, "") for c in COLUMNS})
        month: date | None = None
        try:
            month = parse_month(values.get("month", ""), today=today)
        except ValueError as error:
            row.errors.append((labels["month"], str(error)))
        else:
            row.month = month.isoformat()
            lines_of.setdefault(month, []).append(line)
        for name in INDICATOR_FIELDS:
            if name not in present:
                continue
            try:
                number = parse_count(values.get(name, ""))
            except ValueError as error:
                row.errors.append((labels[name], str(error)))
            else:
                if number is not None:
                    row.data[name] = number
        checked.append(row)
    for row in checked:
        if not row.month:
            continue
        month = date.fromisoformat(row.month)
        others = [str(line) for line in lines_of[month] if line != row.line]
        if others:
            row.errors.append(
                (
                    labels["month"],
                    _("%(month)s is in the file more than once (also row %(rows)s); keep one row per month.")
                    % {"month": month_label(month), "rows": ", ".join(others)},
                )
            )
        if row.errors:
            row.outcome = "error"
            continue
        if not row.data:
            row.outcome = "same"  # nothing given for this month: nothing to write
        elif month in kept:
            row.changes = {
                name: [kept[month].get(name), number]
                for name, number in row.data.items()
                if kept[month].get(name) != number
            }
            row.outcome = "change" if row.changes else "same"
    for row in checked:
        if row.errors:
            row.outcome = "error"
    return checked


def _sheet_bytes(rows: list[list[Any]], *, title: str, notes: list[str]) -> bytes:
    """One sheet with the header in the first row (so it imports back as it is), and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    xlsx.append(sheet, HEADERS)
    for values in rows:
        xlsx.append(sheet, values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E3D3")
    sheet.column_dimensions["A"].width = 12
    for column in "BCDEFG":
        sheet.column_dimensions[column].width = 16
    for row in sheet.iter_rows(min_row=2, max_row=max(len(rows) + 1, 200), min_col=1, max_col=1):
        for cell in row:
            cell.number_format = "@"  # the month stays "2025-03", not a date Excel reformats
    for row in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=2, max_col=7):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.freeze_panes = "B2"
    about = book.create_sheet(_("Notes")[:31])
    for line in notes:
        xlsx.append(about, [line])
    about.column_dimensions["A"].width = 110
    return xlsx.to_bytes(book)


def _notes() -> list[str]:
    return [
        _("One row per month. Bulan: the month as YYYY-MM (for example 2025-03) or a date in that month."),
        _("The other columns are the month's figures: whole numbers of 0 or more."),
        _("Leave a cell empty when the figure is not known; an empty cell never erases a figure already kept."),
        _("You see every row checked, and which months change (old → new), before anything is saved."),
    ]


def template_xlsx(*, months: list[date]) -> bytes:
    """The import template: the expected columns and the given months, figures to fill in."""
    return _sheet_bytes([[month.isoformat()[:7]] for month in months], title=_("Indicators"), notes=_notes())


def export_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """Every month kept, oldest first; it imports back unchanged."""
    return _sheet_bytes(
        [[row["month"].isoformat()[:7], *(row[name] for name in INDICATOR_FIELDS)] for row in rows],
        title=_("Indicators"),
        notes=_notes(),
    )
