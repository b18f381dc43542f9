"""The one font family every PDF Lentera writes embeds (ReportLab).

Helvetica, ReportLab's default, is not embedded and has no glyph for much of what Lentera prints
(the ⟨g⟩ of the learning gain came out as "■g■"). DejaVu Sans, shipped in ``lib/fonts/``, has every
glyph of Indonesian text and of the formulas' symbols; ReportLab embeds the subset a document uses.

Use the names below instead of "Helvetica", "Helvetica-Bold", …; call :func:`register` once
before building a document (it is cheap after the first call).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).resolve().parent / "fonts"

REGULAR = "LenteraSans"
BOLD = "LenteraSans-Bold"
ITALIC = "LenteraSans-Oblique"
BOLD_ITALIC = "LenteraSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


@cache
def register() -> str:
    """Register the family with ReportLab (once per process) and return the regular face's name.

    Paragraphs with <b> and <i> pick the bold and oblique faces through the family mapping."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR


def has_glyphs(text: str) -> bool:
    """True when the regular face has a glyph for every character of ``text`` (whitespace aside)."""
    from reportlab.pdfbase import pdfmetrics

    register()
    face = pdfmetrics.getFont(REGULAR).face
    return all(ch.isspace() or ord(ch) in face.charToGlyph for ch in text)


def a4_document(buffer: Any, *, title: str, author: str = "") -> Any:
    """An A4 ReportLab document with Lentera's margins, starting in the embedded font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    register()
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author=author,
        initialFontName=REGULAR,
    )
