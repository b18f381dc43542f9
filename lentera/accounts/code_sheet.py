"""The sheet of one-time sign-in codes a coordinator prints for the first day (ReportLab).

Eight cards on an A4 page, with cut lines: the person's name and username, a QR code that opens
the sign-in link, the same code to type by hand, and until when it works. Nothing is read from
the database here: the caller passes the people with their fresh codes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import segno
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from lentera.accounts import signin_codes
from lentera.lib import pdf_fonts

COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm
QR_SIZE = 30 * mm


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis until it fits ``width``."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url``, its quiet zone included, bottom-left at (x, y): a small black-and-white
    image, one pixel per module, scaled up without smoothing (sharp when printed)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    code = segno.make(url, error="m", micro=False)
    rows = list(code.matrix_iter(border=2))
    image = Image.new("1", (len(rows), len(rows)), 1)
    image.putdata([0 if dark else 1 for row in rows for dark in row])
    image = image.resize((len(rows) * 8, len(rows) * 8), Image.Resampling.NEAREST)
    canvas.drawImage(ImageReader(image), x, y, width=size, height=size)


def _card(
    canvas: Canvas, *, x: float, y: float, w: float, h: float, entry: dict[str, Any], common: dict[str, Any]
) -> None:
    pad = 4 * mm
    regular, bold = pdf_fonts.REGULAR, pdf_fonts.BOLD
    top = y + h - pad
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.setFont(regular, 7.5)
    canvas.drawString(x + pad, top - 7, _fit(canvas, common["library"], regular, 7.5, w - 2 * pad))
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(bold, 11)
    canvas.drawString(x + pad, top - 21, _fit(canvas, entry["name"], bold, 11, w - 2 * pad))
    canvas.setFont(regular, 8.5)
    username = _("Username: %(username)s") % {"username": entry["username"]}
    canvas.drawString(x + pad, top - 33, _fit(canvas, username, regular, 8.5, w - 2 * pad))

    qr_y = y + pad
    _qr(canvas, entry["link"], x + pad, qr_y, QR_SIZE)
    text_x = x + pad + QR_SIZE + 3 * mm
    text_w = x + w - pad - text_x
    canvas.setFont(regular, 7.5)
    canvas.drawString(text_x, qr_y + QR_SIZE - 8, _("Sign-in code"))
    canvas.setFont(bold, 13)
    canvas.drawString(text_x, qr_y + QR_SIZE - 24, signin_codes.display(entry["code"]))
    canvas.setFont(regular, 7)
    lines = [
        _("Scan the QR code, or open"),
        _fit(canvas, common["entry_url"], regular, 7, text_w),
        _("and type the code."),
        _("It works once, until %(date)s.") % {"date": common["expires"]},
    ]
    for index, line in enumerate(lines):
        canvas.drawString(text_x, qr_y + QR_SIZE - 40 - index * 9, line)


def code_sheet_pdf(
    *,
    library_name: str,
    entries: Sequence[tuple[Any, str]],
    base_url: str,
    entry_path: str,
    link_path: Any,
    expires: date,
) -> bytes:
    """The PDF: ``entries`` are (person, plain code); ``link_path(code)`` is the path the QR opens."""
    pdf_fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=pdf_fonts.REGULAR)  # no Helvetica
    canvas.setTitle(_("Sign-in codes"))
    canvas.setAuthor(library_name)
    page_w, page_h = A4
    card_w = (page_w - 2 * MARGIN) / COLUMNS
    card_h = (page_h - 2 * MARGIN) / ROWS
    common = {
        "library": library_name,
        "entry_url": base_url.rstrip("/") + entry_path,
        "expires": formats.date_format(expires, "j F Y"),
    }
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(entries), 1), per_page):
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        canvas.setDash(3, 3)
        canvas.setLineWidth(0.5)
        for column in range(COLUMNS + 1):
            canvas.line(MARGIN + column * card_w, MARGIN, MARGIN + column * card_w, page_h - MARGIN)
        for row in range(ROWS + 1):
            canvas.line(MARGIN, MARGIN + row * card_h, page_w - MARGIN, MARGIN + row * card_h)
        canvas.setDash()
        for index, (person, code) in enumerate(entries[start : start + per_page]):
            column, row = index % COLUMNS, index // COLUMNS
            entry = {
                "name": person.full_name or person.username,
                "username": person.username,
                "code": code,
                "link": base_url.rstrip("/") + link_path(code),
            }
            x = MARGIN + column * card_w
            y = page_h - MARGIN - (row + 1) * card_h
            _card(canvas, x=x, y=y, w=card_w, h=card_h, entry=entry, common=common)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
