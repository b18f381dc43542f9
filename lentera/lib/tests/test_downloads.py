"""Downloads of stored uploads are named by the type their content was checked as, never by the uploader."""

from __future__ import annotations

import pytest

from lentera.lib.downloads import stored_download_name
from lentera.lib.uploads import DOCX, PDF

STORED = "materials/3f2a.pdf"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("traversal.html", "traversal.pdf"),
        ("ddc.pdf", "ddc.pdf"),
        ("Modul DDC (final).PDF", "Modul DDC (final).pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\ani\\evil.exe", "evil.pdf"),
        (".htaccess", "htaccess.pdf"),
        ('a"\x00b<script>\r\n.pdf', "a-b-script.pdf"),
        ("Materi  Katalog Terbitan  2026.docx", "Materi Katalog Terbitan 2026.pdf"),
        ("..", "berkas.pdf"),
        ("", "berkas.pdf"),
    ],
)
def test_the_stem_is_cleaned_and_the_extension_is_the_stored_type(original: str, expected: str) -> None:
    assert stored_download_name(original, stored_name=STORED, content_type=PDF.content_type) == expected


def test_the_type_decides_not_the_stored_name() -> None:
    assert stored_download_name("laporan.pdf", stored_name="x/1.pdf", content_type=DOCX.content_type) == "laporan.docx"


def test_an_unknown_type_falls_back_to_the_stored_extension_or_bin() -> None:
    assert stored_download_name("a.html", stored_name="x/1.docx", content_type="") == "a.docx"
    assert stored_download_name("a.html", stored_name="x/1.html", content_type="text/html") == "a.bin"


def test_a_very_long_stem_is_cut() -> None:
    name = stored_download_name("a" * 300 + ".pdf", stored_name=STORED, content_type=PDF.content_type)
    assert name == "a" * 80 + ".pdf"
