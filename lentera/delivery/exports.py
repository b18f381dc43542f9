"""The daftar hadir (signed attendance sheet) as PDF and Excel, and the JP ledger as Excel.

The sheet looks like the paper one Indonesian auditors expect: library header, programme,
session, date, start and end time (so JP can be checked), instructor, then one row per
participant with name, NIP, work unit, time in, status and room to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as esc  # ReportLab paragraphs are markup: text must be escaped

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from lentera.delivery.models import ScheduledSession
from lentera.delivery.selectors import session_attendance_rows
from lentera.lib import pdf_fonts, xlsx
from lentera.lib.xlsx import workbook_bytes

# Every table cell in the embedded font: a table's default is Helvetica, even for an empty cell.
EMBEDDED_FONT = ("FONTNAME", (0, 0), (-1, -1), pdf_fonts.REGULAR)


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    nip: str
    unit: str
    time_in: str
    status: str


@dataclass(frozen=True)
class AttendanceSheet:
    library_name: str
    library_address: str
    logo_path: str
    programme: str
    cohort: str
    session_title: str
    date: str
    start: str
    end: str
    minutes: int
    jp: int
    room: str
    instructors: str
    rows: list[SheetRow]

    @property
    def filename_stem(self) -> str:
        return f"daftar-hadir-{self.date}-{self.session_title[:40]}".replace(" ", "-").replace("/", "-")


def attendance_sheet(*, session: ScheduledSession) -> AttendanceSheet:
    library = session.library
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    rows = []
    for number, (enrolment, attendance) in enumerate(session_attendance_rows(session=session), start=1):
        person = enrolment.user
        time_in = (
            timezone.localtime(attendance.checked_in_at).strftime("%H:%M")
            if attendance and attendance.checked_in_at
            else ""
        )
        rows.append(
            SheetRow(
                number,
                person.full_name,
                person.nip,
                person.work_unit,
                time_in,
                attendance.get_status_display() if attendance else "",
            )
        )
    logo = ""
    if library.logo:
        try:
            logo = library.logo.path
        except NotImplementedError:  # remote storage: no local path, no logo on the sheet
            logo = ""
    return AttendanceSheet(
        library_name=library.name,
        library_address=library.address or ", ".join(x for x in (library.city, library.province) if x),
        logo_path=logo,
        programme=session.cohort.programme.title,
        cohort=session.cohort.name,
        session_title=session.plan.title,
        date=start.date().isoformat(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        minutes=session.minutes,
        jp=session.jp,
        room=session.room,
        instructors=", ".join(i.full_name for i in session.instructors.order_by("full_name")),
        rows=rows,
    )


def _facts(sheet: AttendanceSheet) -> list[tuple[str, str]]:
    day = date_format(date.fromisoformat(sheet.date), "l, j F Y")
    return [
        (_("Programme"), sheet.programme),
        (_("Cohort"), sheet.cohort),
        (_("Session"), sheet.session_title),
        (_("Day, date"), day),
        (
            _("Time"),
            _("%(start)s–%(end)s (%(minutes)d minutes, %(jp)d JP)")
            % {"start": sheet.start, "end": sheet.end, "minutes": sheet.minutes, "jp": sheet.jp},
        ),
        (_("Room"), sheet.room or "–"),
        (_("Instructor"), sheet.instructors or "–"),
    ]


def _headers() -> list[str]:
    return [_("No."), _("Name"), _("NIP"), _("Work unit"), _("Time in"), _("Status"), _("Signature")]


def daftar_hadir_xlsx(sheet: AttendanceSheet) -> bytes:
    title = [_("ATTENDANCE LIST"), sheet.library_name] + [f"{label}: {value}" for label, value in _facts(sheet)]
    rows = [[r.number, r.name, r.nip, r.unit, r.time_in, r.status, ""] for r in sheet.rows]
    return workbook_bytes(
        sheet_title=_("Attendance"),
        title_lines=title,
        headers=_headers(),
        rows=rows,
        widths=[5, 32, 21, 28, 9, 12, 22],
        row_height=28,
    )


def daftar_hadir_pdf(sheet: AttendanceSheet) -> bytes:
    buffer = BytesIO()
    document = pdf_fonts.a4_document(buffer, title=f"{_('Attendance list')} {sheet.session_title}")
    small = ParagraphStyle("small", fontName=pdf_fonts.REGULAR, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", fontName=pdf_fonts.BOLD, fontSize=12, leading=15, alignment=1)
    sub = ParagraphStyle("sub", fontName=pdf_fonts.REGULAR, fontSize=9, leading=11, alignment=1)
    story: list[Any] = []
    header: list[Any] = [Paragraph(esc(sheet.library_name.upper()), head)]
    if sheet.library_address:
        header.append(Paragraph(esc(sheet.library_address), sub))
    if sheet.logo_path:
        story.append(
            Table(
                [[Image(sheet.logo_path, width=16 * mm, height=16 * mm, kind="proportional"), header]],
                colWidths=[20 * mm, None],
                style=[EMBEDDED_FONT],
            )
        )
    else:
        story.extend(header)
    story.append(Spacer(1, 3 * mm))
    story.append(
        Table([[""]], colWidths=[180 * mm], style=[EMBEDDED_FONT, ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)])
    )
    story.append(Paragraph(esc(_("ATTENDANCE LIST")), head))
    story.append(Spacer(1, 2 * mm))
    facts = [[Paragraph(esc(label), small), Paragraph(f": {esc(value)}", small)] for label, value in _facts(sheet)]
    story.append(
        Table(
            facts,
            colWidths=[30 * mm, 150 * mm],
            style=[EMBEDDED_FONT, ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)],
        )
    )
    story.append(Spacer(1, 3 * mm))
    data: list[list[Any]] = [[Paragraph(f"<b>{esc(h)}</b>", small) for h in _headers()]]
    for r in sheet.rows:
        # the usual Indonesian layout: odd numbers sign on the left of the box, even on the right
        signature = Paragraph(f"{r.number}." if r.number % 2 else f"<para align='right'>{r.number}.</para>", small)
        data.append(
            [
                str(r.number),
                Paragraph(esc(r.name), small),
                r.nip or "–",
                Paragraph(esc(r.unit), small),
                r.time_in,
                Paragraph(esc(r.status), small),
                signature,
            ]
        )
    table = Table(data, colWidths=[10 * mm, 36 * mm, 39 * mm, 30 * mm, 16 * mm, 21 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E3D3")),
                EMBEDDED_FONT,
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWHEIGHT", (0, 1), (-1, -1), 9 * mm),
            ]
        )
    )
    for row in range(1, len(data)):
        table._argH[row] = 9 * mm  # room to sign
    story.append(table)
    story.append(Spacer(1, 8 * mm))
    signature_block = [
        [Paragraph(esc(_("Instructor")), small), Paragraph(esc(_("Training coordinator")), small)],
        ["", ""],
        [
            Paragraph(f"( {esc(sheet.instructors) or '....................'} )", small),
            Paragraph("( .................................... )", small),
        ],
    ]
    story.append(
        Table(
            signature_block,
            colWidths=[90 * mm, 90 * mm],
            rowHeights=[6 * mm, 18 * mm, 6 * mm],
            style=[EMBEDDED_FONT],
        )
    )
    document.build(story)
    return buffer.getvalue()


def jp_ledger_xlsx(*, library_name: str, year: int, target: int, people: list[Any]) -> bytes:
    rows = [
        [
            i,
            p.full_name,
            p.nip,
            p.work_unit,
            str(p.functional_level or ""),
            p.sessions,
            p.jp,
            _("yes") if p.jp >= target else _("no"),
        ]
        for i, p in enumerate(people, start=1)
    ]
    return workbook_bytes(
        sheet_title=f"JP {year}",
        title_lines=[
            _("JP ledger %(year)s") % {"year": year},
            library_name,
            _("Target: %(target)s JP per librarian per year (1 JP = 45 minutes)") % {"target": target},
        ],
        headers=[
            _("No."),
            _("Name"),
            _("NIP"),
            _("Work unit"),
            _("Functional level"),
            _("Sessions"),
            "JP",
            _("Target reached"),
        ],
        rows=rows,
        widths=[5, 32, 21, 28, 16, 10, 8, 14],
    )


def roster_template_xlsx(*, levels: list[str]) -> bytes:
    """The participant-list template: the expected columns, one example row, and the levels sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = _("Participants")[:31]
    headers = ["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"]
    xlsx.append(sheet, headers)
    xlsx.append(
        sheet,
        [
            "Siti Aminah, S.IP.",
            "siti.aminah@contoh.id",
            "198703152010012003",
            "Layanan Referensi",
            levels[0] if levels else "",
            "0812 3456 7890",
        ],
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (30, 30, 22, 28, 22, 18), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, max_row=2000, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "@"  # keep NIPs as text, not 1.98E+17
    notes = book.create_sheet(_("Functional levels")[:31])
    xlsx.append(notes, [_("Use one of these in the Jabatan fungsional column:")])
    for level in levels:
        xlsx.append(notes, [level])
    return xlsx.to_bytes(book)


def jp_history_pdf(
    *,
    library_name: str,
    person_name: str,
    nip: str,
    work_unit: str,
    functional_level: str,
    years: list[Any],
    printed_at: Any,
) -> bytes:
    """A participant's JP history (``jp_history.HistoryYear`` list) as an A4 PDF for their dossier."""
    buffer = BytesIO()
    document = pdf_fonts.a4_document(buffer, title=f"{_('JP history')} {person_name}", author="Lentera")
    small = ParagraphStyle("small", fontName=pdf_fonts.REGULAR, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", fontName=pdf_fonts.BOLD, fontSize=12, leading=15, alignment=1)
    year_head = ParagraphStyle("year", fontName=pdf_fonts.BOLD, fontSize=10.5, leading=13, spaceBefore=4)
    story: list[Any] = [
        Paragraph(esc(library_name.upper()), head),
        Spacer(1, 2 * mm),
        Table([[""]], colWidths=[180 * mm], style=[EMBEDDED_FONT, ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)]),
        Paragraph(esc(_("JP HISTORY")), head),
        Spacer(1, 2 * mm),
    ]
    facts = [
        (_("Name"), person_name),
        (_("NIP"), nip or "–"),
        (_("Work unit"), work_unit or "–"),
        (_("Functional level"), functional_level or "–"),
    ]
    story.append(
        Table(
            [[Paragraph(esc(label), small), Paragraph(f": {esc(value)}", small)] for label, value in facts],
            colWidths=[35 * mm, 145 * mm],
            style=[EMBEDDED_FONT, ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)],
        )
    )
    rule = _("1 JP = 45 minutes of training. Only sessions attended (present or late) count.")
    story.append(Paragraph(esc(rule), small))
    story.append(Spacer(1, 3 * mm))
    if not years:
        story.append(Paragraph(esc(_("No sessions yet.")), small))
    for year in years:
        summary = _("%(year)s: %(total)s of %(target)s JP") % {
            "year": year.year,
            "total": year.total,
            "target": year.target,
        }
        verdict = _("target reached") if year.reached else _("%(n)s JP to go") % {"n": year.missing}
        story.append(Paragraph(f"{esc(summary)} ({esc(verdict)})", year_head))
        story.append(Spacer(1, 1.5 * mm))
        headers = [_("No."), _("Date"), _("Time"), _("Session"), _("Cohort"), "JP", _("Status")]
        data: list[list[Any]] = [[Paragraph(f"<b>{esc(h)}</b>", small) for h in headers]]
        for number, line in enumerate(year.lines, start=1):
            start, end = timezone.localtime(line.starts_at), timezone.localtime(line.ends_at)
            data.append(
                [
                    str(number),
                    date_format(start.date(), "j M Y"),
                    f"{start:%H:%M}–{end:%H:%M}",
                    Paragraph(esc(line.session), small),
                    Paragraph(esc(line.cohort), small),
                    str(line.jp_counted) if line.counts else f"({line.jp})",
                    Paragraph(esc(line.status_label), small),
                ]
            )
        data.append(["", "", "", Paragraph(f"<b>{esc(_('Total'))}</b>", small), "", str(year.total), ""])
        table = Table(data, colWidths=[10 * mm, 22 * mm, 24 * mm, 54 * mm, 35 * mm, 12 * mm, 23 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    EMBEDDED_FONT,
                    ("FONTNAME", (0, -1), (-1, -1), pdf_fonts.BOLD),
                    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E3D3")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (5, 0), (5, -1), "RIGHT"),
                ]
            )
        )
        story.append(table)
        story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            esc(
                _("Printed from Lentera on %(when)s. JP in brackets did not count.")
                % {"when": date_format(timezone.localtime(printed_at), "j F Y H:i")}
            ),
            small,
        )
    )
    document.build(story)
    return buffer.getvalue()
