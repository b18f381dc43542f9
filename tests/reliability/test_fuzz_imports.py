"""Fuzzed imports: random, truncated, wrongly encoded, damaged and oversized files, and sheets of random cells.

Each of the three imports (participant list, question sheet, library indicators) gets the files
through its real upload view, as the coordinator, and through its preview service directly.
Whatever the file: never an unhandled exception; a refused file says why in Indonesian; the
problems of an accepted file name their row and column; and nothing is written before the
coordinator confirms. Confirming writes exactly the rows the preview showed as valid (the rows
with a problem never; a preview with only wrong rows writes nothing), all in one transaction.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lentera.accounts.models import User
from lentera.assessment import question_sheet
from lentera.assessment import services as assessment_services
from lentera.assessment.models import Question, QuestionImport
from lentera.curriculum.tests.factories import ProgrammeFactory
from lentera.delivery import roster_import
from lentera.delivery import services as delivery_services
from lentera.delivery.models import Enrolment, RosterImport
from lentera.delivery.tests.factories import CohortFactory
from lentera.impact import indicator_sheet
from lentera.impact import services as impact_services
from lentera.impact.models import IndicatorImport, MonthlyIndicator
from lentera.lib.tests.bombs import xlsx_bomb

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Every message the imports give for a whole file says "berkas" (file) or "baris" (row) in Indonesian.
INDONESIAN = ("berkas", "baris", "kolom")


@dataclass(frozen=True)
class Entry:
    """One import: how to upload, preview and confirm it, and what it writes."""

    name: str
    headers: list[str]
    samples: list[str]  # cell values the import understands, mixed in with random ones
    valid_row: st.SearchStrategy[list[Any]]  # a row the import takes, in the order of ``headers``
    max_bytes: int
    upload_url: Callable[[Any], str]
    confirm: str  # the confirm URL's name
    model: type
    preview: Callable[[Any, Any], Any]
    written: Callable[[Any], dict[str, int]]  # rows of what is imported: enrolments and people, questions, months
    will_write: Callable[[Any], dict[str, int]]  # the rows a confirm adds, as the preview shows them
    labels: Callable[[], dict[str, str]]


WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=20)
ROSTER_ROW = st.tuples(
    WORDS,
    st.from_regex(r"[a-z]{2,8}[0-9]{0,4}@contoh\.id", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"[0-9]{18}", fullmatch=True)),
    st.sampled_from(["", "Layanan", "Pengolahan"]),
    st.just(""),
    st.sampled_from(["", "0812 3456 7890", "+62 812-1111-2222"]),
).map(list)
QUESTION_ROW = st.one_of(
    st.tuples(
        st.sampled_from(["single", "pg", "pilihan tunggal"]),
        WORDS,
        st.just("opsi satu"),
        st.just("opsi dua"),
        st.sampled_from(["A", "b"]),
    ).map(lambda t: [t[0], t[1], t[2], t[3], "", "", "", "", t[4], "mudah"]),
    st.tuples(st.sampled_from(["multiple", "pilihan ganda"]), WORDS, st.sampled_from(["A; B", "a,b", "B"])).map(
        lambda t: [t[0], t[1], "satu", "dua", "tiga", "", "", "", t[2], "sedang"]
    ),
    st.tuples(WORDS, st.sampled_from(["benar", "salah", "ya", "S"])).map(
        lambda t: ["true_false", t[0], "", "", "", "", "", "", t[1], ""]
    ),
    st.tuples(WORDS, WORDS).map(lambda t: ["short", t[0], "", "", "", "", "", "", t[1], "sulit"]),
).map(lambda row: row + [""] * (len(question_sheet.HEADERS) - len(row)))
INDICATOR_ROW = st.tuples(
    st.integers(2001, 2024), st.integers(1, 12), st.lists(st.integers(0, 10**6).map(str), min_size=6, max_size=6)
).map(lambda t: [f"{t[0]}-{t[1]:02d}", *t[2]])


def _plus(counts: dict[str, int], added: dict[str, int]) -> dict[str, int]:
    return {name: n + added[name] for name, n in counts.items()}


ENTRIES = {
    "roster": Entry(
        name="roster",
        headers=["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"],
        samples=[
            "Budi Santoso",
            "budi@contoh.id",
            "198703122010011004",
            "Layanan",
            "Pustakawan Ahli Pertama",
            "0812 3456 7890",
            "siti@contoh.id",
            "1.98703E+17",
            "Ani",
        ],
        valid_row=ROSTER_ROW,
        max_bytes=roster_import.MAX_BYTES,
        upload_url=lambda w: reverse("delivery:roster_import_upload", kwargs={"pk": w.cohort.pk}),
        confirm="delivery:roster_import_confirm",
        model=RosterImport,
        preview=lambda w, upload: delivery_services.roster_import_preview(
            actor=w.coordinator.user, cohort=w.cohort, upload=upload
        ),
        # each valid row enrols one person; new people are made only then
        written=lambda w: {
            "enrolments": Enrolment.objects.filter(cohort=w.cohort).count(),
            "people": User.objects.count(),
        },
        will_write=lambda i: {
            "enrolments": sum(1 for r in i.rows if r["outcome"] in ("new", "existing")),
            "people": sum(1 for r in i.rows if r["outcome"] == "new"),
        },
        labels=roster_import.column_labels,
    ),
    "questions": Entry(
        name="questions",
        headers=question_sheet.HEADERS,
        samples=[
            "single",
            "multiple",
            "true_false",
            "short",
            "benar",
            "salah",
            "A",
            "A; B",
            "easy",
            "sulit",
            "Apa itu DDC?",
            "004",
            "Dewey | DDC",
        ],
        valid_row=QUESTION_ROW,
        max_bytes=assessment_services.QUESTION_SHEET_MAX_BYTES,
        upload_url=lambda w: reverse("assessment:question_import_upload"),
        confirm="assessment:question_import_confirm",
        model=QuestionImport,
        preview=lambda w, upload: assessment_services.question_import_preview(
            actor=w.coordinator.user, library=w.library, upload=upload
        ),
        written=lambda w: {"questions": Question.objects.filter(library=w.library).count()},
        will_write=lambda i: {"questions": sum(1 for r in i.rows if not r["errors"])},
        labels=question_sheet.column_labels,
    ),
    "indicators": Entry(
        name="indicators",
        headers=indicator_sheet.HEADERS,
        samples=["2025-01", "2024-12", "03/2025", "Maret 2025", "3.120", "45000", "0", "-", "12,5", "2099-01"],
        valid_row=INDICATOR_ROW,
        max_bytes=indicator_sheet.MAX_BYTES,
        upload_url=lambda w: reverse("impact:import_upload"),
        confirm="impact:import_confirm",
        model=IndicatorImport,
        preview=lambda w, upload: impact_services.indicator_import_preview(
            actor=w.coordinator.user, library=w.library, upload=upload
        ),
        written=lambda w: {"months": MonthlyIndicator.objects.filter(library=w.library).count()},
        will_write=lambda i: {"months": sum(1 for r in i.rows if r["outcome"] == "new")},
        labels=indicator_sheet.column_labels,
    ),
}


@dataclass
class World:
    coordinator: Any
    library: Any
    cohort: Any


@pytest.fixture
def world(coordinator: Any, library_a: Any) -> World:
    cohort = CohortFactory(programme=ProgrammeFactory(library=library_a), capacity=5)
    return World(coordinator=coordinator, library=library_a, cohort=cohort)


# Files ------------------------------------------------------------------------------------------

NAMES = st.sampled_from(["data.csv", "data.xlsx", "DATA.CSV", "data.xls", "data.txt", "../../x.csv", "data"])


def _cells(entry: Entry, *, for_xlsx: bool) -> st.SearchStrategy[Any]:
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
    values: list[st.SearchStrategy[Any]] = [
        text,
        st.sampled_from(entry.samples),
        st.integers(-(10**12), 10**19).map(str),
        st.just(""),
        st.text(max_size=3000, alphabet="ab ;,\n\"'") if not for_xlsx else st.text(max_size=3000, alphabet='ab ;,"'),
    ]
    if for_xlsx:
        values += [
            st.integers(-(10**15), 10**18),
            st.floats(allow_nan=False, allow_infinity=False),
            st.dates(min_value=date(1900, 3, 1)),
            st.datetimes(min_value=datetime(1900, 3, 1)),  # noqa: DTZ001 - Excel cells hold naive times
            st.just("=1/0"),
        ]
    return st.one_of(values)


@st.composite
def sheet_rows(draw: st.DrawFn, entry: Entry, *, for_xlsx: bool) -> list[list[Any]]:
    """A header row and data rows: rows the import takes, some with a cell made random, some all random.

    The columns come in any order; now and then some are missing or an unknown one is added.
    """
    cells = _cells(entry, for_xlsx=for_xlsx)
    rows = []
    for _n in range(draw(st.integers(0, 8))):
        how = draw(st.sampled_from(["valid", "valid", "one cell random", "random"]))
        if how == "random":
            rows.append(draw(st.lists(cells, max_size=len(entry.headers) + 1)))
            continue
        row = draw(entry.valid_row)
        if how == "one cell random":
            row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        rows.append(row)
    order = draw(st.permutations(range(len(entry.headers))))
    if draw(st.integers(0, 3)) == 0:  # now and then a column or more is missing
        order = order[: draw(st.integers(1, len(order)))]
    extra = draw(st.lists(st.text(max_size=8), max_size=2))
    header = [entry.headers[i] for i in order] + extra
    return [header] + [[row[i] if i < len(row) else "" for i in order] for row in rows]


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[list[Any]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


@st.composite
def valid_structure(draw: st.DrawFn, entry: Entry) -> tuple[str, bytes]:
    """A sheet with the import's columns and random cells: .xlsx, or CSV in an encoding Excel uses."""
    if draw(st.booleans()):
        return draw(st.sampled_from(["data.xlsx", "DATA.XLSX"])), xlsx_bytes(draw(sheet_rows(entry, for_xlsx=True)))
    text = csv_text(draw(sheet_rows(entry, for_xlsx=False)), draw(st.sampled_from([",", ";", "\t"])))
    text = text.replace("\r\n", draw(st.sampled_from(["\r\n", "\n", "\r"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return "data.csv", text.encode(encoding, errors="replace")


@st.composite
def broken(draw: st.DrawFn, entry: Entry) -> tuple[str, bytes]:
    """Random bytes, a truncated file, a wrong encoding, or an .xlsx whose parts are damaged."""
    how = draw(
        st.sampled_from(["random", "truncated", "utf-16", "latin-1", "garbage", "damaged-xlsx", "not-a-workbook"])
    )
    name, data = draw(valid_structure(entry))
    if how == "random":
        return draw(NAMES), draw(st.binary(max_size=3000))
    if how == "truncated":
        return name, data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if how in ("utf-16", "latin-1"):
        text = csv_text(draw(sheet_rows(entry, for_xlsx=False)), ",")
        return "data.csv", text.encode("utf-16" if how == "utf-16" else "latin-1", errors="replace")
    if how == "garbage":
        return "data.csv", bytes([0x81, 0x8D, 0x00, 0xFF]) + draw(st.binary(min_size=1, max_size=2000))
    if how == "not-a-workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", draw(st.binary(max_size=200)))
            archive.writestr("xl/workbook.xml", draw(st.binary(max_size=200)))
        return draw(NAMES), buffer.getvalue()
    # damaged-xlsx: a well-formed zip whose parts (the sheet, the shared strings...) are cut short
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(draw(sheet_rows(entry, for_xlsx=True)))))
    members = source.namelist()
    victim = draw(st.sampled_from(members))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            content = source.read(member)
            if member == victim:
                content = content[: draw(st.integers(0, max(0, len(content) - 1)))]
            archive.writestr(member, content)
    return draw(st.sampled_from(["data.xlsx", "data.csv"])), buffer.getvalue()


def any_file(entry: Entry) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(valid_structure(entry), broken(entry))


# Checks -----------------------------------------------------------------------------------------


def _indonesian(messages: list[str]) -> None:
    assert messages, "a refused file without a message"
    for message in messages:
        assert any(word in message.lower() for word in INDONESIAN), f"not an Indonesian message: {message!r}"


def _row_problems(entry: Entry, rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Every problem as (row, column, message); each names a real row and a column of the import."""
    labels = set(entry.labels().values())
    problems = []
    previous = 1
    for row in rows:
        assert isinstance(row["line"], int) and row["line"] > previous, row["line"]
        previous = row["line"]
        for column, message in row["errors"]:
            assert column in labels, (column, labels)
            assert message.strip()
            problems.append((row["line"], column, message))
    return problems


def upload_and_confirm(entry: Entry, world: World, name: str, data: bytes) -> None:
    client = world.coordinator.client
    before, imports = entry.written(world), entry.model.objects.count()
    response = client.post(entry.upload_url(world), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 302), response.status_code
    assert entry.written(world) == before, "the upload wrote before the coordinator confirmed"
    if response.status_code == 200:  # refused as a whole: the form says why, nothing is kept
        messages = response.context["form"].errors.get("file", [])
        _indonesian(messages)
        assert entry.model.objects.count() == imports
        event("refused as a whole")
        return
    match = resolve(response["Location"])
    preview = entry.model.objects.get(pk=match.kwargs["pk"])
    assert preview.status == "preview", preview.status
    problems = _row_problems(entry, preview.rows)
    page = client.get(response["Location"])
    assert page.status_code == 200
    if problems:  # the page lists the problems by row and column, the first ones first
        html = page.content.decode()
        assert "Baris" in html and "Kolom" in html
        line, column, message = problems[0]
        first = re.search(rf"<tr><td>{line}</td>(?:(?!</tr>).)*?<td>{re.escape(escape(column))}</td>", html, re.S)
        assert first, (line, column)
        assert escape(message) in html
    expected = entry.will_write(preview)
    event("previewed, with problems" if problems else "previewed, no problems")
    event("confirm writes" if any(expected.values()) else "confirm writes nothing")
    done = client.post(reverse(entry.confirm, kwargs={"pk": preview.pk}))
    assert done.status_code == 302
    preview.refresh_from_db()
    assert preview.status == "imported", (preview.status, [str(m) for m in done.wsgi_request._messages])
    assert entry.written(world) == _plus(before, expected), "the confirm did not write exactly the valid rows"


def preview_directly(entry: Entry, world: World, name: str, data: bytes) -> None:
    before, imports = entry.written(world), entry.model.objects.count()
    with translation.override("id"):
        try:
            made = entry.preview(world, SimpleUploadedFile(name, data))
        except ValidationError as error:
            _indonesian(error.messages)
            assert entry.model.objects.count() == imports
        else:
            _row_problems(entry, made.rows)
    assert entry.written(world) == before


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_fuzzed_files_through_the_upload_view(kind: str, world: World) -> None:
    entry = ENTRIES[kind]

    @FUZZ
    @given(file=any_file(entry))
    def run(file: tuple[str, bytes]) -> None:
        upload_and_confirm(entry, world, *file)

    run()


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_fuzzed_files_through_the_preview_service(kind: str, world: World) -> None:
    entry = ENTRIES[kind]

    @FUZZ
    @given(file=any_file(entry))
    def run(file: tuple[str, bytes]) -> None:
        preview_directly(entry, world, *file)

    run()


@pytest.mark.parametrize("kind", list(ENTRIES))
@pytest.mark.parametrize("form", ["csv", "xlsx-named-csv"])
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(kind: str, form: str, world: World) -> None:
    entry = ENTRIES[kind]
    head = ",".join(entry.headers).encode() + b"\n"
    data = head + b"x" * (entry.max_bytes + 1 - len(head))
    if form == "xlsx-named-csv":
        data = b"PK\x03\x04" + data[4:]
    before, imports = entry.written(world), entry.model.objects.count()
    response = world.coordinator.client.post(entry.upload_url(world), {"file": SimpleUploadedFile("besar.csv", data)})
    assert response.status_code == 200
    messages = response.context["form"].errors["file"]
    _indonesian(messages)
    assert any("MB" in m for m in messages), messages  # the limit is named
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        entry.preview(world, SimpleUploadedFile("besar.csv", data))
    _indonesian(refused.value.messages)
    assert entry.written(world) == before and entry.model.objects.count() == imports


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_a_cell_too_large_for_a_csv_reader_is_refused_with_a_message(kind: str, world: World) -> None:
    """One cell of 200,000 characters (under the size limit): Python's CSV reader stops at 131,072."""
    entry = ENTRIES[kind]
    data = (",".join(entry.headers) + "\n" + ",".join([entry.samples[0], "y" * 200_000]) + "\n").encode()
    upload_view_must_not_crash = world.coordinator.client.post(
        entry.upload_url(world), {"file": SimpleUploadedFile("panjang.csv", data)}
    )
    assert upload_view_must_not_crash.status_code in (200, 302)
    preview_directly(entry, world, "panjang.csv", data)


def test_a_preview_with_only_wrong_rows_writes_nothing_when_confirmed(world: World) -> None:
    """The plain case the fuzzing relies on: every row wrong, confirmed anyway, nothing written."""
    entry = ENTRIES["questions"]
    data = xlsx_bytes(
        [entry.headers, ["essay", "Soal?", "a", "b", "", "", "", "", "Z"], ["single", "", "", "", "", "", "", "", ""]]
    )
    before = entry.written(world)
    response = world.coordinator.client.post(entry.upload_url(world), {"file": SimpleUploadedFile("soal.xlsx", data)})
    preview = QuestionImport.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
    assert [line for line, _c, _m in _row_problems(entry, preview.rows)][:1] == [2]
    world.coordinator.client.post(reverse(entry.confirm, kwargs={"pk": preview.pk}))
    assert entry.written(world) == before


@functools.cache
def _bomb(kind: str) -> bytes:
    """The security finding: a 1 MB .xlsx whose sheet XML unpacks to 236 MB (it kept a worker busy 62 s)."""
    entry = ENTRIES[kind]
    row = [str(value) for value in (entry.samples * 2)[: len(entry.headers)]]
    return xlsx_bomb(entry.headers, row, unpacked=236 * 1024 * 1024)


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_a_spreadsheet_bomb_is_refused_fast_and_nothing_is_written(kind: str, world: World) -> None:
    entry = ENTRIES[kind]
    data = _bomb(kind)
    assert len(data) < min(entry.max_bytes, 1.5 * 1024 * 1024)  # a small file, under the size limit
    before, imports = entry.written(world), entry.model.objects.count()

    started = time.perf_counter()
    response = world.coordinator.client.post(entry.upload_url(world), {"file": SimpleUploadedFile("bom.xlsx", data)})
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    messages = response.context["form"].errors["file"]
    _indonesian(messages)
    assert any("236" in m for m in messages), messages  # the unpacked size is named

    started = time.perf_counter()
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        entry.preview(world, SimpleUploadedFile("bom.xlsx", data))
    assert time.perf_counter() - started < 1
    _indonesian(refused.value.messages)
    assert entry.written(world) == before and entry.model.objects.count() == imports
