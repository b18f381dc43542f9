"""Question sheets: every error kind named by row and column, all-or-nothing import, and round trip."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lentera.assessment import services
from lentera.assessment.models import Question, QuestionImport
from lentera.assessment.question_sheet import HEADERS, column_labels, export_xlsx
from lentera.curriculum.tests.factories import CompetencyFactory, ModuleFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def sheet(*rows: list[Any]) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row + [""] * (len(HEADERS) - len(row)))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("soal.xlsx", buffer.getvalue())


def row(
    kind: str = "single",
    text: str = "Soal?",
    options: tuple[str, ...] = ("a", "b"),
    key: str = "A",
    difficulty: str = "medium",
    competencies: str = "",
    modules: str = "",
    explanation: str = "",
) -> list[Any]:
    return [kind, text, *options, *[""] * (6 - len(options)), key, difficulty, competencies, modules, explanation]


def problems(question_import: QuestionImport) -> list[tuple[int, str]]:
    return [(r["line"], column) for r in question_import.rows for column, _message in r["errors"]]


class TestChecks:
    @pytest.mark.parametrize(
        ("bad", "column"),
        [
            (row(kind="essay"), "kind"),
            (row(text=""), "text"),
            (row(difficulty="ekstrem"), "difficulty"),
            (row(key="D"), "key"),  # no option D
            (row(key=""), "key"),
            (row(key="A; B"), "key"),  # two correct in a single choice
            (row(kind="true_false", options=(), key="mungkin"), "key"),
            (row(kind="short", options=(), key=" | "), "key"),
            (row(competencies="Kompetensi yang tidak ada"), "competencies"),
            (row(modules="Modul yang tidak ada"), "modules"),
        ],
    )
    def test_each_problem_names_the_row_and_column(self, library_a: Any, bad: list[Any], column: str) -> None:
        question_import = services.question_import_preview(actor=None, library=library_a, upload=sheet(row(), bad))
        assert problems(question_import) == [(3, column_labels()[column])]
        assert not Question.objects.exists()

    def test_a_module_title_used_by_two_programmes_needs_its_year(self, library_a: Any) -> None:
        for year in (2025, 2026):
            ModuleFactory(programme=ProgrammeFactory(library=library_a, year=year), title="Layanan Pelanggan")
        ambiguous = services.question_import_preview(
            actor=None, library=library_a, upload=sheet(row(modules="Layanan Pelanggan"))
        )
        assert problems(ambiguous) == [(2, column_labels()["modules"])]
        exact = services.question_import_preview(
            actor=None, library=library_a, upload=sheet(row(modules="2026 · Layanan Pelanggan"))
        )
        assert problems(exact) == []

    def test_a_sheet_without_the_key_column_is_refused_as_a_whole(self, library_a: Any) -> None:
        book = Workbook()
        book.active.append(["Jenis", "Soal"])
        buffer = io.BytesIO()
        book.save(buffer)
        with pytest.raises(services.ValidationError):
            services.question_import_preview(
                actor=None, library=library_a, upload=SimpleUploadedFile("x.xlsx", buffer.getvalue())
            )

    def test_an_option_too_long_for_the_bank_is_a_problem_of_its_row_and_column(self, library_a: Any) -> None:
        """Found by the fuzzed imports: a 501-character option passed the check, then the confirm failed
        (on PostgreSQL, with a server error: the option column holds 500 characters)."""
        question_import = services.question_import_preview(
            actor=None, library=library_a, upload=sheet(row(), row(options=("a", "x" * 501)))
        )
        assert problems(question_import) == [(3, column_labels()["option_b"])]
        assert services.question_import_apply(actor=None, question_import=question_import) == 1


class TestApply:
    def test_round_trip_recreates_the_same_questions(self, library_a: Any, library_b: Any) -> None:
        unit = CompetencyFactory(library=library_a, code="R.91PRP02.021.1", title="Klasifikasi")
        module = ModuleFactory(programme=ProgrammeFactory(library=library_a, year=2026), title="Manajemen Koleksi")
        originals = [
            services.question_save(
                actor=None,
                library=library_a,
                kind="single",
                text="DDC 004?",
                options=[("Komputer", True), ("Sejarah", False)],
                competencies=[unit],
                modules=[module],
                explanation="Kelas 000.",
                difficulty="easy",
            ),
            services.question_save(
                actor=None,
                library=library_a,
                kind="multiple",
                text="Otomasi?",
                options=[("SLiMS", True), ("INLISLite", True), ("Excel", False)],
            ),
            services.question_save(
                actor=None, library=library_a, kind="true_false", text="DDC 10 kelas.", true_answer=True
            ),
            services.question_save(
                actor=None,
                library=library_a,
                kind="short",
                text="Kepanjangan DDC?",
                accepted_answers=["Dewey Decimal Classification", "Klasifikasi Desimal Dewey"],
            ),
        ]
        exported = export_xlsx(list(Question.objects.filter(pk__in=[q.pk for q in originals]).order_by("pk")))
        question_import = services.question_import_preview(
            actor=None, library=library_a, upload=SimpleUploadedFile("ekspor.xlsx", exported)
        )
        assert problems(question_import) == []
        assert services.question_import_apply(actor=None, question_import=question_import) == 4

        def fingerprint(q: Question) -> tuple[Any, ...]:
            return (
                q.kind,
                q.text,
                q.explanation,
                q.difficulty,
                tuple(q.accepted_answers),
                tuple((c.text, c.is_correct) for c in q.choices.all()),
                tuple(q.competencies.values_list("pk", flat=True)),
                tuple(q.modules.values_list("pk", flat=True)),
            )

        copies = Question.objects.exclude(pk__in=[q.pk for q in originals]).order_by("pk")
        assert [fingerprint(q) for q in copies] == [fingerprint(q) for q in originals]

    def test_all_or_nothing(self, library_a: Any, monkeypatch: Any) -> None:
        question_import = services.question_import_preview(
            actor=None, library=library_a, upload=sheet(row(text="Satu"), row(text="Dua"))
        )
        real = services.question_save
        calls = {"n": 0}

        def fail_on_second(**kwargs: Any) -> Question:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
            return real(**kwargs)

        monkeypatch.setattr(services, "question_save", fail_on_second)
        with pytest.raises(RuntimeError):
            services.question_import_apply(actor=None, question_import=question_import)
        assert not Question.objects.exists()
        assert QuestionImport.objects.get().status == QuestionImport.Status.PREVIEW

    def test_rows_with_errors_are_skipped_and_twice_is_refused(self, library_a: Any) -> None:
        question_import = services.question_import_preview(
            actor=None, library=library_a, upload=sheet(row(text="Baik"), row(text=""))
        )
        assert services.question_import_apply(actor=None, question_import=question_import) == 1
        with pytest.raises(services.ValidationError):
            services.question_import_apply(actor=None, question_import=question_import)


class TestPages:
    def test_upload_preview_confirm(self, instructor: Any) -> None:
        response = instructor.client.post(
            reverse("assessment:question_import_upload"), {"file": sheet(row(text="Baik"), row(key="Z"))}
        )
        question_import = QuestionImport.objects.get()
        assert response["Location"] == question_import.get_absolute_url()
        page = instructor.client.get(response["Location"]).content.decode()
        assert ">3<" in page and "Kunci jawaban" in page  # row 3, the key column, in Indonesian
        instructor.client.post(reverse("assessment:question_import_confirm", args=[question_import.pk]))
        assert list(Question.objects.values_list("text", flat=True)) == ["Baik"]

    def test_template_and_export_are_real_workbooks(self, coordinator: Any) -> None:
        template = coordinator.client.get(reverse("assessment:question_template"))
        book = load_workbook(io.BytesIO(template.content))
        assert [c.value for c in book.active[1]] == HEADERS
        assert book.active.max_row == 5  # header and one example of each type
        question_import = services.question_import_preview(
            actor=None, library=coordinator.library, upload=SimpleUploadedFile("t.xlsx", template.content)
        )
        assert problems(question_import) == []  # the template's own examples import cleanly
        export = coordinator.client.get(reverse("assessment:question_export"))
        assert load_workbook(io.BytesIO(export.content)).active.max_row == 1

    def test_another_library_cannot_open_the_import(self, coordinator: Any, coordinator_b: Any) -> None:
        question_import = services.question_import_preview(actor=None, library=coordinator.library, upload=sheet(row()))
        url = reverse("assessment:question_import_detail", args=[question_import.pk])
        assert coordinator_b.client.get(url).status_code == 404
