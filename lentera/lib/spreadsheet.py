"""Reading a spreadsheet upload (.xlsx or CSV) into numbered rows of named columns.

Used by every import. Rows keep the numbers the spreadsheet shows (blank rows are skipped but
counted), CSV encodings and delimiters are recognised, and a file that cannot be read as a
whole raises SpreadsheetError with a message for the person, in their language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

Rows = list[tuple[int, dict[str, str]]]


class SpreadsheetError(ValidationError):
    """The file as a whole cannot be read (type, size, encoding, header)."""


def norm_header(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "").strip().lower())


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    # A float of 1e15 or more lost digits in Excel (a NIP typed as a number): keep the "e+" form
    # so that a check can name the problem instead of storing a wrong number.
    return str(value).strip()


def _map_header(
    header: list[Any], columns: Mapping[str, tuple[str, ...]], required: Mapping[str, str]
) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, raw in enumerate(header):
        name = norm_header(raw)
        for column, spellings in columns.items():
            if name in spellings and column not in mapping.values():
                mapping[index] = column
    missing = [label for column, label in required.items() if column not in mapping.values()]
    if missing:
        raise SpreadsheetError(
            _(
                "The first row must name the columns; this file has no %(columns)s column. Download the template "
                "to see the expected columns."
            )
            % {"columns": ", ".join(missing)}
        )
    return mapping


def _xlsx_rows(handle: IO[bytes]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(handle, read_only=True, data_only=True)
        # read-only sheets are parsed while iterating: a damaged sheet inside a sound zip fails here
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(_("This Excel file cannot be read; it may be damaged. Save it again as .xlsx.")) from exc
    return rows


def _csv_rows(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; kept for clarity
        raise SpreadsheetError(_("This CSV file is not in a text encoding we can read. Save it as CSV UTF-8."))
    if "\x00" in text:
        raise SpreadsheetError(_("This file is not a CSV text file. Save it as CSV UTF-8 or as .xlsx."))
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # newline="": the reader itself splits lines, so CR-only files (Excel for Mac) read too
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:  # a cell over the reader's 131,072 characters, a stray quote or line break
        raise SpreadsheetError(_("This file is not a CSV text file. Save it as CSV UTF-8 or as .xlsx.")) from exc


def read_table(
    upload: Any,
    *,
    columns: Mapping[str, tuple[str, ...]],
    required: Mapping[str, str],
    max_bytes: int,
    max_rows: int,
) -> tuple[list[str], Rows]:
    """The canonical columns present and the data rows, each with its spreadsheet row number."""
    if upload.size > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(limit)s. Split it into smaller files.") % {"limit": filesizeformat(max_bytes)}
        )
    handle = upload.file if hasattr(upload, "file") else upload
    handle.seek(0)
    data = handle.read()
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(io.BytesIO(data))
    elif upload.name.lower().endswith((".xlsx", ".xls")):
        raise SpreadsheetError(_("This is not an .xlsx file. Save it from Excel as .xlsx (Excel Workbook) or CSV."))
    else:
        raw_rows = _csv_rows(data)
    # Number the rows as the spreadsheet shows them, before blank rows are left out.
    numbered = [(line, row) for line, row in enumerate(raw_rows, start=1) if any(cell(v) for v in row)]
    if not numbered:
        raise SpreadsheetError(_("The file is empty."))
    mapping = _map_header(numbered[0][1], columns, required)
    if len(numbered) - 1 > max_rows:
        raise SpreadsheetError(_("At most %(max)s rows can be imported at once.") % {"max": f"{max_rows:,}"})
    rows = []
    for line, raw in numbered[1:]:
        values = {column: "" for column in columns}
        for index, column in mapping.items():
            if index < len(raw):
                values[column] = cell(raw[index])
        rows.append((line, values))
    return sorted(set(mapping.values()), key=list(columns).index), rows
