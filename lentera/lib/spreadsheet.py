"""Reading a spreadsheet upload (.xlsx or CSV) into numbered rows of named columns.

Used by every import. Rows keep the numbers the spreadsheet shows (blank rows are skipped but
counted), CSV encodings and delimiters are recognised, and a file that cannot be read as a
whole raises SpreadsheetError with a message for the person, in their language.

Files as offices send them: the row naming the columns may sit below a title and blank rows
(it is looked for among the first HEADER_SEARCH_ROWS rows), headers are compared without case,
accents, dots, dashes, slashes or spaces ("No. HP" is "no hp"), and a row numbering the columns
right under the header ("1 2 3 ...", as government tables have) is not read as data.

Spreadsheet bombs: an .xlsx is a zip, and a small one can unpack to hundreds of megabytes of
sheet XML. Before anything is parsed, the sizes the zip's directory declares are summed (Python's
zipfile never inflates a member past its declared size, so the sum bounds the work); the sheet's
own <dimension> is checked, and rows are counted while they stream, so reading stops at the
first row over the limit instead of after the whole file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Generator, Mapping
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

Rows = list[tuple[int, dict[str, str]]]

HEADER_SEARCH_ROWS = 15  # the header row is looked for among the sheet's first rows
MAX_COLUMNS = 100  # cells further right are not read (no import has that many columns)
# Unpacked size an .xlsx may have: a base (styles, the workbook, a logo) and a budget per row the
# import takes. A real participant row is about 0.7 KB of sheet XML and shared strings.
UNPACKED_BASE = 2 * 1024 * 1024
UNPACKED_PER_ROW = 1024
_COLUMN_NUMBER_RE = re.compile(r"^\(?(\d{1,3})\)?\.?$")


class SpreadsheetError(ValidationError):
    """The file as a whole cannot be read (type, size, encoding, header)."""


def header_key(value: Any) -> str:
    """A header as people write it, reduced so that case, accents, dots, dashes, slashes and spaces
    do not count: "No. HP", "no hp" and "NO-HP" are one header; "E-mail" is "email"."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    # A float of 1e15 or more lost digits in Excel (a NIP typed as a number): keep the "e+" form
    # so that a check can name the problem instead of storing a wrong number.
    return str(value).strip()


def unpacked_limit(max_rows: int) -> int:
    """The most an .xlsx taking ``max_rows`` rows may unpack to."""
    return UNPACKED_BASE + max_rows * UNPACKED_PER_ROW


def max_lines(max_rows: int) -> int:
    """The last sheet row read: the data rows, the rows above the header, and as many blank rows again."""
    return 2 * max_rows + HEADER_SEARCH_ROWS + 100


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(_("At most %(max)s rows can be imported at once.") % {"max": f"{max_rows:,}"})


def _map_header(header: list[Any], columns: Mapping[str, tuple[str, ...]]) -> dict[int, str]:
    keys = {column: {header_key(s) for s in spellings} for column, spellings in columns.items()}
    mapping: dict[int, str] = {}
    for index, raw in enumerate(header):
        key = header_key(raw)
        if not key:
            continue
        for column, spellings in keys.items():
            if key in spellings and column not in mapping.values():
                mapping[index] = column
                break
    return mapping


def _missing_columns(head: list[list[Any]], columns: Mapping[str, tuple[str, ...]], required: Mapping[str, str]) -> str:
    """The required columns the likeliest header row (the one naming most columns) lacks."""
    best = max((_map_header(row, columns) for row in head), key=len, default={})
    return ", ".join(label for column, label in required.items() if column not in best.values())


def _is_column_numbers(row: list[Any]) -> bool:
    """A row numbering the columns (1, 2, 3 ... or (1), (2) ...), as under a government table's header."""
    numbers = []
    for value in row:
        text = cell(value)
        if not text:
            continue
        match = _COLUMN_NUMBER_RE.match(text)
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def unpacked_size(data: bytes | IO[bytes]) -> int:
    """What an .xlsx unpacks to, from its zip directory alone (nothing is inflated); 0 for a file that
    is not a zip (a CSV is read as it is). A file handle is left at its start."""
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0
    finally:
        handle.seek(0)


