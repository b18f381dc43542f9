"""Writing simple, tidy Excel workbooks (openpyxl): a title block, a header row, data rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F3E3D3")


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
        cell = sheet.cell(row=index, column=1, value=line)
        cell.font = Font(bold=index == 1, size=13 if index == 1 else 11)
    header_row = len(title_lines) + 2
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        if row_height:
            sheet.row_dimensions[header_row + offset].height = row_height
    for column, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
