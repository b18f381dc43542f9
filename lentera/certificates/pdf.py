"""The certificate as a PDF (A4 landscape), drawn with ReportLab's canvas: about 10 ms a page.

What the page says comes from the certificate's snapshot, never from today's records. The
verification QR code is an image (so it can be read back from the file) that points to the
public check page with the certificate's token. Text is in the language that is active
while the PDF is drawn.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from xml.sax.saxutils import escape as esc  # ReportLab paragraphs are markup: text must be escaped

import segno
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from lentera.certificates.models import Certificate
from lentera.lib import pdf_fonts
from lentera.lib.pdf_fonts import BOLD, ITALIC, REGULAR

PAGE = landscape(A4)
BRAND = colors.HexColor("#7a3e00")
GOLD = colors.HexColor("#b8862b")
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#555555")
QR_SIZE = 30 * mm
MAX_COMPETENCIES = 12
MASK = 2  # QR mask pattern (0-7)

BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=12.5, leading=17, alignment=TA_CENTER, textColor=INK)


class Assets:
    """Images read once for many certificates (logos and signatures are shared by a whole cohort)."""

    def __init__(self) -> None:
        self._images: dict[str, ImageReader | None] = {}
        self._lines: dict[tuple[str, str, float, float], list[str]] = {}

    def lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        """``text`` broken into lines that fit ``width`` (the same competencies for a whole cohort)."""
        key = (text, font, size, width)
        if key not in self._lines:
            self._lines[key] = simpleSplit(text, font, size, width)
        return self._lines[key]

    def image(self, name: str) -> ImageReader | None:
        """The stored image ``name``, flattened onto white and kept as JPEG: ReportLab embeds JPEG data
        as it is, where it would compress the raw pixels again for every PDF of a ZIP."""
        if not name:
            return None
        if name not in self._images:
            try:
                with default_storage.open(name, "rb") as handle:
                    picture = Image.open(handle)
                    picture.load()
            except (OSError, ValueError):  # a file removed from the storage: the certificate is drawn without it
                self._images[name] = None
            else:
                flat = Image.new("RGB", picture.size, "white")
                rgba = picture.convert("RGBA")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                buffer = io.BytesIO()
                flat.save(buffer, format="JPEG", quality=90)
                buffer.seek(0)
                self._images[name] = ImageReader(buffer)
        return self._images[name]


def qr_image(url: str, *, scale: int = 4, border: int = 4) -> Image.Image:
    """The QR code of ``url`` as a black-and-white image with its quiet zone.

    The mask is fixed instead of chosen by trying all eight (any mask is valid; choosing one is
    most of segno's time), and the pixels come from the matrix directly: ~1 ms instead of ~15.
    """
    code = segno.make(url, error="m", micro=False, mask=MASK)
    size = len(code.matrix) + 2 * border
    image = Image.new("L", (size, size), 255)
    image.putdata([0 if dark else 255 for row in code.matrix_iter(border=border) for dark in row])
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def period(starts_on: date, ends_on: date) -> str:
    """ "4–15 August 2025", "28 July – 8 August 2025" or "29 December 2025 – 9 January 2026"."""
    if starts_on == ends_on:
        return date_format(ends_on, "j F Y")
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{date_format(starts_on, 'j')}–{date_format(ends_on, 'j F Y')}"
    if starts_on.year == ends_on.year:
        return f"{date_format(starts_on, 'j F')} – {date_format(ends_on, 'j F Y')}"
    return f"{date_format(starts_on, 'j F Y')} – {date_format(ends_on, 'j F Y')}"


# Titles that already say what kind of event the programme is, in the words Indonesian offices use.
KIND_WORDS = re.compile(
    r"(pelatihan|diklat|bimtek|bimbingan\s+teknis|workshop|training|lokakarya|kursus|pendidikan\s+dan\s+pelatihan)\b",
    re.IGNORECASE,
)


def names_its_kind(title: str) -> bool:
    """True when a programme's title starts with its kind ("Pelatihan …", "Diklat …", "Bimtek …"), so the
    certificate does not put "pelatihan" before it again."""
    return KIND_WORDS.match(title.strip().lstrip("\"'“‘(")) is not None


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float, least: float = 12) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    while size > least and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _paragraph(canvas: Canvas, markup: str, style: ParagraphStyle, x: float, top: float, width: float) -> float:
    paragraph = Paragraph(markup, style)
    _w, height = paragraph.wrapOn(canvas, width, 200 * mm)
    paragraph.drawOn(canvas, x, top - height)
    return top - height


def _frame(canvas: Canvas) -> None:
    width, height = PAGE
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(4)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(13.5 * mm, 13.5 * mm, width - 27 * mm, height - 27 * mm)
    canvas.setFillColor(GOLD)
    for x, y in ((13.5, 13.5), (13.5, 196.5), (283.5, 13.5), (283.5, 196.5)):
        canvas.saveState()
        canvas.translate(x * mm, y * mm)
        canvas.rotate(45)
        canvas.rect(-2.2 * mm, -2.2 * mm, 4.4 * mm, 4.4 * mm, stroke=0, fill=1)
        canvas.restoreState()


def draw(canvas: Canvas, certificate: Certificate, assets: Assets) -> None:
    """One certificate on the current page of ``canvas``."""
    width, height = PAGE
    centre = width / 2
    _frame(canvas)
    top = height - 22 * mm

    logo = assets.image(certificate.logo_file)
    if logo is not None:
        canvas.drawImage(logo, centre - 11 * mm, top - 20 * mm, width=22 * mm, height=20 * mm, preserveAspectRatio=True)
        top -= 24 * mm
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 12)
    canvas.drawCentredString(centre, top - 4 * mm, certificate.library_name.upper())
    top -= 19 * mm

    title = (certificate.title_text or _("CERTIFICATE")).upper()
    canvas.setFillColor(BRAND)
    size = _fit(canvas, title, BOLD, 40, 200 * mm)
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(centre, top, title)
    top -= 8 * mm
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(centre, top, _("Number: %(number)s") % {"number": certificate.number})
    top -= 11 * mm

    canvas.setFont(ITALIC, 12)
    canvas.drawCentredString(centre, top, _("is awarded to"))
    top -= 12 * mm
    name = certificate.participant_name
    size = _fit(canvas, name, BOLD, 28, 220 * mm)
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(centre, top, name)
    line = min(230 * mm, canvas.stringWidth(name, BOLD, size) + 30 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.line(centre - line / 2, top - 3 * mm, centre + line / 2, top - 3 * mm)
    top -= 8.5 * mm
    if certificate.participant_nip:
        canvas.setFont(REGULAR, 11)
        canvas.drawCentredString(centre, top, _("NIP %(nip)s") % {"nip": certificate.participant_nip})
    top -= 4 * mm

    if names_its_kind(certificate.programme_title):  # "Pelatihan Pustakawan …": not "pelatihan Pelatihan …"
        body = _(
            "for completing <b>%(programme)s</b> (%(cohort)s), held on %(dates)s, "
            "with <b>%(jp)s JP</b> (lesson hours of 45 minutes) attended."
        )
    else:
        body = _(
            "for completing the training <b>%(programme)s</b> (%(cohort)s), held on %(dates)s, "
            "with <b>%(jp)s JP</b> (lesson hours of 45 minutes) attended."
        )
    body = body % {
        "programme": esc(certificate.programme_title),
        "cohort": esc(certificate.cohort_name),
        "dates": esc(period(certificate.starts_on, certificate.ends_on)),
        "jp": certificate.jp,
    }
    top = _paragraph(canvas, body, BODY, centre - 115 * mm, top, 230 * mm) - 2 * mm
    if certificate.competencies:
        names = [title for _code, title in certificate.competencies[:MAX_COMPETENCIES]]
        more = len(certificate.competencies) - len(names)
        listed = " · ".join(names) + (" " + _("and %(n)s more") % {"n": more} if more > 0 else "")
        top -= 4 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 8.5)
        canvas.drawCentredString(centre, top, _("Competencies covered"))
        canvas.setFont(REGULAR, 8.5)
        for line in assets.lines(listed, REGULAR, 8.5, 230 * mm)[:4]:
            top -= 11
            canvas.drawCentredString(centre, top, line)

    _verification(canvas, certificate)
    _signature(canvas, certificate, assets)
    if certificate.revoked_at is not None:
        _revoked_mark(canvas)


def _verification(canvas: Canvas, certificate: Certificate) -> None:
    left, bottom = 24 * mm, 22 * mm
    canvas.drawImage(ImageReader(qr_image(certificate.verify_url)), left, bottom, QR_SIZE, QR_SIZE)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    text_left = left + QR_SIZE + 3 * mm
    canvas.drawString(text_left, bottom + 17 * mm, _("Check that this certificate is genuine:"))
    canvas.drawString(text_left, bottom + 13.5 * mm, _("scan the code, or open"))
    url = certificate.base_url.rstrip("/") + reverse("certificates:verify")
    canvas.drawString(text_left, bottom + 10 * mm, url if len(url) < 60 else url[:57] + "…")
    canvas.drawString(text_left, bottom + 6.5 * mm, _("and type the number."))


def _signature(canvas: Canvas, certificate: Certificate, assets: Assets) -> None:
    width, _height = PAGE
    centre, top = width - 75 * mm, 64 * mm
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 10.5)
    issued = date_format(timezone.localtime(certificate.issued_at).date(), "j F Y")
    place = f"{certificate.library_city}, {issued}" if certificate.library_city else issued
    canvas.drawCentredString(centre, top, place)
    role = _("Head of %(library)s") % {"library": certificate.library_name}
    canvas.setFont(REGULAR, _fit(canvas, role, REGULAR, 10.5, 95 * mm, least=7))
    canvas.drawCentredString(centre, top - 5 * mm, role)
    signature = assets.image(certificate.signature_file)
    if signature is not None:
        canvas.drawImage(
            signature,
            centre - 25 * mm,
            top - 27 * mm,
            width=50 * mm,
            height=20 * mm,
            preserveAspectRatio=True,
        )
    name = certificate.head_name or "...................................."
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(centre, top - 32 * mm, name)
    if certificate.head_name:
        half = canvas.stringWidth(name, BOLD, 11) / 2
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(centre - half, top - 33 * mm, centre + half, top - 33 * mm)
    if certificate.head_nip:
        canvas.setFont(REGULAR, 10)
        canvas.drawCentredString(centre, top - 37.5 * mm, _("NIP %(nip)s") % {"nip": certificate.head_nip})


def _revoked_mark(canvas: Canvas) -> None:
    width, height = PAGE
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.35))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(20)
    canvas.setFont(BOLD, 80)
    canvas.drawCentredString(0, 0, _("REVOKED"))
    canvas.restoreState()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams compressed but not ASCII85-encoded while drawing: a third smaller and faster to write
    (ReportLab's pure-Python ASCII85 encoder is the slowest step without its C accelerator)."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def _canvas(buffer: io.BytesIO, title: str) -> Canvas:
    pdf_fonts.register()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1, initialFontName=REGULAR)
    canvas.setTitle(title)
    canvas.setAuthor("Lentera")
    return canvas


def certificates_pdf(certificates: Iterable[Certificate], *, assets: Assets | None = None, title: str = "") -> bytes:
    """Certificates as one PDF, one page each."""
    assets = assets or Assets()
    buffer = io.BytesIO()
    with _binary_streams():
        canvas = _canvas(buffer, title or _("Certificates"))
        for certificate in certificates:
            draw(canvas, certificate, assets)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate, *, assets: Assets | None = None) -> bytes:
    return certificates_pdf([certificate], assets=assets, title=f"{_('Certificate')} {certificate.number}")


def certificates_zip(certificates: Iterable[Certificate]) -> bytes:
    """One PDF per certificate in a ZIP (stored, not compressed again: PDFs are compressed already)."""
    assets = Assets()
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            name = certificate.filename
            if name in names:  # never two files of one name
                name = name.replace(".pdf", f"-{certificate.pk}.pdf")
            names.add(name)
            archive.writestr(name, certificate_pdf(certificate, assets=assets))
    return buffer.getvalue()
