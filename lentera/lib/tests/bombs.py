"""Spreadsheet bombs for tests: small .xlsx files that unpack to a lot of sheet XML."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def xlsx_with_sheet(rows: list[list[Any]], *, rewrite: Any) -> bytes:
    """A real workbook of ``rows`` whose sheet XML is passed through ``rewrite(head, data, tail)``.

    ``head`` is the XML before <sheetData>, ``data`` the rows openpyxl wrote, ``tail`` the rest;
    ``rewrite`` returns an iterable of byte chunks, written one by one (so gigabytes need no memory).
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    whole = io.BytesIO()
    book.save(whole)
    source, out = zipfile.ZipFile(whole), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename != SHEET:
                archive.writestr(item.filename, content)
                continue
            head, rest = content.split(b"<sheetData>", 1)
            data, tail = rest.split(b"</sheetData>", 1)
            with archive.open(SHEET, "w", force_zip64=True) as target:
                for chunk in rewrite(head + b"<sheetData>", data, b"</sheetData>" + tail):
                    target.write(chunk)
    return out.getvalue()


def xlsx_bomb(header: list[str], row: list[str], *, unpacked: int) -> bytes:
    """A workbook with ``header`` then ``row`` repeated until the sheet XML is ``unpacked`` bytes.

    The repeated row compresses about 300 to 1: 236 MB of sheet XML fit in a 0.9 MB file.
    """
    cells = b"".join(b'<c t="inlineStr"><is><t>' + value.encode() + b"</t></is></c>" for value in row)
    chunk = (b"<row>" + cells + b"</row>") * 1000

    def rewrite(head: bytes, data: bytes, tail: bytes) -> Any:
        yield head + data
        for _n in range(unpacked // len(chunk) + 1):
            yield chunk
        yield tail

    return xlsx_with_sheet([header], rewrite=rewrite)


def without_dimension(head: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", head)
