"""Importing a participant list: reading the file, checking each row, the preview and the apply."""

from __future__ import annotations

import functools
import io
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from lentera.accounts.models import AuditEntry, FunctionalLevel, Membership, Role, User
from lentera.accounts.tests.factories import MembershipFactory, UserFactory, functional_level
from lentera.delivery import roster_import, services
from lentera.delivery.models import Cohort, Enrolment, RosterImport
from lentera.delivery.roster_import import ImportFileError, check_rows, column_labels, read_rows
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory
from lentera.delivery.views import roster as roster_views
from lentera.lib.tests.bombs import xlsx_bomb

HEADERS = ["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"]
NIP = "198703152010012003"
OTHER_NIP = "199001012015031001"
LEVELS = {"ahli pertama": 1, "ahli muda": 2, "terampil": 5}
LEVEL_NAMES = ["Ahli Pertama", "Ahli Muda", "Terampil"]  # as spelled in the database, in its order
EMPTY = {"name": "", "email": "", "nip": "", "work_unit": "", "functional_level": "", "phone": ""}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English here; the Indonesian page is tested in test_roster_import_views."""
    with translation.override("en"):
        yield


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx(rows: list[list[Any]], name: str = "peserta.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def csv_file(data: bytes, name: str = "peserta.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def values(**given: str) -> dict[str, str]:
    return {**EMPTY, **given}


def read_error(upload: SimpleUploadedFile) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_rows(upload)
    return " ".join(caught.value.messages)


# read_rows --------------------------------------------------------------------------------------


class TestReadRows:
    def test_xlsx_with_the_templates_indonesian_headers(self) -> None:
        upload = xlsx(
            [
                HEADERS,
                [
                    "Siti Aminah, S.IP.",
                    "siti.aminah@contoh.id",
                    NIP,
                    "Layanan Referensi",
                    "Ahli Pertama",
                    "0812 3456 7890",
                ],
            ]
        )
        columns, rows = read_rows(upload)
        assert columns == ["name", "email", "nip", "work_unit", "functional_level", "phone"]
        assert rows == [
            (
                2,
                {
                    "name": "Siti Aminah, S.IP.",
                    "email": "siti.aminah@contoh.id",
                    "nip": NIP,
                    "work_unit": "Layanan Referensi",
                    "functional_level": "Ahli Pertama",
                    "phone": "0812 3456 7890",
                },
            )
        ]

    def test_xlsx_with_english_headers_in_another_order(self) -> None:
        upload = xlsx(
            [
                ["Email", "Full name", "Phone", "Work unit", "Functional level", "NIP"],
                ["budi@contoh.id", "Budi Santoso", "+62 812 1111 2222", "Pengolahan", "Terampil", OTHER_NIP],
            ]
        )
        columns, rows = read_rows(upload)
        assert columns == ["name", "email", "nip", "work_unit", "functional_level", "phone"]
        assert rows == [
            (
                2,
                values(
                    name="Budi Santoso",
                    email="budi@contoh.id",
                    nip=OTHER_NIP,
                    work_unit="Pengolahan",
                    functional_level="Terampil",
                    phone="+62 812 1111 2222",
                ),
            )
        ]

    def test_header_spellings_ignore_case_and_spaces_and_unknown_columns_are_ignored(self) -> None:
        upload = xlsx(
            [
                ["  NAMA  LENGKAP ", "E-Mail", "nip", "Unit   Kerja", "JABATAN", "No. HP", "Keterangan"],
                ["Ani", "ani@contoh.id", NIP, "Sirkulasi", "Ahli Muda", "0812 0000 1111", "catatan"],
            ]
        )
        columns, rows = read_rows(upload)
        assert columns == ["name", "email", "nip", "work_unit", "functional_level", "phone"]
        assert rows[0][1] == values(
            name="Ani",
            email="ani@contoh.id",
            nip=NIP,
            work_unit="Sirkulasi",
            functional_level="Ahli Muda",
            phone="0812 0000 1111",
        )

    def test_missing_optional_columns_read_as_empty(self) -> None:
        columns, rows = read_rows(xlsx([["Nama", "Email"], ["Ani", "ani@contoh.id"]]))
        assert columns == ["name", "email"]
        assert rows == [(2, values(name="Ani", email="ani@contoh.id"))]

    @pytest.mark.parametrize("number", [198703152010012003, 1.98703152010012e17], ids=["int", "float"])
    def test_a_nip_excel_stored_as_a_number_is_refused_not_rounded(self, number: float) -> None:
        # Excel (and openpyxl) keep 15 significant digits: the file holds 1.98703152010012e+17, whose
        # last digits are lost. Storing 198703152010012000 would be a wrong NIP, so the row is an error.
        _columns, rows = read_rows(xlsx([["Nama", "NIP"], ["Ani", number]]))
        assert "e+" in rows[0][1]["nip"]
        [row] = check_rows(rows, levels={}, users_by_email={}, users_by_nip={}, enrolled_user_ids=set())
        assert row.outcome == "error"
        assert [column for column, _message in row.errors] == [column_labels()["nip"]]

    def test_a_nip_written_as_an_exact_integer_keeps_every_digit(self) -> None:
        # Other tools write the full integer into the sheet XML; it must not pass through a float.
        data = xlsx_bytes([["Nama", "NIP"], ["Ani", 1.5]])
        source, patched = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(patched, "w") as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(b"<v>1.5</v>", f"<v>{NIP}</v>".encode())
                target.writestr(item, content)
        _columns, rows = read_rows(SimpleUploadedFile("peserta.xlsx", patched.getvalue()))
        assert rows[0][1]["nip"] == NIP

    def test_a_nip_typed_as_text_is_kept(self) -> None:
        _columns, rows = read_rows(xlsx([["Nama", "NIP"], ["Ani", NIP]]))
        assert rows[0][1]["nip"] == NIP

    def test_csv_with_commas(self) -> None:
        data = f'Nama,Email,NIP\n"Nurul Hidayah, S.Pd.",nurul@contoh.id,{NIP}\nBudi,budi@contoh.id,\n'.encode()
        columns, rows = read_rows(csv_file(data))
        assert columns == ["name", "email", "nip"]
        assert rows == [
            (2, values(name="Nurul Hidayah, S.Pd.", email="nurul@contoh.id", nip=NIP)),
            (3, values(name="Budi", email="budi@contoh.id")),
        ]

    def test_csv_with_semicolons_as_indonesian_excel_saves_it(self) -> None:
        data = f"Nama;Email;NIP\nNurul Hidayah, S.Pd.;nurul@contoh.id;{NIP}\nBudi;budi@contoh.id;\n".encode()
        _columns, rows = read_rows(csv_file(data))
        assert rows == [
            (2, values(name="Nurul Hidayah, S.Pd.", email="nurul@contoh.id", nip=NIP)),
            (3, values(name="Budi", email="budi@contoh.id")),
        ]

    def test_csv_in_windows_1252(self) -> None:
        text = 'Nama,Email\r\n"Nurul Hidayah, S.Pd.",nurul@contoh.id\r\nThéresia Dewi,theresia@contoh.id\r\n'
        _columns, rows = read_rows(csv_file(text.encode("cp1252")))
        assert [(line, v["name"], v["email"]) for line, v in rows] == [
            (2, "Nurul Hidayah, S.Pd.", "nurul@contoh.id"),
            (3, "Théresia Dewi", "theresia@contoh.id"),
        ]

    def test_csv_in_utf8_with_a_byte_order_mark(self) -> None:
        data = "\ufeffNama,Email\nNi Luh Ayu Sëkar,sekar@contoh.id\n".encode()
        columns, rows = read_rows(csv_file(data))
        assert columns == ["name", "email"]
        assert rows == [(2, values(name="Ni Luh Ayu Sëkar", email="sekar@contoh.id"))]

    def test_blank_rows_are_skipped_and_rows_keep_the_numbers_excel_shows(self) -> None:
        upload = xlsx(
            [
                ["Nama", "Email"],
                ["Ani", "ani@contoh.id"],
                [],
                [None, "  "],
                ["Budi", "budi@contoh.id"],
            ]
        )
        _columns, rows = read_rows(upload)
        assert [(line, v["name"]) for line, v in rows] == [(2, "Ani"), (5, "Budi")]

    def test_blank_lines_in_a_csv_keep_the_numbers_excel_shows(self) -> None:
        data = b"Nama,Email\nAni,ani@contoh.id\n\n,\nBudi,budi@contoh.id\n"
        _columns, rows = read_rows(csv_file(data))
        assert [(line, v["name"]) for line, v in rows] == [(2, "Ani"), (5, "Budi")]

    def test_an_import_file_error_is_a_validation_error(self) -> None:
        assert issubclass(ImportFileError, ValidationError)

    def test_a_file_without_a_name_column(self) -> None:
        message = read_error(xlsx([["Email", "NIP"], ["ani@contoh.id", NIP]]))
        assert "no Name column" in message
        assert "template" in message

    @pytest.mark.parametrize(
        "upload",
        [
            csv_file(b""),
            csv_file(b"\n\n,,\n , \n"),
            xlsx([]),
        ],
        ids=["empty-csv", "blank-csv", "empty-xlsx"],
    )
    def test_an_empty_file(self, upload: SimpleUploadedFile) -> None:
        assert read_error(upload) == "The file is empty."

    def test_a_damaged_xlsx(self) -> None:
        message = read_error(SimpleUploadedFile("peserta.xlsx", b"PK\x03\x04" + b"rusak" * 200))
        assert "cannot be read" in message
        assert "damaged" in message

    def test_a_zip_that_is_not_a_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("catatan.txt", "bukan Excel")
        message = read_error(SimpleUploadedFile("peserta.xlsx", buffer.getvalue()))
        assert "cannot be read" in message

    @pytest.mark.parametrize("name", ["peserta.xlsx", "PESERTA.XLS"])
    def test_an_excel_name_on_content_that_is_not_a_workbook(self, name: str) -> None:
        message = read_error(SimpleUploadedFile(name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"))
        assert "not an .xlsx file" in message

    def test_a_file_over_10_mb(self) -> None:
        upload = csv_file(b"Nama\n" + b"a" * (roster_import.MAX_BYTES - 4))
        assert upload.size == roster_import.MAX_BYTES + 1
        assert "larger than 10.0\xa0MB" in read_error(upload)

    def test_a_file_of_exactly_the_limit_is_read(self, monkeypatch: Any) -> None:
        data = b"Nama,Email\nAni,ani@contoh.id\n"
        monkeypatch.setattr(roster_import, "MAX_BYTES", len(data))
        assert len(read_rows(csv_file(data))[1]) == 1
        monkeypatch.setattr(roster_import, "MAX_BYTES", len(data) - 1)
        assert "larger than" in read_error(csv_file(data))

    def test_more_rows_than_allowed(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
        three = [["Nama"], ["A"], ["B"], ["C"]]
        assert len(read_rows(xlsx(three))[1]) == 3
        message = read_error(xlsx([*three, ["D"]]))
        assert message == "At most 3 rows can be imported at once."

    def test_a_binary_file_named_csv(self) -> None:
        message = read_error(csv_file(b"\x00\x01\x02\x03Nama\x00\x00Email\x00" * 50))
        assert "not a CSV text file" in message

    def test_undecodable_bytes_named_csv(self) -> None:
        # 0x81 and 0x8d are undefined in both UTF-8 (as start bytes) and Windows-1252.
        message = read_error(csv_file(b"Nama\n\x81\x8d\x8f\x90\x9d\n"))
        assert "Save it as CSV UTF-8" in message


# check_rows -------------------------------------------------------------------------------------


def check(
    *rows: dict[str, str],
    users_by_email: dict[str, int] | None = None,
    users_by_nip: dict[str, int] | None = None,
    enrolled_user_ids: set[int] | None = None,
) -> list[roster_import.RowCheck]:
    """Check rows numbered as in a spreadsheet: the first data row is line 2."""
    return check_rows(
        [(line, values(**row)) for line, row in enumerate(rows, start=2)],
        levels=LEVELS,
        level_names=LEVEL_NAMES,
        users_by_email=users_by_email or {},
        users_by_nip=users_by_nip or {},
        enrolled_user_ids=enrolled_user_ids or set(),
    )


def problems(checks: list[roster_import.RowCheck]) -> list[tuple[int, str, str]]:
    return [(c.line, column, message) for c in checks for column, message in c.errors]


class TestCheckRows:
    def test_a_complete_row_of_a_new_person(self) -> None:
        [row] = check(
            {
                "name": "Siti Aminah",
                "email": "Siti.Aminah@Contoh.ID",
                "nip": "19870315 201001 2 003",
                "functional_level": " ahli PERTAMA ",
                "phone": "+62 812-3456-7890",
            }
        )
        assert (row.line, row.outcome, row.errors, row.user_id, row.level_id) == (2, "new", [], None, 1)
        assert (row.values["email"], row.values["nip"]) == ("siti.aminah@contoh.id", NIP)

    def test_an_empty_name(self) -> None:
        checks = check({"name": "Ani", "email": "ani@contoh.id"}, {"name": "", "email": "budi@contoh.id"})
        assert problems(checks) == [(3, "Name", "The name is empty.")]
        assert [c.outcome for c in checks] == ["new", "error"]

    def test_a_bad_email(self) -> None:
        checks = check({"name": "Ani", "email": "ani(at)contoh.id"})
        assert problems(checks) == [(2, "Email", "“ani(at)contoh.id” is not a valid email address.")]
        assert checks[0].outcome == "error"

    def test_a_duplicate_email_names_the_earlier_row(self) -> None:
        checks = check(
            {"name": "Ani", "email": "ani@contoh.id"},
            {"name": "Budi", "email": "budi@contoh.id"},
            {"name": "Ani Lagi", "email": "ANI@contoh.id"},
        )
        assert problems(checks) == [(4, "Email", "The same email is already in row 2.")]
        assert [c.outcome for c in checks] == ["new", "new", "error"]

    @pytest.mark.parametrize("nip", ["19870315201001200", "1987031520100120031", "19870315201001200X"])
    def test_a_nip_that_is_not_18_digits(self, nip: str) -> None:
        checks = check({"name": "Ani", "nip": nip})
        assert problems(checks) == [(2, "NIP", f"A NIP has exactly 18 digits; “{nip}” does not.")]
        assert checks[0].outcome == "error"

    def test_a_duplicate_nip_names_the_earlier_row(self) -> None:
        checks = check(
            {"name": "Ani", "nip": NIP},
            {"name": "Budi", "nip": OTHER_NIP},
            {"name": "Citra", "nip": "19870315 201001 2 003"},
        )
        assert problems(checks) == [(4, "NIP", "Duplicate NIP: the same NIP is already in row 2.")]
        assert [c.outcome for c in checks] == ["new", "new", "error"]

    def test_an_unknown_functional_level_lists_the_known_ones(self) -> None:
        checks = check({"name": "Ani", "email": "ani@contoh.id", "functional_level": "Pustakawan Senior"})
        assert problems(checks) == [
            (
                2,
                "Functional level",
                "Unknown functional level “Pustakawan Senior”. Use one of: Ahli Pertama, Ahli Muda, Terampil.",
            )
        ]
        assert checks[0].outcome == "error"

    @pytest.mark.parametrize("phone", ["0812", "0812-abc-7890", "nomor 0812 3456 7890"])
    def test_a_bad_phone(self, phone: str) -> None:
        checks = check({"name": "Ani", "email": "ani@contoh.id", "phone": phone})
        assert problems(checks) == [(2, "Phone", f"“{phone}” is not a phone number.")]
        assert checks[0].outcome == "error"

    def test_neither_email_nor_nip(self) -> None:
        checks = check({"name": "Ani", "work_unit": "Sirkulasi"})
        assert problems(checks) == [(2, "Email", "Give an email or a NIP, so the person can be recognised.")]
        assert checks[0].outcome == "error"

    def test_an_email_and_a_nip_of_two_different_people(self) -> None:
        checks = check(
            {"name": "Ani", "email": "ani@contoh.id", "nip": NIP},
            users_by_email={"ani@contoh.id": 11},
            users_by_nip={NIP: 12},
        )
        assert problems(checks) == [(2, "NIP", "This NIP belongs to a different person from the one with this email.")]
        assert checks[0].outcome == "error"

    def test_every_problem_of_a_row_is_reported(self) -> None:
        checks = check({"name": "", "email": "bukan-email", "nip": "123", "phone": "x"})
        assert [(line, column) for line, column, _message in problems(checks)] == [
            (2, "Name"),
            (2, "Email"),
            (2, "NIP"),
            (2, "Phone"),
        ]

    def test_an_existing_person_matched_by_email_whatever_its_case(self) -> None:
        [row] = check({"name": "Ani", "email": "ANI@Contoh.id"}, users_by_email={"ani@contoh.id": 7})
        assert (row.outcome, row.user_id) == ("existing", 7)

    def test_an_existing_person_matched_by_nip(self) -> None:
        [row] = check({"name": "Ani", "nip": "19870315 201001 2 003"}, users_by_nip={NIP: 8})
        assert (row.outcome, row.user_id) == ("existing", 8)

    def test_an_email_and_a_nip_of_the_same_person(self) -> None:
        [row] = check(
            {"name": "Ani", "email": "ani@contoh.id", "nip": NIP},
            users_by_email={"ani@contoh.id": 7},
            users_by_nip={NIP: 7},
        )
        assert (row.outcome, row.user_id) == ("existing", 7)

    def test_a_person_already_in_the_cohort(self) -> None:
        [row] = check(
            {"name": "Ani", "email": "ani@contoh.id"}, users_by_email={"ani@contoh.id": 7}, enrolled_user_ids={7}
        )
        assert (row.outcome, row.user_id, row.errors) == ("enrolled", 7, [])

    def test_the_same_existing_person_twice_once_by_email_once_by_nip(self) -> None:
        checks = check(
            {"name": "Ani", "email": "ani@contoh.id"},
            {"name": "Ani", "nip": NIP},
            users_by_email={"ani@contoh.id": 7},
            users_by_nip={NIP: 7},
        )
        assert [c.outcome for c in checks] == ["existing", "error"]
        [(line, _column, message)] = problems(checks)
        assert line == 3
        assert "2" in message


# Services ---------------------------------------------------------------------------------------


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library, capacity=30)


def preview(coordinator: Any, cohort: Cohort, *rows: list[Any]) -> RosterImport:
    return services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=xlsx([HEADERS, *rows]))


def apply(coordinator: Any, upload: RosterImport) -> dict[str, int]:
    return services.roster_import_apply(actor=coordinator.user, roster_import=upload)


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Enrolment.objects.count(),
        AuditEntry.objects.count(),
    )


def status_of(cohort: Cohort, user: User) -> str:
    return Enrolment.objects.get(cohort=cohort, user=user).status


@pytest.mark.django_db
class TestPreview:
    def test_stores_the_checked_rows_and_a_summary_and_writes_nobody(self, coordinator: Any, cohort: Cohort) -> None:
        known = UserFactory(email="ani@contoh.id")
        inside = UserFactory(nip=NIP)
        EnrolmentFactory(cohort=cohort, user=inside)
        before = counts()

        upload = preview(
            coordinator,
            cohort,
            ["Budi Santoso", "budi@contoh.id", "", "", "", ""],
            ["Ani", "ANI@contoh.id", "", "", "", ""],
            ["Citra", "", NIP, "", "", ""],
            ["Dewi", "bukan-email", "", "", "", ""],
        )

        assert counts() == before
        upload.refresh_from_db()
        assert (upload.library, upload.cohort, upload.created_by) == (cohort.library, cohort, coordinator.user)
        assert (upload.status, upload.file_name) == (RosterImport.Status.PREVIEW, "peserta.xlsx")
        assert upload.summary == {"new": 1, "existing": 1, "enrolled": 1, "error": 1}
        assert [(r["line"], r["outcome"], r["user_id"]) for r in upload.rows] == [
            (2, "new", None),
            (3, "existing", known.pk),
            (4, "enrolled", inside.pk),
            (5, "error", None),
        ]
        assert upload.rows[0]["values"]["name"] == "Budi Santoso"
        assert [column for column, _message in upload.rows[3]["errors"]] == ["Email"]

    def test_an_unreadable_file_stores_nothing(self, coordinator: Any, cohort: Cohort) -> None:
        with pytest.raises(ImportFileError):
            services.roster_import_preview(
                actor=coordinator.user, cohort=cohort, upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04rusak")
            )
        assert not RosterImport.objects.exists()

    def test_email_matching_ignores_the_case_stored_in_the_database(self, coordinator: Any, cohort: Cohort) -> None:
        known = UserFactory(email="Siti.Aminah@Contoh.ID")
        upload = preview(coordinator, cohort, ["Siti Aminah", "siti.aminah@contoh.id", "", "", "", ""])
        assert [(r["outcome"], r["user_id"]) for r in upload.rows] == [("existing", known.pk)]

    def test_functional_levels_are_matched_and_listed_as_the_database_spells_them(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "non-pns", ""],
            ["Budi", "budi@contoh.id", "", "", "Pustakawan Senior", ""],
        )
        assert (upload.rows[0]["outcome"], upload.rows[0]["level_id"]) == ("new", functional_level("Non-PNS").pk)
        [(column, message)] = upload.rows[1]["errors"]
        assert column == "Functional level"
        known = ", ".join(FunctionalLevel.objects.values_list("name", flat=True))
        assert known.startswith("Ahli Pertama, Ahli Muda, Ahli Madya")
        assert message == f"Unknown functional level “Pustakawan Senior”. Use one of: {known}."

    def test_a_value_too_long_for_the_account_is_reported_not_saved(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(
            coordinator,
            cohort,
            ["A" * 151, "ani@contoh.id", "", "", "", ""],
            ["Budi", "budi@contoh.id", "", "U" * 151, "", ""],
        )
        assert [r["outcome"] for r in upload.rows] == ["error", "error"]
        assert [[column for column, _m in r["errors"]] for r in upload.rows] == [["Name"], ["Work unit"]]


@pytest.mark.django_db
class TestApply:
    def test_new_people_get_an_account_without_password_a_participant_role_and_a_place(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        users_before = User.objects.count()
        upload = preview(
            coordinator,
            cohort,
            ["Siti Aminah, S.IP.", "Siti.Aminah@contoh.id", NIP, "Layanan Referensi", "Ahli Pertama", "0812 3456 7890"],
            ["Budi Santoso", "", OTHER_NIP, "", "", ""],
        )

        summary = apply(coordinator, upload)

        assert summary == {"new_people": 2, "existing_people": 0, "enrolled": 2, "waitlisted": 0, "skipped": 0}
        assert User.objects.count() == users_before + 2
        siti = User.objects.get(email="siti.aminah@contoh.id")
        assert (siti.username, siti.full_name, siti.nip, siti.work_unit, siti.phone) == (
            "siti.aminah@contoh.id",
            "Siti Aminah, S.IP.",
            NIP,
            "Layanan Referensi",
            "0812 3456 7890",
        )
        assert siti.functional_level == functional_level("Ahli Pertama")
        budi = User.objects.get(nip=OTHER_NIP)
        assert (budi.username, budi.email, budi.full_name) == (OTHER_NIP, "", "Budi Santoso")
        for person in (siti, budi):
            assert not person.has_usable_password()
            person.full_clean()
            assert Membership.objects.filter(
                user=person, library=cohort.library, role=Role.PARTICIPANT, is_active=True
            ).exists()
            enrolment = Enrolment.objects.get(cohort=cohort, user=person)
            assert (enrolment.library, enrolment.status) == (cohort.library, Enrolment.Status.ENROLLED)
        upload.refresh_from_db()
        assert upload.status == RosterImport.Status.IMPORTED
        assert upload.summary["applied"] == summary

    def test_existing_people_are_matched_and_not_duplicated(self, coordinator: Any, cohort: Cohort) -> None:
        ani = UserFactory(email="ani@contoh.id")
        budi = UserFactory(email="", nip=NIP)
        MembershipFactory(user=budi, library=cohort.library, role=Role.PARTICIPANT, is_active=False)
        users_before = User.objects.count()
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ANI@Contoh.id", "", "", "", ""],
            ["Budi", "", "19870315 201001 2 003", "", "", ""],
            ["Citra", "citra@contoh.id", "", "", "", ""],
        )

        summary = apply(coordinator, upload)

        assert (summary["new_people"], summary["existing_people"], summary["enrolled"]) == (1, 2, 3)
        assert User.objects.count() == users_before + 1
        for person in (ani, budi):
            assert status_of(cohort, person) == Enrolment.Status.ENROLLED
            [membership] = Membership.objects.filter(user=person, library=cohort.library, role=Role.PARTICIPANT)
            assert membership.is_active
        ani.refresh_from_db()
        assert ani.has_usable_password()  # an existing account is left as it was

    def test_an_existing_email_in_another_case_does_not_make_a_second_account(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        known = UserFactory(email="Siti.Aminah@Contoh.ID")
        users_before = User.objects.count()
        upload = preview(coordinator, cohort, ["Siti Aminah", "siti.aminah@contoh.id", "", "", "", ""])

        apply(coordinator, upload)

        assert User.objects.count() == users_before
        assert status_of(cohort, known) == Enrolment.Status.ENROLLED

    def test_over_capacity_people_join_the_waitlist_in_row_order(self, coordinator: Any, cohort: Cohort) -> None:
        cohort.capacity = 2
        cohort.save()
        EnrolmentFactory(cohort=cohort)
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["Budi", "budi@contoh.id", "", "", "", ""],
            ["Citra", "citra@contoh.id", "", "", "", ""],
        )

        summary = apply(coordinator, upload)

        assert (summary["enrolled"], summary["waitlisted"]) == (1, 2)
        assert [status_of(cohort, User.objects.get(email=e)) for e in ("ani@contoh.id", "budi@contoh.id")] == [
            Enrolment.Status.ENROLLED,
            Enrolment.Status.WAITLISTED,
        ]
        assert cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 2

    def test_places_go_in_row_order_whether_the_person_is_new_or_existing(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        cohort.capacity = 1
        cohort.save()
        known = UserFactory(email="budi@contoh.id")
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["Budi", "budi@contoh.id", "", "", "", ""],
        )

        apply(coordinator, upload)

        assert status_of(cohort, User.objects.get(email="ani@contoh.id")) == Enrolment.Status.ENROLLED
        assert status_of(cohort, known) == Enrolment.Status.WAITLISTED

    def test_a_withdrawn_person_comes_back_without_a_second_enrolment(self, coordinator: Any, cohort: Cohort) -> None:
        person = UserFactory(email="ani@contoh.id")
        EnrolmentFactory(cohort=cohort, user=person, status=Enrolment.Status.WITHDRAWN)
        upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])
        assert upload.rows[0]["outcome"] == "existing"

        summary = apply(coordinator, upload)

        [enrolment] = Enrolment.objects.filter(cohort=cohort, user=person)
        assert enrolment.status == Enrolment.Status.ENROLLED
        assert (summary["existing_people"], summary["enrolled"]) == (1, 1)

    def test_rows_with_errors_and_people_already_in_the_cohort_are_skipped_and_counted(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        inside = UserFactory(email="dewi@contoh.id")
        EnrolmentFactory(cohort=cohort, user=inside)
        users_before = User.objects.count()
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["", "budi@contoh.id", "", "", "", ""],
            ["Citra", "citra(at)contoh.id", "", "", "", ""],
            ["Dewi", "dewi@contoh.id", "", "", "", ""],
        )

        summary = apply(coordinator, upload)

        assert summary == {"new_people": 1, "existing_people": 0, "enrolled": 1, "waitlisted": 0, "skipped": 3}
        assert User.objects.count() == users_before + 1
        assert not User.objects.filter(email="budi@contoh.id").exists()
        assert Enrolment.objects.filter(cohort=cohort, user=inside).count() == 1

    def test_one_audit_row_with_the_summary(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["Budi", "budi@contoh.id", "", "", "", ""],
        )
        audits_before = AuditEntry.objects.count()

        summary = apply(coordinator, upload)

        assert AuditEntry.objects.count() == audits_before + 1
        [entry] = AuditEntry.objects.filter(action="roster.import")
        assert (entry.actor, entry.library, entry.object_id) == (coordinator.user, cohort.library, str(cohort.pk))
        assert entry.changes == summary

    def test_applying_twice_is_refused(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])
        apply(coordinator, upload)
        before = counts()

        with pytest.raises(ValidationError):
            apply(coordinator, upload)

        assert counts() == before

    def test_a_cancelled_import_cannot_be_applied(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])
        services.roster_import_cancel(actor=coordinator.user, roster_import=upload)
        upload.refresh_from_db()
        assert (upload.status, upload.rows) == (RosterImport.Status.CANCELLED, [])
        before = counts()

        with pytest.raises(ValidationError):
            apply(coordinator, upload)

        assert counts() == before

    def test_an_applied_import_cannot_be_cancelled(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])
        apply(coordinator, upload)
        upload.refresh_from_db()

        with pytest.raises(ValidationError):
            services.roster_import_cancel(actor=coordinator.user, roster_import=upload)

        upload.refresh_from_db()
        assert upload.status == RosterImport.Status.IMPORTED
        assert len(upload.rows) == 1

    def test_all_or_nothing_when_the_apply_fails_midway(
        self, coordinator: Any, cohort: Cohort, monkeypatch: Any
    ) -> None:
        UserFactory(email="ani@contoh.id")
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["Budi", "budi@contoh.id", "", "", "", ""],
        )
        before = counts()

        def fail(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(Enrolment.objects, "bulk_create", fail)
        with pytest.raises(RuntimeError):
            apply(coordinator, upload)

        assert counts() == before
        assert not User.objects.filter(email="budi@contoh.id").exists()
        upload.refresh_from_db()
        assert upload.status == RosterImport.Status.PREVIEW

    def test_a_row_that_became_invalid_after_the_preview_is_skipped(self, coordinator: Any, cohort: Cohort) -> None:
        ani = UserFactory(email="ani@contoh.id")
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", NIP, "", "", ""],
            ["Budi", "budi@contoh.id", "", "", "", ""],
        )
        assert [r["outcome"] for r in upload.rows] == ["existing", "new"]
        UserFactory(nip=NIP)  # meanwhile someone else registered with this NIP

        summary = apply(coordinator, upload)

        assert (summary["skipped"], summary["enrolled"], summary["new_people"]) == (1, 1, 1)
        assert not Enrolment.objects.filter(cohort=cohort, user=ani).exists()
        assert Enrolment.objects.filter(cohort=cohort, user__email="budi@contoh.id").exists()

    def test_a_person_enrolled_by_hand_after_the_preview_is_not_enrolled_twice(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        ani = UserFactory(email="ani@contoh.id")
        upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])
        services.enrol(actor=coordinator.user, cohort=cohort, user=ani)

        summary = apply(coordinator, upload)

        assert (summary["skipped"], summary["enrolled"]) == (1, 0)
        assert Enrolment.objects.filter(cohort=cohort, user=ani).count() == 1

    def test_the_same_person_twice_in_the_file_is_enrolled_once(self, coordinator: Any, cohort: Cohort) -> None:
        ani = UserFactory(email="ani@contoh.id", nip=NIP)
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "", ""],
            ["Ani", "", NIP, "", "", ""],
        )

        apply(coordinator, upload)

        assert Enrolment.objects.filter(cohort=cohort, user=ani).count() == 1


# Lists as offices send them ---------------------------------------------------------------------

OFFICE_HEADERS = ["No.", "Nama Lengkap", "NIP/NIK", "Jabatan", "Unit Kerja", "No. HP", "E-mail"]


class TestListsAsOfficesSendThem:
    def test_a_title_row_and_blank_rows_above_the_header_with_headers_as_people_write_them(self) -> None:
        upload = xlsx(
            [
                ["DAFTAR PESERTA PELATIHAN PUSTAKAWAN 2026"],
                ["Perpustakaan Kota Pasuruan"],
                [],
                OFFICE_HEADERS,
                [1, 2, 3, 4, 5, 6, 7],  # the columns numbered, as government tables have
                [1, "Siti Aminah, S.IP.", NIP, "Pustakawan Ahli Muda", "Layanan", "0812 3456 7890", "siti@contoh.id"],
                [],
                [2, "Budi Santoso", OTHER_NIP, "pustakawan terampil", "Pengolahan", "", "budi@contoh.id"],
            ]
        )
        columns, rows = read_rows(upload)
        assert columns == ["name", "email", "nip", "work_unit", "functional_level", "phone"]
        assert [line for line, _values in rows] == [6, 8]  # the rows Excel shows
        assert rows[0][1] == values(
            name="Siti Aminah, S.IP.",
            email="siti@contoh.id",
            nip=NIP,
            work_unit="Layanan",
            functional_level="Pustakawan Ahli Muda",
            phone="0812 3456 7890",
        )
        checks = check_rows(
            [*rows, (9, values(name="Siti", email="SITI@contoh.id"))],
            levels=LEVELS,
            users_by_email={},
            users_by_nip={},
            enrolled_user_ids=set(),
        )
        assert [(c.outcome, c.level_id) for c in checks[:2]] == [("new", 2), ("new", 5)]
        assert problems(checks) == [(9, "Email", "The same email is already in row 6.")]

    @pytest.mark.parametrize(
        ("header", "column"),
        [
            ("Nama Lengkap", "name"),
            ("NAMA PESERTA", "name"),
            ("E-mail", "email"),
            ("e-Mail", "email"),
            ("Alamat Email", "email"),
            ("No. HP", "phone"),
            ("No HP/WA", "phone"),
            ("Nomor WhatsApp", "phone"),
            ("no.telp", "phone"),
            ("Jabatan", "functional_level"),
            ("Jenjang Jabatan", "functional_level"),
            ("Unit Kerja", "work_unit"),
            ("UNIT_KERJA", "work_unit"),
            ("Instansi", "work_unit"),
            ("NIP/NIK", "nip"),
            ("NIP / NIK", "nip"),
            ("N.I.P.", "nip"),
        ],
    )
    def test_headers_as_people_write_them(self, header: str, column: str) -> None:
        name_header = "Nama" if column != "name" else header
        sheet = [[name_header, header] if column != "name" else [header], ["Ani"] + (["x"] if column != "name" else [])]
        columns, _rows = read_rows(xlsx(sheet))
        assert column in columns

    @pytest.mark.parametrize(
        ("written", "level"),
        [
            ("Pustakawan Ahli Muda", 2),
            ("pustakawan terampil", 5),
            ("Ahli Pertama", 1),
            ("AHLI  PERTAMA", 1),
            ("Pustakawan Ahli Muda (III/c)", 2),
            ("Jabatan Fungsional Pustakawan Ahli-Muda", 2),
            ("Pelaksana", 9),  # a level the library added, "Pustakawan Pelaksana"
        ],
    )
    def test_functional_levels_as_staff_write_them_match_the_levels_data(self, written: str, level: int) -> None:
        [row] = check_rows(
            [(2, values(name="Ani", email="ani@contoh.id", functional_level=written))],
            levels={**LEVELS, "pustakawan pelaksana": 9},
            users_by_email={},
            users_by_nip={},
            enrolled_user_ids=set(),
        )
        assert (row.outcome, row.level_id, row.errors) == ("new", level, [])

    @pytest.mark.parametrize("written", ["Pustakawan Ahli Utama", "Pustakawan", "Ahli"])
    def test_a_level_not_in_the_data_is_still_unknown(self, written: str) -> None:
        [row] = check({"name": "Ani", "email": "ani@contoh.id", "functional_level": written})
        assert row.outcome == "error"
        assert [column for column, _message in row.errors] == ["Functional level"]


class TestWarnings:
    @pytest.mark.parametrize("name", ["Ngurah Rai ??rya", "Ngurah Rai \ufffd\ufffdrya", "Su?ilowati"])
    def test_a_question_mark_or_replacement_character_for_a_letter_is_a_warning_on_its_row_and_column(
        self, name: str
    ) -> None:
        checks = check({"name": "Ani", "email": "ani@contoh.id"}, {"name": name, "email": "ngurah@contoh.id"})
        assert [c.warnings for c in checks][0] == []
        [(column, message)] = checks[1].warnings
        assert (checks[1].line, column) == (3, "Name")
        assert f"“{name}”" in message and "Excel" in message
        assert (checks[1].outcome, checks[1].errors) == ("new", [])  # shown, not blocking

    def test_a_garbled_work_unit_is_a_warning_too(self) -> None:
        [row] = check({"name": "Ani", "email": "ani@contoh.id", "work_unit": "Layanan ?nak"})
        assert [column for column, _message in row.warnings] == ["Work unit"]

    def test_mojibake_is_repaired_and_the_repair_shown_in_the_warning(self) -> None:
        [row] = check({"name": "Ni Luh Ayu SÃ«kar", "email": "sekar@contoh.id", "work_unit": "PerpustakaÃ¡n"})
        assert (row.values["name"], row.values["work_unit"]) == ("Ni Luh Ayu Sëkar", "Perpustakaán")
        assert row.warnings == [
            (
                "Name",
                "“Ni Luh Ayu SÃ«kar” was garbled by a wrong character encoding; it will be imported as "
                "“Ni Luh Ayu Sëkar”. Check it, or correct the file and upload it again.",
            ),
            (
                "Work unit",
                "“PerpustakaÃ¡n” was garbled by a wrong character encoding; it will be imported as “Perpustakaán”. "
                "Check it, or correct the file and upload it again.",
            ),
        ]
        assert row.outcome == "new"

    @pytest.mark.parametrize(
        "name", ["Théresia Dewi", "Nurul Hidayah, S.Pd.", "I Gusti Ngurah Rai", "Ni Luh Ayu Sëkar", "Dra. Hj. Ma'rifah"]
    )
    def test_names_written_right_get_no_warning(self, name: str) -> None:
        [row] = check({"name": name, "email": "ani@contoh.id", "work_unit": "Layanan Anak & Remaja"})
        assert (row.warnings, row.values["name"]) == ([], name)

    def test_a_nik_in_a_nip_nik_column_is_left_out_with_a_warning(self) -> None:
        checks = check(
            {"name": "Ani", "email": "ani@contoh.id", "nip": "3575 0145 0190 0002"},
            {"name": "Budi", "nip": "3575014501900003"},
        )
        assert checks[0].values["nip"] == "" and checks[0].outcome == "new"
        assert checks[0].warnings == [
            ("NIP", "“3575014501900002” has 16 digits: a NIK, not a NIP. Lentera keeps no NIK, so it is left out.")
        ]
        # without an email, the person cannot be recognised
        assert problems(checks) == [(3, "Email", "Give an email or a NIP, so the person can be recognised.")]

    def test_an_existing_person_in_an_overlapping_cohort_gets_a_warning_naming_it_and_its_dates(self) -> None:
        checks = check_rows(
            [(2, values(name="Ani", email="ani@contoh.id")), (3, values(name="Budi", email="budi@contoh.id"))],
            levels=LEVELS,
            users_by_email={"ani@contoh.id": 7, "budi@contoh.id": 8},
            users_by_nip={},
            enrolled_user_ids=set(),
            overlaps={7: [("Angkatan I 2026", date(2026, 3, 2), date(2026, 3, 13))]},
        )
        assert [c.outcome for c in checks] == ["existing", "existing"]
        assert checks[0].warnings == [
            (
                "Name",
                "Ani is already in the cohort “Angkatan I 2026” (2 Mar 2026 – 13 Mar 2026), "
                "whose dates overlap this cohort's.",
            )
        ]
        assert checks[1].warnings == []


@pytest.mark.django_db
class TestPreviewAsOfficesSendIt:
    def test_levels_as_staff_write_them_are_matched_against_the_database(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        upload = preview(
            coordinator,
            cohort,
            ["Ani", "ani@contoh.id", "", "", "Pustakawan Ahli Muda", ""],
            ["Budi", "budi@contoh.id", "", "", "pustakawan terampil", ""],
        )
        assert [(r["outcome"], r["level_id"]) for r in upload.rows] == [
            ("new", functional_level("Ahli Muda").pk),
            ("new", functional_level("Terampil").pk),
        ]

    def test_the_warnings_are_stored_with_the_row_and_the_garbled_row_still_imports(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        upload = preview(coordinator, cohort, ["Ngurah Rai ??rya", "ngurah@contoh.id", "", "", "", ""])
        [row] = upload.rows
        assert (row["outcome"], [column for column, _m in row["warnings"]]) == ("new", ["Name"])
        assert upload.summary == {"new": 1}

    def test_only_this_librarys_enrolled_overlapping_cohorts_are_named(
        self, coordinator: Any, cohort: Cohort, library_b: Any
    ) -> None:
        # the cohort runs 2 to 6 March 2026
        ani = UserFactory(email="ani@contoh.id")
        library = cohort.library
        touching = CohortFactory(
            programme__library=library,
            name="Angkatan Akhir Pekan",
            starts_on=date(2026, 3, 6),
            ends_on=date(2026, 3, 7),
        )
        earlier = CohortFactory(
            programme__library=library, name="Angkatan Februari", starts_on=date(2026, 2, 23), ends_on=date(2026, 3, 1)
        )
        left = CohortFactory(
            programme__library=library, name="Angkatan Ditinggal", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 3)
        )
        elsewhere = CohortFactory(
            programme__library=library_b, name="Angkatan Lain", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6)
        )
        for other in (touching, earlier, elsewhere):
            EnrolmentFactory(cohort=other, user=ani)
        EnrolmentFactory(cohort=left, user=ani, status=Enrolment.Status.WITHDRAWN)

        with translation.override("id"):
            upload = preview(coordinator, cohort, ["Ani", "ani@contoh.id", "", "", "", ""])

        [row] = upload.rows
        assert row["outcome"] == "existing"
        [(column, message)] = row["warnings"]
        assert column == "Nama"
        assert "“Angkatan Akhir Pekan” (6 Mar 2026 – 7 Mar 2026)" in message
        for hidden in ("Februari", "Ditinggal", "Lain"):
            assert hidden not in message


# Spreadsheet bombs ------------------------------------------------------------------------------


@functools.cache
def bomb_bytes() -> bytes:
    return xlsx_bomb(HEADERS, ["Budi Santoso", "budi@contoh.id", "", "", "", ""], unpacked=236 * 1024 * 1024)


def bomb() -> SimpleUploadedFile:
    """The security finding: a 1 MB .xlsx whose sheet unpacks to 236 MB."""
    assert len(bomb_bytes()) < 1.1 * 1024 * 1024
    return SimpleUploadedFile("peserta.xlsx", bomb_bytes())


@pytest.mark.django_db
class TestSpreadsheetBombs:
    def test_the_preview_refuses_it_fast_and_writes_nothing(self, coordinator: Any, cohort: Cohort) -> None:
        upload, before = bomb(), counts()
        started = time.perf_counter()
        with translation.override("id"), pytest.raises(ImportFileError) as refused:
            services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=upload)
        assert time.perf_counter() - started < 1
        [message] = refused.value.messages
        assert "236" in message and "20,000 baris" in message
        assert counts() == before and not RosterImport.objects.exists()

    def test_the_upload_page_refuses_it_fast_and_keeps_nothing(self, coordinator: Any, cohort: Cohort) -> None:
        started = time.perf_counter()
        response = coordinator.client.post(
            reverse("delivery:roster_import_upload", args=[cohort.pk]), {"file": bomb()}, HTTP_ACCEPT_LANGUAGE="id"
        )
        assert time.perf_counter() - started < 2
        assert response.status_code == 200
        assert "236" in " ".join(response.context["form"].errors["file"])
        assert not RosterImport.objects.exists()

    def test_a_small_file_that_unpacks_large_is_checked_in_the_background(
        self, coordinator: Any, cohort: Cohort, settings: Any
    ) -> None:
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        rows = ["Budi Santoso", "budi@contoh.id", "", "", "", ""]
        data = xlsx_bomb(HEADERS, rows, unpacked=2 * 1024 * 1024)  # 15,000 rows: too slow to parse in a request
        assert len(data) < roster_views.BACKGROUND_BYTES
        response = coordinator.client.post(
            reverse("delivery:roster_import_upload", args=[cohort.pk]),
            {"file": SimpleUploadedFile("peserta.xlsx", data)},
        )
        assert response.status_code == 302
        assert RosterImport.objects.get().status == RosterImport.Status.CHECKING

    def test_the_worker_refuses_a_kept_bomb_fast_deletes_it_and_writes_nothing(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        # a file kept before the request checked it (or put there by hand): the worker checks again
        kept = RosterImport(
            library=cohort.library, cohort=cohort, file_name="peserta.xlsx", status=RosterImport.Status.CHECKING
        )
        kept.upload.save("bom.upload", bomb(), save=True)
        stored, before = kept.upload.name, counts()

        started = time.perf_counter()
        with translation.override("id"):
            services.roster_import_check(roster_import=kept)
        assert time.perf_counter() - started < 1

        kept.refresh_from_db()
        assert kept.status == RosterImport.Status.FAILED and "236" in kept.error
        assert (kept.rows, kept.upload.name) == ([], "")
        assert not RosterImport._meta.get_field("upload").storage.exists(stored)
        assert counts() == before


# The preview page -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPreviewPage:
    def test_the_warnings_are_listed_by_row_and_column_in_indonesian_and_the_typed_text_is_inert(
        self, coordinator: Any, cohort: Cohort
    ) -> None:
        with translation.override("id"):
            upload = preview(
                coordinator,
                cohort,
                ["Siti Aminah", "siti@contoh.id", "", "PerpustakaÃ¡n", "", ""],
                ["<b>Ngurah</b> Rai ??rya", "ngurah@contoh.id", "", "", "", ""],
            )
        page = coordinator.client.get(upload.get_absolute_url()).content.decode()
        section = page[page.index('id="warnings-heading"') : page.index("</section>", page.index("warnings-heading"))]
        assert "Periksa sebelum mengimpor" in section
        assert "<tr><td>2</td><td>Unit kerja</td>" in section and "“Perpustakaán”" in section
        assert "<tr><td>3</td><td>Nama</td>" in section
        assert "&lt;b&gt;Ngurah&lt;/b&gt; Rai ??rya" in section and "<b>Ngurah" not in page
        assert "Impor 2 baris valid" in page  # warnings do not block: both rows can be imported

    def test_a_list_without_warnings_has_no_warnings_section(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(coordinator, cohort, ["Siti Aminah", "siti@contoh.id", "", "", "", ""])
        page = coordinator.client.get(upload.get_absolute_url()).content.decode()
        assert 'id="warnings-heading"' not in page

    def test_a_preview_stored_before_warnings_existed_still_shows(self, coordinator: Any, cohort: Cohort) -> None:
        upload = preview(coordinator, cohort, ["Siti Aminah", "siti@contoh.id", "", "", "", ""])
        for row in upload.rows:
            del row["warnings"]
        upload.save()
        assert coordinator.client.get(upload.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_preview_reads_the_same_number_of_queries_for_30_rows_as_for_300(coordinator: Any, cohort: Cohort) -> None:
    """The people, their levels and their overlapping cohorts are read in bulk, not row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = CohortFactory(programme=cohort.programme, name="Angkatan Paralel")  # the same days
    people = [UserFactory(email=f"p{n}@contoh.id") for n in range(300)]
    for person in people[::3]:
        EnrolmentFactory(cohort=other, user=person)

    def queries(size: int) -> int:
        rows = [[f"Peserta {n}", f"p{n}@contoh.id", "", "", "Pustakawan Ahli Muda", ""] for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            made = preview(coordinator, cohort, *rows)
        assert sum(1 for r in made.rows if r["warnings"]) == len(range(0, size, 3))
        return len(captured)

    assert queries(30) == queries(300)
