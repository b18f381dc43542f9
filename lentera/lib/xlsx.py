"""Every spreadsheet Lentera writes goes through here: a title block, a header row, data rows
(``workbook_bytes``), or a sheet a caller lays out itself (``append`` / ``write``, then ``to_bytes``).

Text people typed is stored as text, never as a formula. A name like ``=HYPERLINK("http://x","y")``
or ``+62 812`` would otherwise run (or be re-parsed on the next edit) in Excel and LibreOffice: the
OWASP rule names the leading ``=``, ``+``, ``-``, ``@``, tab and carriage return. ``to_bytes`` sweeps
every cell of every sheet before saving, so no writer can forget: a string that starts with one of
those (full-width forms too) is kept as an inline string with Excel's quote prefix (the cell shows
the text exactly as typed and stays text when someone edits it). Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F3E3D3")
# what makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP CSV injection),
# with the full-width forms some input methods type
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_value(value: Any) -> Any:
    """A value openpyxl can store: control characters it refuses (a pasted NUL, \\x01) are dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def as_text(cell: Cell) -> None:
    """Keep the cell's text as typed, as text: never a formula, now or when someone edits it."""
    if cell.data_type == "f" or is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell = sheet.cell(row=row, column=column, value=cell_value(value))
    as_text(cell)
    return cell


def append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """``sheet.append`` for values people typed."""
    sheet.append([cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        as_text(cell)


def to_bytes(book: Workbook) -> bytes:
    """The .xlsx bytes, after making sure no cell anywhere holds a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_bytes(
    *,
    sheet_title: str,
    title_lines: Sequence[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    row_height: float | None = None,
) -> bytes:
    """One sheet: bold title lines, a boxed header row, boxed data rows; returns the .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = sheet_title[:31]
    for index, line in enumerate(title_lines, start=1):
        cell = write(sheet, index, 1, line)
        cell.font = Font(bold=index == 1, size=13 if index == 1 else 11)
    header_row = len(title_lines) + 2
    for column, header in enumerate(headers, start=1):
        cell = write(sheet, header_row, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = write(sheet, header_row + offset, column, value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        if row_height:
            sheet.row_dimensions[header_row + offset].height = row_height
    for column, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    return to_bytes(book)
