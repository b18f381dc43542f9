"""The daftar hadir (attendance sheet) as data, PDF and Excel, and the JP ledger download."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from reportlab import rl_config

from lentera.accounts.models import Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.delivery import exports
from lentera.delivery.models import Attendance, Cohort, Enrolment, ScheduledSession
from lentera.delivery.tests.factories import WIB, CohortFactory, EnrolmentFactory, ScheduledSessionFactory
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 6, 30, tzinfo=WIB)  # 23:30 UTC on 1 March: the sheet must say 2 March
HEADERS = ("No.", "Name", "NIP", "Work unit", "Time in", "Status", "Signature")


def gettext_id(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def person(library: Any, full_name: str, *, nip: str = "", work_unit: str = "") -> Any:
    user = UserFactory(full_name=full_name, nip=nip, work_unit=work_unit)
    MembershipFactory(user=user, library=library, role=Role.PARTICIPANT)
    return user


def attend(session: ScheduledSession, user: Any, status: str, minutes_after_start: int | None = None) -> None:
    checked_in_at = None if minutes_after_start is None else session.starts_at + timedelta(minutes=minutes_after_start)
    Attendance.objects.create(
        library=session.library, session=session, user=user, status=status, checked_in_at=checked_in_at
    )


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(
        programme__library=coordinator.library, programme__title="Pelatihan Katalogisasi", name="Angkatan I"
    )


@pytest.fixture
def session(cohort: Cohort, instructor: Any) -> ScheduledSession:
    """135 minutes (3 JP) from 06:30 WIB, taught by the instructor persona and Ani, with four participants."""
    library = cohort.library
    ani = UserFactory(full_name="Ani Pengajar")
    session = ScheduledSessionFactory(
        cohort=cohort,
        starts_at=START,
        ends_at=START + timedelta(minutes=135),
        room="Ruang Baca",
        plan__title="Klasifikasi DDC",
        instructors=[instructor.user, ani],
    )
    citra = person(library, "Citra Dewi", nip="198703152010012003", work_unit="Layanan Referensi")
    agus = person(library, "Agus Salim", nip="199001012015031001", work_unit="Pengolahan")
    bambang = person(library, "Bambang Sutrisno", work_unit="Sirkulasi")
    dedi = person(library, "Dedi Kurnia")
    for user in (citra, agus, bambang, dedi):
        EnrolmentFactory(cohort=cohort, user=user)
    EnrolmentFactory(cohort=cohort, user=person(library, "Eko Menunggu"), status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=cohort, user=person(library, "Fajar Mundur"), status=Enrolment.Status.WITHDRAWN)
    attend(session, citra, Attendance.Status.PRESENT, minutes_after_start=-5)
    attend(session, bambang, Attendance.Status.LATE, minutes_after_start=20)
    attend(session, dedi, Attendance.Status.EXCUSED)
    return session


# The data of the sheet --------------------------------------------------------------------------


class TestAttendanceSheetData:
    def test_the_header_facts(self, session: ScheduledSession, instructor: Any) -> None:
        sheet = exports.attendance_sheet(session=session)
        assert (sheet.library_name, sheet.library_address, sheet.logo_path) == (
            "Perpustakaan A",
            "Kota Uji, Jawa Timur",
            "",
        )
        assert (sheet.programme, sheet.cohort, sheet.session_title) == (
            "Pelatihan Katalogisasi",
            "Angkatan I",
            "Klasifikasi DDC",
        )
        assert (sheet.date, sheet.start, sheet.end, sheet.minutes, sheet.jp) == ("2026-03-02", "06:30", "08:45", 135, 3)
        assert sheet.room == "Ruang Baca"
        assert sheet.instructors == f"Ani Pengajar, {instructor.user.full_name}"

    def test_one_row_per_enrolled_participant_by_name(self, session: ScheduledSession) -> None:
        with translation.override("en"):
            rows = exports.attendance_sheet(session=session).rows
        assert [(r.number, r.name, r.nip, r.unit, r.time_in, r.status) for r in rows] == [
            (1, "Agus Salim", "199001012015031001", "Pengolahan", "", ""),
            (2, "Bambang Sutrisno", "", "Sirkulasi", "06:50", "Late"),
            (3, "Citra Dewi", "198703152010012003", "Layanan Referensi", "06:25", "Present"),
            (4, "Dedi Kurnia", "", "", "", "Excused"),
        ]

    def test_the_library_address_wins_over_city_and_province(self, session: ScheduledSession) -> None:
        session.library.address = "Jl. Merdeka 1, Surabaya"
        session.library.save()
        assert exports.attendance_sheet(session=session).library_address == "Jl. Merdeka 1, Surabaya"

    def test_a_session_without_participants_has_no_rows(self, coordinator: Any) -> None:
        session = ScheduledSessionFactory(cohort__programme__library=coordinator.library)
        sheet = exports.attendance_sheet(session=session)
        assert sheet.rows == [] and sheet.instructors == ""

    def test_the_file_name_has_the_date_and_the_title(self, session: ScheduledSession) -> None:
        session.plan.title = "Katalogisasi / Klasifikasi untuk Pustakawan Tingkat Lanjut Angkatan Pertama"
        session.plan.save()
        stem = exports.attendance_sheet(session=session).filename_stem
        assert stem == "daftar-hadir-2026-03-02-Katalogisasi---Klasifikasi-untuk-Pustaka"
        assert "/" not in stem and " " not in stem


# The PDF ----------------------------------------------------------------------------------------


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def sheet_with(coordinator: Any, count: int) -> exports.AttendanceSheet:
    session = ScheduledSessionFactory(cohort__programme__library=coordinator.library)
    for n in range(count):
        EnrolmentFactory(cohort=session.cohort, user=UserFactory(full_name=f"Peserta Nomor {n:03d}"))
    return exports.attendance_sheet(session=session)


class TestPdf:
    def test_the_pdf_has_every_participant(self, session: ScheduledSession, monkeypatch: Any) -> None:
        monkeypatch.setattr(rl_config, "pageCompression", 0)
        pdf = exports.daftar_hadir_pdf(exports.attendance_sheet(session=session))
        assert pdf.startswith(b"%PDF")
        for name in ("Agus Salim", "Bambang Sutrisno", "Citra Dewi", "Dedi Kurnia"):
            assert f"({name})".encode() in pdf, name
        assert b"(: Klasifikasi DDC)" in pdf and b"(: Ruang Baca)" in pdf
        for absent in ("Eko Menunggu", "Fajar Mundur"):
            assert absent.encode() not in pdf
        assert b"198703152010012003" in pdf and b"06:25" in pdf
        assert pages(pdf) == 1

    @pytest.mark.parametrize(("count", "expected"), [(5, 1), (30, 2), (60, 3)])
    def test_long_lists_run_over_pages(self, coordinator: Any, count: int, expected: int, monkeypatch: Any) -> None:
        monkeypatch.setattr(rl_config, "pageCompression", 0)
        pdf = exports.daftar_hadir_pdf(sheet_with(coordinator, count))
        assert pages(pdf) == expected
        assert f"(Peserta Nomor {count - 1:03d})".encode() in pdf

    def test_the_logo_is_printed(self, session: ScheduledSession, monkeypatch: Any) -> None:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (40, 40), "#c0392b").save(buffer, format="PNG")
        session.library.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
        session.library.save()
        sheet = exports.attendance_sheet(session=session)
        assert sheet.logo_path.endswith(".png")
        monkeypatch.setattr(rl_config, "pageCompression", 0)
        pdf = exports.daftar_hadir_pdf(sheet)
        assert b"/Subtype /Image" in pdf and b"(PERPUSTAKAAN A)" in pdf

    def test_ampersands_are_printed_as_typed(self, session: ScheduledSession, monkeypatch: Any) -> None:
        """Names and titles are text, not ReportLab markup: "Q&A" must not come out as "Q&A;"."""
        session.plan.title = "Sesi Tanya Jawab Q&A"
        session.plan.save()
        bambang = session.cohort.enrolments.get(user__full_name="Bambang Sutrisno").user
        bambang.work_unit = "Litbang R&D"
        bambang.save()
        monkeypatch.setattr(rl_config, "pageCompression", 0)
        pdf = exports.daftar_hadir_pdf(exports.attendance_sheet(session=session))
        assert b"&A;" not in pdf
        assert b"&D;" not in pdf


# The downloads ----------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    assert book.active is not None
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


class TestAttendanceSheetDownload:
    def test_the_pdf_download(self, instructor: Any, session: ScheduledSession) -> None:
        response = instructor.client.get(reverse("delivery:attendance_sheet", args=[session.pk, "pdf"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="daftar-hadir-2026-03-02-Klasifikasi-DDC.pdf"'
        assert response.content.startswith(b"%PDF")

    def test_the_excel_download(self, coordinator: Any, session: ScheduledSession) -> None:
        response = coordinator.client.get(reverse("delivery:attendance_sheet", args=[session.pk, "xlsx"]))
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="daftar-hadir-2026-03-02-Klasifikasi-DDC.xlsx"'
        rows = sheet_rows(response.content)
        headers = tuple(gettext_id(h) for h in HEADERS)
        assert headers != HEADERS  # the sheet is in the person's language
        start = rows.index(headers)
        titles = [row[0] for row in rows[: start - 1]]
        assert titles[:2] == [gettext_id("ATTENDANCE LIST"), "Perpustakaan A"]
        assert any("Klasifikasi DDC" in t for t in titles)
        assert any("2 Maret 2026" in t for t in titles)  # the Indonesian date
        [time_line] = [t for t in titles if "06:30–08:45" in t]
        assert "135" in time_line and "3 JP" in time_line
        assert any("Ruang Baca" in t for t in titles)
        with translation.override("id"):
            late, present, excused = (Attendance.Status(s).label for s in ("late", "present", "excused"))
        assert [tuple("" if v is None else v for v in row) for row in rows[start + 1 :]] == [
            (1, "Agus Salim", "199001012015031001", "Pengolahan", "", "", ""),
            (2, "Bambang Sutrisno", "", "Sirkulasi", "06:50", late, ""),
            (3, "Citra Dewi", "198703152010012003", "Layanan Referensi", "06:25", present, ""),
            (4, "Dedi Kurnia", "", "", "", excused, ""),
        ]

    def test_a_title_with_quotes_gives_a_well_formed_attachment_header(
        self, coordinator: Any, session: ScheduledSession
    ) -> None:
        session.plan.title = 'Menulis "Abstrak" Ilmiah'
        session.plan.save()
        response = coordinator.client.get(reverse("delivery:attendance_sheet", args=[session.pk, "pdf"]))
        # RFC 6266: filename is a token or a quoted-string, where a quote inside must be escaped
        assert re.fullmatch(r'attachment; filename="(?:[^"\\]|\\.)*\.pdf"', response["Content-Disposition"])


class TestJpLedgerExport:
    def test_one_row_per_participant_with_their_jp(self, coordinator: Any, cohort: Cohort) -> None:
        library = cohort.library
        ani = person(library, "Ani Lestari", nip="198001012005012001", work_unit="Referensi")
        budi = person(library, "Budi Santoso")
        for user in (ani, budi):
            EnrolmentFactory(cohort=cohort, user=user)
        four_jp = ScheduledSessionFactory(cohort=cohort, starts_at=START, ends_at=START + timedelta(minutes=180))
        later = START + timedelta(days=1)
        two_jp = ScheduledSessionFactory(cohort=cohort, starts_at=later, ends_at=later + timedelta(minutes=90))
        attend(four_jp, ani, Attendance.Status.PRESENT)
        attend(two_jp, ani, Attendance.Status.LATE)
        attend(four_jp, budi, Attendance.Status.ABSENT)
        attend(two_jp, budi, Attendance.Status.PRESENT)

        response = coordinator.client.get(reverse("delivery:jp_ledger_export"), {"tahun": "2026"})

        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="jp-perpustakaan-a-2026.xlsx"'
        rows = sheet_rows(response.content)
        [header_index] = [i for i, row in enumerate(rows) if "JP" in row]
        header = rows[header_index]
        jp_column, name_column = header.index("JP"), header.index(gettext_id("Name"))
        data = [row for row in rows[header_index + 1 :] if any(v is not None for v in row)]
        assert [(row[0], row[name_column], row[jp_column]) for row in data] == [
            (1, "Ani Lestari", 6),
            (2, "Budi Santoso", 2),
        ]
        assert data[0][2] == "198001012005012001"
        assert any("2026" in str(row[0]) for row in rows[:header_index])