def check_packed(data: bytes | IO[bytes], *, max_rows: int) -> None:
    """Refuse an .xlsx that unpacks to more than an import of ``max_rows`` rows needs."""
    unpacked, limit = unpacked_size(data), unpacked_limit(max_rows)
    if unpacked > limit:
        raise SpreadsheetError(
            _(
                "This Excel file holds far more data than an import takes: it unpacks to %(size)s, at most "
                "%(limit)s are read. Keep only the sheet with the list (at most %(max)s rows) and remove "
                "pictures and other sheets, or split the file."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit), "max": f"{max_rows:,}"}
        )


def check_upload(upload: Any, *, max_bytes: int, max_rows: int) -> None:
    """The checks that need no parsing (size, and an .xlsx's unpacked size): for a request that only
    keeps the file for a background worker, so a bomb is refused at once."""
    if upload.size > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(limit)s. Split it into smaller files.") % {"limit": filesizeformat(max_bytes)}
        )
    check_packed(upload.file if hasattr(upload, "file") else upload, max_rows=max_rows)


def _xlsx_rows(data: bytes, *, max_rows: int) -> Generator[list[Any]]:
    from openpyxl import load_workbook

    check_packed(data, max_rows=max_rows)
    last = max_lines(max_rows)
    damaged = _("This Excel file cannot be read; it may be damaged. Save it again as .xlsx.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        declared = sheet.max_row  # from the sheet's <dimension>, read without parsing the rows
        # Explicit bounds: a lying <dimension> (or a cell at XFD1048576) cannot make openpyxl pad
        # every row to 16,384 cells or fill in a million missing rows.
        rows = sheet.iter_rows(max_row=last + 1, max_col=MAX_COLUMNS, values_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(damaged) from exc
    try:
        if isinstance(declared, int) and declared > last:
            raise _too_many_rows(max_rows)
        while True:
            try:
                # read-only sheets are parsed while iterating: a damaged sheet inside a sound zip fails here
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise SpreadsheetError(damaged) from exc
            yield list(row)
    finally:
        book.close()


def _csv_rows(data: bytes) -> Generator[list[Any]]:
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
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
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
        source = _xlsx_rows(data, max_rows=max_rows)
    elif upload.name.lower().endswith((".xlsx", ".xls")):
        raise SpreadsheetError(_("This is not an .xlsx file. Save it from Excel as .xlsx (Excel Workbook) or CSV."))
    else:
        source = _csv_rows(data)
    last = max_lines(max_rows)
    head: list[list[Any]] = []  # the non-blank rows looked at for the header
    mapping: dict[int, str] | None = None
    header_line = 0
    rows: Rows = []
    with contextlib.closing(source):
        # Number the rows as the spreadsheet shows them, before blank rows are left out.
        for line, raw in enumerate(source, start=1):
            if line > last:
                raise _too_many_rows(max_rows)
            if not any(cell(v) for v in raw):
                continue
            if mapping is None:
                head.append(raw)
                found = _map_header(raw, columns)
                if all(column in found.values() for column in required):
                    mapping, header_line = found, line
                elif line >= HEADER_SEARCH_ROWS:
                    break
                continue
            if line == header_line + 1 and _is_column_numbers(raw):
                continue
            values = {column: "" for column in columns}
            for index, column in mapping.items():
                if index < len(raw):
                    values[column] = cell(raw[index])
            rows.append((line, values))
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
    if not head:
        raise SpreadsheetError(_("The file is empty."))
    if mapping is None:
        raise SpreadsheetError(
            _(
                "No row among the first %(n)s names the columns; this file has no %(columns)s column. Download "
                "the template to see the expected columns."
            )
            % {"n": HEADER_SEARCH_ROWS, "columns": _missing_columns(head, columns, required)}
        )
    return sorted(set(mapping.values()), key=list(columns).index), rows
