"""The shared spreadsheet reader: files that once raised an unhandled error (found by the fuzzed imports)."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from lentera.lib import spreadsheet
from lentera.lib.spreadsheet import SpreadsheetError, check_upload, read_table, unpacked_limit, unpacked_size
from lentera.lib.tests.bombs import without_dimension, xlsx_bomb, xlsx_with_sheet

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


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Files as offices send them ---------------------------------------------------------------------


def test_a_title_and_blank_rows_above_the_header_are_skipped_and_rows_keep_their_numbers() -> None:
    rows = [
        ["DAFTAR PESERTA PELATIHAN PUSTAKAWAN 2026"],
        ["Perpustakaan Kota Pasuruan"],
        [],
        ["Nama", "Kota"],
        ["Budi", "Bogor"],
        [],
        ["Siti", "Depok"],
    ]
    expected = [(5, {"name": "Budi", "city": "Bogor"}), (7, {"name": "Siti", "city": "Depok"})]
    assert read("a.xlsx", xlsx(rows)) == expected
    text = "\n".join(",".join(row) for row in rows).encode()
    assert read("a.csv", text) == expected


def test_the_header_is_looked_for_in_the_first_15_rows_only() -> None:
    title = [["Daftar"]] + [[f"catatan {n}"] for n in range(2, 16)]
    assert len(read("a.xlsx", xlsx([*title[:14], ["Nama"], ["Budi"]]))) == 1  # row 15
    message = refusal("a.xlsx", xlsx([*title, ["Nama"], ["Budi"]]))  # row 16
    assert "15" in message and "Nama" in message and "templat" in message


def test_a_missing_column_is_named_from_the_likeliest_header_row() -> None:
    message = refusal("a.csv", b"DAFTAR PESERTA\nNo.,Kota,Alamat\n1,Bogor,Jl. Mawar\n")
    assert "tidak ada kolom Nama" in message


def test_headers_match_whatever_their_case_accents_dots_dashes_slashes_and_spaces() -> None:
    columns = {"phone": ("no hp",), "email": ("email",), "level": ("jabatan fungsional",)}
    for phone, email, level in [
        ("No. HP", "E-mail", "Jabatan Fungsional"),
        ("NO HP", "e mail", "jabatan_fungsional"),
        (" no.hp ", "É-Mail", "JABATAN/FUNGSIONAL"),
    ]:
        present, rows = read_table(
            SimpleUploadedFile("a.csv", f"{phone};{email};{level}\n0812;a@b.id;Terampil\n".encode()),
            columns=columns,
            required={},
            max_bytes=10**6,
            max_rows=10,
        )
        assert present == ["phone", "email", "level"], (phone, email, level)
        assert rows == [(2, {"phone": "0812", "email": "a@b.id", "level": "Terampil"})]


@pytest.mark.parametrize("numbers", [[1, 2], ["(1)", "(2)"], ["1.", "2."]])
def test_a_row_numbering_the_columns_under_the_header_is_not_data(numbers: list[object]) -> None:
    assert read("a.xlsx", xlsx([["Nama", "Kota"], numbers, ["Budi", "Bogor"]])) == [
        (3, {"name": "Budi", "city": "Bogor"})
    ]


def test_a_data_row_of_numbers_further_down_is_kept() -> None:
    assert read("a.xlsx", xlsx([["Nama", "Kota"], ["Budi", "Bogor"], [1, 2]])) == [
        (2, {"name": "Budi", "city": "Bogor"}),
        (3, {"name": "1", "city": "2"}),
    ]


# Spreadsheet bombs ------------------------------------------------------------------------------


def test_an_xlsx_that_unpacks_to_236_mb_is_refused_from_the_zip_directory_alone() -> None:
    data = xlsx_bomb(["Nama", "Kota"], ["Budi Santoso", "Pasuruan"], unpacked=236 * 1024 * 1024)
    assert len(data) < 1024 * 1024  # the size of the file of the security finding
    started = time.perf_counter()
    message = refusal("a.xlsx", data)
    assert time.perf_counter() - started < 0.5
    assert "236" in message and "MB" in message and "100" in message  # its size, and the rows taken


def test_a_highly_compressible_xlsx_of_a_size_the_import_takes_is_read() -> None:
    data = xlsx_bomb(["Nama", "Kota"], ["Budi", "Bogor"], unpacked=1000)  # 1,000 rows
    _present, rows = read_table(
        SimpleUploadedFile("a.xlsx", data), columns=COLUMNS, required={"name": "Nama"}, max_bytes=10**7, max_rows=1000
    )
    assert len(rows) == 1000 and rows[-1] == (1001, {"name": "Budi", "city": "Bogor"})


def test_rows_are_counted_while_streaming_and_reading_stops_at_the_first_row_over(monkeypatch: Any) -> None:
    # within the unpacked limit of an import of 1,000 rows, but about 50 times more rows
    data = xlsx_bomb(["Nama", "Kota"], ["Budi", "Bogor"], unpacked=unpacked_limit(1000) - 100_000)
    pulled = []
    stream = spreadsheet._xlsx_rows

    def counted(*args: Any, **kwargs: Any) -> Iterator[list[Any]]:
        for row in stream(*args, **kwargs):
            pulled.append(row)
            yield row

    monkeypatch.setattr(spreadsheet, "_xlsx_rows", counted)
    with translation.override("id"), pytest.raises(SpreadsheetError) as refused:
        read_table(
            SimpleUploadedFile("a.xlsx", data),
            columns=COLUMNS,
            required={"name": "Nama"},
            max_bytes=10**7,
            max_rows=1000,
        )
    assert refused.value.messages == ["Paling banyak 1,000 baris dapat diimpor sekaligus."]
    assert len(pulled) == 1 + 1001  # the header, then the data rows up to the first one over


def test_a_dimension_declaring_a_million_rows_is_refused_before_any_row_is_parsed() -> None:
    def rewrite(head: bytes, data: bytes, tail: bytes) -> Iterator[bytes]:
        yield re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B1048576"', head) + data + tail

    data = xlsx_with_sheet([["Nama", "Kota"], ["Budi", "Bogor"]], rewrite=rewrite)
    assert "100" in refusal("a.xlsx", data)


def test_a_cell_in_the_last_row_of_excel_does_not_fill_a_million_blank_rows() -> None:
    def rewrite(head: bytes, data: bytes, tail: bytes) -> Iterator[bytes]:
        far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Budi</t></is></c></row>'
        yield without_dimension(head) + data + far + tail

    data = xlsx_with_sheet([["Nama", "Kota"], ["Budi", "Bogor"]], rewrite=rewrite)
    started = time.perf_counter()
    assert "100" in refusal("a.xlsx", data)
    assert time.perf_counter() - started < 0.5


def test_cells_in_the_last_column_of_excel_do_not_widen_every_row_to_16384_cells() -> None:
    def rewrite(head: bytes, data: bytes, tail: bytes) -> Iterator[bytes]:
        rows = b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Budi</t></is></c><c r="XFD%d"><v>1</v></c></row>' % (n, n, n)
            for n in range(2, 100)
        )
        yield without_dimension(head) + data.split(b"</row>", 1)[0] + b"</row>" + rows + tail

    data = xlsx_with_sheet([["Nama", "Kota"]], rewrite=rewrite)
    started = time.perf_counter()
    rows = read("a.xlsx", data)
    assert time.perf_counter() - started < 0.5
    assert len(rows) == 98 and rows[0] == (2, {"name": "Budi", "city": ""})


def test_a_csv_of_blank_lines_is_refused_at_the_first_line_over_the_limit() -> None:
    assert "100" in refusal("a.csv", b"Nama,Kota\nBudi,Bogor\n" + b",\n" * 1_000_000)


def test_check_upload_refuses_a_bomb_without_parsing_it() -> None:
    data = xlsx_bomb(["Nama"], ["Budi"], unpacked=50 * 1024 * 1024)
    upload = SimpleUploadedFile("a.xlsx", data)
    with translation.override("id"), pytest.raises(SpreadsheetError):
        check_upload(upload, max_bytes=10**7, max_rows=100)
    assert upload.file.tell() == 0  # left where a reader starts
    check_upload(SimpleUploadedFile("a.xlsx", xlsx([["Nama"], ["Budi"]])), max_bytes=10**7, max_rows=100)


def test_a_zip_directory_that_understates_a_sheets_size_cannot_make_the_reader_inflate_more() -> None:
    """Python's zipfile stops inflating at the size the directory declares (then the checksum fails),
    so summing the declared sizes bounds the work even when the directory lies."""
    sheet = b"<row><c t='inlineStr'><is><t>Budi</t></is></c></row>" * 1_000_000  # 52 MB
    data = xlsx_with_sheet([["Nama"]], rewrite=lambda head, data, tail: [head, data, sheet, tail])
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size > 50_000_000
    # rewrite the sheet's declared size in the central directory (and its zip64 extra field) to 2 KB
    entry = data.index(b"xl/worksheets/sheet1.xml", data.index(b"PK\x01\x02")) - 46
    assert data[entry : entry + 4] == b"PK\x01\x02"
    patched = bytearray(data)
    name_length = struct.unpack("<H", patched[entry + 28 : entry + 30])[0]
    extra = entry + 46 + name_length
    if struct.unpack("<I", patched[entry + 24 : entry + 28])[0] == 0xFFFFFFFF:  # sizes in the zip64 field
        assert struct.unpack("<H", patched[extra : extra + 2])[0] == 1
        patched[extra + 4 : extra + 12] = struct.pack("<Q", 2048)
    else:
        patched[entry + 24 : entry + 28] = struct.pack("<I", 2048)
    assert unpacked_size(bytes(patched)) < 100_000  # the lie passes the unpacked-size check
    started = time.perf_counter()
    message = refusal("a.xlsx", bytes(patched))
    assert time.perf_counter() - started < 0.5
    assert "rusak" in message
