"""The shared spreadsheet reader: files that once raised an unhandled error (found by the fuzzed imports)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from lentera.lib.spreadsheet import SpreadsheetError, read_table

COLUMNS = {"name": ("nama",), "city": ("kota",)}


def read(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    _present, rows = read_table(
        SimpleUploadedFile(name, data), columns=COLUMNS, required={"name": "Nama"}, max_bytes=10**7, max_rows=100
    )
    return rows


def refusal(name: str, data: bytes) -> str:
    with translation.override("id"), pytest.raises(SpreadsheetError) as refused:
        read(name, data)
    return " ".join(refused.value.messages)


def test_a_csv_with_old_mac_line_endings_is_read() -> None:
    assert read("a.csv", b"Nama,Kota\rBudi,Bogor\r\rSiti,Depok\r") == [
        (2, {"name": "Budi", "city": "Bogor"}),
        (4, {"name": "Siti", "city": "Depok"}),
    ]


def test_a_cell_larger_than_the_csv_reader_takes_is_refused_with_a_message() -> None:
    assert "CSV" in refusal("a.csv", b"Nama,Kota\nBudi," + b"x" * 200_000 + b"\n")


def test_an_xlsx_whose_sheet_is_cut_short_inside_a_sound_zip_is_refused_with_a_message() -> None:
    book = Workbook()
    book.active.append(["Nama", "Kota"])
    book.active.append(["Budi", "Bogor"])
    whole = io.BytesIO()
    book.save(whole)
    source = zipfile.ZipFile(whole)
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for member in source.namelist():
            content = source.read(member)
            archive.writestr(member, content[: len(content) // 2] if member == "xl/worksheets/sheet1.xml" else content)
    assert "rusak" in refusal("a.xlsx", damaged.getvalue())  # "may be damaged", in Indonesian
