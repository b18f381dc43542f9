"""Every PDF Lentera writes embeds DejaVu Sans (no Helvetica), and the report's symbols have glyphs.

Helvetica is not embedded and has no glyph for ⟨g⟩ (the report printed "■g■"). Each PDF is built
by the same function its download uses, with text that needs more than Latin-1.
"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import polib
import pytest
from django.conf import settings
from django.utils import translation

from lentera.certificates import pdf as certificate_pdf
from lentera.certificates.tests.factories import CertificateFactory
from lentera.delivery import exports
from lentera.delivery.jp_history import HistoryLine, HistoryYear
from lentera.delivery.models import Attendance
from lentera.delivery.tests.factories import EnrolmentFactory, ScheduledSessionFactory
from lentera.evaluation import report_pdf
from lentera.lib import pdf_fonts
from tests.browser.delivery_helpers import pdf_page_png, pdf_text

WIB = ZoneInfo("Asia/Jakarta")
SYMBOLS = "⟨g⟩ – · • — ✓ … é"
LONG = "Layanan referensi digital dan penelusuran informasi bagi pemustaka di perpustakaan umum kota"


def fake_report(competencies: list[str], *, cohort_name: str = "Angkatan I 2026") -> Any:
    """A report with the shape ``report_pdf`` reads, figures by hand (no database)."""

    def stats(**kw: Any) -> Any:
        return SimpleNamespace(**{"n": 5, "mean": 4.2, "sd": 0.8, "top2": 80.0, "bottom2": 0.0, **kw})

    line = SimpleNamespace(
        item=SimpleNamespace(text="Ruang <b>pelatihan</b> nyaman — AC & kursi"), stats=stats(top2=40.0), weak=True
    )
    return SimpleNamespace(
        cohort=SimpleNamespace(
            name=cohort_name,
            programme=SimpleNamespace(title="Pelatihan Pustakawan 2026"),
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 13),
            __str__=lambda self: cohort_name,
        ),
        threshold=60,
        reaction=SimpleNamespace(
            responses=9,
            invited=10,
            rate=90.0,
            dimensions={"material": stats(), "instructor": stats(top2=100.0), "facilities": stats(top2=40.0)},
            items=[line],
        ),
        learning=SimpleNamespace(
            gain=SimpleNamespace(pre_mean=40.0, post_mean=70.0, g=0.5, n=9),
            competencies=[
                SimpleNamespace(competency=SimpleNamespace(title=title), pre_mean=30.0 + i, post_mean=75.0 - i)
                for i, title in enumerate(competencies)
            ],
            assignments=[(SimpleNamespace(title="Rencana promosi Instagram"), 82.0, 9)],
        ),
        behaviour=SimpleNamespace(survey=None, participants=[], supervisors=[]),
        results=SimpleNamespace(
            indicators=[
                ("visits", "Kunjungan", SimpleNamespace(before_mean=1200, after_mean=1320, change_percent=10.0), [])
            ]
        ),
        roi=25.0,
    )


def _certificate(library: Any) -> bytes:
    certificate = CertificateFactory(cohort__programme__library=library, participant_name="Ni Luh Ayu Dewi Ségara")
    return certificate_pdf.certificate_pdf(certificate)


def _daftar_hadir(library: Any) -> bytes:
    session = ScheduledSessionFactory(cohort__programme__library=library)
    person = EnrolmentFactory(cohort=session.cohort, user__full_name="Dewi Ségara — Purworejo").user
    Attendance.objects.create(library=library, session=session, user=person, status="present")
    return exports.daftar_hadir_pdf(exports.attendance_sheet(session=session))


def _report(library: Any) -> bytes:
    return report_pdf.report_pdf(fake_report(["Menata koleksi", LONG]))


def _jp_history(library: Any) -> bytes:
    start = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
    line = HistoryLine(
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        session="Klasifikasi DDC — praktik",
        cohort="Angkatan I",
        programme="Pelatihan Pustakawan",
        jp=2,
        status="present",
        status_label="Hadir",
        counts=True,
    )
    return exports.jp_history_pdf(
        library_name=library.name,
        person_name="Dewi Ségara",
        nip="198706152010012003",
        work_unit="Layanan",
        functional_level="Ahli Pertama",
        years=[HistoryYear(year=2026, target=20, lines=[line])],
        printed_at=start,
    )


def _code_sheet(library: Any) -> bytes:
    from lentera.accounts.code_sheet import code_sheet_pdf

    person = SimpleNamespace(full_name="Dewi Ségara — Purworejo", username="dewi")
    return code_sheet_pdf(
        library_name=library.name,
        entries=[(person, "K7P-Q2M")],
        base_url="https://lentera.example",
        entry_path="/masuk/kode/",
        link_path=lambda code: f"/masuk/kode/{code}/",
        expires=date(2026, 3, 9),
    )


BUILDERS = {
    "sign-in codes": _code_sheet,
    "certificate": _certificate,
    "daftar hadir": _daftar_hadir,
    "report": _report,
    "jp history": _jp_history,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_every_pdf_embeds_dejavu_and_no_helvetica(kind: str, library_a: Any) -> None:
    content = BUILDERS[kind](library_a)
    assert content.startswith(b"%PDF-")
    assert b"/FontFile2" in content  # an embedded TrueType font program
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", content)  # its subset, by name
    assert b"Helvetica" not in content and b"Times-" not in content


def test_the_report_reads_gain_with_its_symbols() -> None:
    with translation.override("id"):
        text = pdf_text(report_pdf.report_pdf(fake_report(["Menata koleksi"])))
    assert "⟨g⟩ 0,50" in text and "■" not in text


def _report_strings() -> list[str]:
    """Every translatable string of report_pdf.py (English and its Indonesian) and its other literals."""
    source = Path(report_pdf.__file__).read_text(encoding="utf-8")
    strings = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "lentera/locale/id/LC_MESSAGES/django.po"))
    translated = {entry.msgid: entry.msgstr for entry in catalogue}
    return strings + [translated[s] for s in strings if translated.get(s)]


def test_every_string_of_the_report_has_glyphs() -> None:
    strings = _report_strings()
    with_symbols = [s for s in strings if any(ord(ch) > 127 for ch in s)]
    assert any("⟨g⟩" in s for s in with_symbols)  # the string that printed "■g■" is among them
    assert [s for s in with_symbols if not pdf_fonts.has_glyphs(s)] == []
    assert pdf_fonts.has_glyphs(SYMBOLS + " ąčęėįšųūž ÀÉÍÓÚ ≥ ≤ × ÷ ± √ Σ")
    assert not pdf_fonts.has_glyphs("漢")  # the check itself can fail


class TestChartLabels:
    WIDTH = report_pdf.CHART_WIDTH

    def test_short_labels_stay_as_they_are(self) -> None:
        assert report_pdf.chart_labels(["Materi", "Instruktur"], self.WIDTH) == (["Materi", "Instruktur"], [])

    def test_a_longer_label_wraps_within_its_category(self) -> None:
        shown, key = report_pdf.chart_labels(["Menata koleksi perpustakaan", "Melayani pemustaka"], self.WIDTH)
        assert key == [] and shown[0] == "Menata koleksi perpustakaan"  # 7 cm each: fits on one line
        shown, key = report_pdf.chart_labels(["Menata koleksi perpustakaan"] * 5, self.WIDTH)
        assert key == [] and all("\n" in label for label in shown)
        room = self.WIDTH / 5 - 4
        assert all(report_pdf._label_width(line) <= room for label in shown for line in label.split("\n"))

    def test_labels_too_long_become_numbers_with_the_full_key(self) -> None:
        labels = ["Menata koleksi", LONG, "Promosi layanan"]
        shown, key = report_pdf.chart_labels([*labels, *labels], self.WIDTH)
        assert shown == ["1", "2", "3", "4", "5", "6"]
        assert key[1] == f"2. {LONG}" and len(key) == 6

    def test_the_report_prints_the_key_and_the_legend(self) -> None:
        with translation.override("id"):
            text = pdf_text(report_pdf.report_pdf(fake_report(["Menata koleksi", LONG, "Promosi layanan"] * 2)))
        assert f"2. {LONG}" in " ".join(text.split())
        assert "Pre-test" in text and "Post-test" in text

    def test_typed_text_is_inert(self) -> None:
        text = pdf_text(report_pdf.report_pdf(fake_report(["Menata koleksi"], cohort_name="<i>Angkatan</i> & co")))
        assert "<i>Angkatan</i> & co" in text and "Ruang <b>pelatihan</b> nyaman — AC & kursi" in text


def test_the_report_chart_renders(tmp_path: Path) -> None:
    """The page with the chart converts to an image (a look at it is part of changing the chart)."""
    source = tmp_path / "report.pdf"
    source.write_bytes(report_pdf.report_pdf(fake_report(["Menata koleksi", LONG, "Promosi layanan"] * 2)))
    pages = [pdf_page_png(source.read_bytes(), tmp_path / f"page{n}.png", dpi=60, page=n) for n in range(2)]
    assert all(p.stat().st_size > 3_000 for p in pages)
