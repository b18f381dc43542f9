"""Helpers for the delivery browser tests: the demo's running session, roster files, PDF and Excel text."""

from __future__ import annotations

import base64
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Browser, Page, ViewportSize

COHORT_NAME = "Angkatan I 2026"
ROSTER_HEADERS = ["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"]
PHONE: ViewportSize = {"width": 375, "height": 800}


def id_(message: str) -> str:
    """The Indonesian translation of a message, as the pages show it."""
    with translation.override("id"):
        return gettext(message)


def id_plural(singular: str, plural: str, n: int) -> str:
    with translation.override("id"):
        return ngettext(singular, plural, n) % {"n": n}


def demo_cohort() -> Any:
    from lentera.delivery.models import Cohort

    return Cohort.objects.get(name=COHORT_NAME)


def running_session() -> Any:
    """Today's session of Angkatan I 2026, whose check-in window is open now.

    The demo schedules its sessions on weekdays only, so on a Saturday or Sunday no session runs
    now: then the next session of the cohort is moved to now (as the coordinator's "Move" would),
    so the tests do not depend on the day they run.
    """
    from lentera.accounts.models import User
    from lentera.delivery import services
    from lentera.delivery.checkin import OPENS_BEFORE
    from lentera.delivery.models import ScheduledSession

    now = timezone.now()
    cohort = demo_cohort()
    sessions = ScheduledSession.objects.filter(cohort=cohort).select_related("plan", "cohort")
    session = sessions.filter(starts_at__lte=now + OPENS_BEFORE, ends_at__gte=now).order_by("starts_at").first()
    if session is None:
        later = sessions.filter(starts_at__gt=now).order_by("starts_at").first()
        assert later is not None, "the demo cohort has no session running now or later"
        start = now - timedelta(minutes=10)
        services.session_schedule(
            actor=User.objects.get(username="koordinator"),
            cohort=cohort,
            plan=later.plan,
            starts_at=start,
            ends_at=start + (later.ends_at - later.starts_at),
            room=later.room,
            instructors=list(later.instructors.all()),
            session=later,
        )
        session = sessions.get(pk=later.pk)
    return session


def teacher_of(session: Any) -> str:
    """The username to log in as to teach the session: Ahmad Fauzi (instruktur) when he teaches it."""
    usernames = list(session.instructors.order_by("username").values_list("username", flat=True))
    if "instruktur" in usernames:
        return "instruktur"
    return usernames[0] if usernames else "koordinator"


def enrolled_names(cohort: Any) -> list[str]:
    from lentera.delivery.models import Enrolment

    return list(
        cohort.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .order_by("user__full_name")
        .values_list("user__full_name", flat=True)
    )


def waitlisted_names(cohort: Any) -> list[str]:
    from lentera.delivery.models import Enrolment

    return list(cohort.enrolments.filter(status=Enrolment.Status.WAITLISTED).values_list("user__full_name", flat=True))


def write_roster(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """An .xlsx participant list with the template's Indonesian headers; NIPs stored as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Peserta"
    sheet.append(ROSTER_HEADERS)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@contextmanager
def phone_page(browser: Browser) -> Iterator[Page]:
    """A second browser (its own cookies) the width of a small phone, in Indonesian."""
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


_STREAM = re.compile(rb"<<((?:(?!>>).)*?)>>\s*stream\r?\n(.*?)endstream", re.S)
_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_FONT_REF = re.compile(rb"/(F[\w+]+) (\d+) 0 R")
_OPERATOR = re.compile(
    rb"\(((?:\\.|[^\\)])*)\)\s*Tj|/(F[\w+]+) [\d.]+ Tf|(?<![\w*])(Td|TD|Tm|T\*|BT|ET)(?![\w*])", re.S
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream_data(head: bytes, data: bytes) -> bytes:
    # exactly /Length bytes: compressed data may itself end in a byte that looks like whitespace
    length = re.search(rb"/Length\s+(\d+)", head)
    data = data[: int(length.group(1))] if length else data.strip()
    if b"/ASCII85Decode" in head:
        data = base64.a85decode(data.removesuffix(b"~>"))
    if b"/FlateDecode" in head:
        data = zlib.decompress(data)
    return data


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, raw)


def _font_maps(pdf: bytes) -> dict[bytes, dict[int, str]]:
    """Each embedded font's resource name (``F2+0``) and its byte-to-text map from its /ToUnicode CMap."""
    objects = {m.group(1): m.group(2) for m in _OBJECT.finditer(pdf)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, number in _FONT_REF.findall(body):
            font = objects.get(number, b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if not to_unicode:
                continue
            stream = _STREAM.search(objects.get(to_unicode.group(1), b""))
            if not stream:
                continue
            cmap = _stream_data(stream.group(1), stream.group(2))
            maps[name] = {
                int(code, 16): chr(int(text, 16))
                for code, text in re.findall(rb"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", cmap)
            }
    return maps


def pdf_text(pdf: bytes) -> str:
    """The text a ReportLab PDF shows, in drawing order, one space between pieces.

    ReportLab compresses its page streams (ASCII85 around Flate); they are unpacked here so that
    the test reads the real download. Text in an embedded font is read back through the font's
    /ToUnicode map (a subset numbers its glyphs its own way); pieces of one run split between
    two subsets join without a space. Names that wrap onto two lines still read as one phrase.
    """
    fonts = _font_maps(pdf)
    pieces: list[str] = []
    for match in _STREAM.finditer(pdf):
        head = match.group(1)
        if b"/Subtype /Image" in head or b"/Type /XObject" in head:
            continue
        data = _stream_data(head, match.group(2))
        font: dict[int, str] | None = None
        moved = True
        for operator in _OPERATOR.finditer(data):
            shown, font_name, move = operator.groups()
            if font_name is not None:
                font = fonts.get(font_name)
            elif move is not None:
                moved = True
            else:
                raw = _unescape(shown)
                text = "".join(font.get(b, "?") for b in raw) if font else raw.decode("cp1252", errors="replace")
                if pieces and not moved:
                    pieces[-1] += text
                else:
                    pieces.append(text)
                moved = False
    return " ".join(pieces)


def pdf_pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    sheet = book.worksheets[0]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def pdf_page_png(pdf: bytes, target: Path, *, dpi: int = 70, page: int = 0) -> Path:
    """Render one page of a PDF to a PNG file (pypdfium2: a wheel, nothing to install on the machine)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    image.save(target)
    return target
