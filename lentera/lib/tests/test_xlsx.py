"""lib/xlsx: whatever people typed is stored as text, never as a formula; numbers stay numbers."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from lentera.lib import xlsx

HYPERLINK = '=HYPERLINK("http://x","y")'
PLANTED = [HYPERLINK, "=1+1", "+62 812 3456", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "＝1+1"]


def reopened(content: bytes) -> list[Cell]:
    book = load_workbook(io.BytesIO(content))
    assert book.active is not None
    return [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]


def sheet_xml(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("text", PLANTED)
def test_a_formula_typed_as_a_name_stays_text(text: str) -> None:
    content = xlsx.workbook_bytes(sheet_title="T", title_lines=[], headers=["Nama"], rows=[[text]])
    cell = reopened(content)[-1]
    assert cell.value == text.replace("\r", "\n")  # XML keeps a carriage return as a line feed
    assert cell.data_type == "s"
    assert cell.quotePrefix  # stays text when someone edits the cell in Excel or LibreOffice
    assert "<f>" not in sheet_xml(content)


def test_title_lines_and_headers_are_text_too() -> None:
    content = xlsx.workbook_bytes(sheet_title="T", title_lines=["=1+1"], headers=["@x"], rows=[])
    cells = {c.value: c for c in reopened(content)}
    assert cells["=1+1"].data_type == "s" and cells["@x"].data_type == "s"


def test_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    content = xlsx.workbook_bytes(
        sheet_title="T", title_lines=[], headers=["a", "b", "c", "d"], rows=[[-5, 2.5, "Siti - Referensi", "198703"]]
    )
    cells = {c.value: c for c in reopened(content)}
    assert cells[-5].data_type == "n" and cells[2.5].data_type == "n"
    assert not cells["Siti - Referensi"].quotePrefix
    assert cells["198703"].data_type == "s"


def test_control_characters_openpyxl_refuses_are_dropped_instead_of_failing() -> None:
    content = xlsx.workbook_bytes(sheet_title="T", title_lines=[], headers=["n"], rows=[["Ani\x00 Lestari\x01"]])
    assert "Ani Lestari" in [c.value for c in reopened(content)]


def test_to_bytes_neutralises_a_sheet_laid_out_by_hand() -> None:
    """The sweep in to_bytes is the one place: even plain openpyxl assignments end up as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = HYPERLINK
    sheet.append(["-1+1", 7])
    xlsx.append(sheet, ["@cmd", -3])
    content = xlsx.to_bytes(book)
    cells = {c.value: c for c in reopened(content)}
    assert {cells[v].data_type for v in (HYPERLINK, "-1+1", "@cmd")} == {"s"}
    assert cells[7].data_type == "n" and cells[-3].data_type == "n"
    assert "<f>" not in sheet_xml(content)
