"""The question bank: answer keys for every type, library scoping, and the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lentera.accounts.models import AuditEntry
from lentera.assessment.models import Question
from lentera.assessment.services import question_save, question_set_active
from lentera.curriculum.tests.factories import CompetencyFactory, ModuleFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def make(library: Any, **kwargs: Any) -> Question:
    data: dict[str, Any] = {
        "kind": "single",
        "text": "Nomor kelas DDC untuk ilmu komputer?",
        "options": [("004", True), ("020", False), ("900", False)],
    }
    data.update(kwargs)
    return question_save(actor=None, library=library, **data)


class TestAnswerKeys:
    def test_single_choice(self, library_a: Any) -> None:
        question = make(library_a)
        assert [(c.letter, c.text, c.is_correct) for c in question.choices.all()] == [
            ("A", "004", True),
            ("B", "020", False),
            ("C", "900", False),
        ]
        assert AuditEntry.objects.filter(action="question.create").count() == 1

    @pytest.mark.parametrize(
        ("kind", "options", "field"),
        [
            ("single", [("004", True), ("020", True)], "options"),  # two correct in a single choice
            ("single", [("004", False), ("020", False)], "options"),  # none correct
            ("multiple", [("a", False), ("b", False)], "options"),
            ("single", [("004", True)], "options"),  # one option only
            ("single", [("004", True), (" 004 ", False)], "options"),  # the same text twice
            ("essay", [("a", True), ("b", False)], "kind"),
        ],
    )
    def test_unusable_keys_are_refused(self, library_a: Any, kind: str, options: list[Any], field: str) -> None:
        with pytest.raises(ValidationError) as error:
            make(library_a, kind=kind, options=options)
        assert field in error.value.message_dict
        assert not Question.objects.exists()

    def test_multiple_choice_keeps_every_correct_option(self, library_a: Any) -> None:
        question = make(library_a, kind="multiple", options=[("SLiMS", True), ("INLISLite", True), ("Excel", False)])
        assert [c.is_correct for c in question.choices.all()] == [True, True, False]

    def test_true_false_needs_the_answer(self, library_a: Any) -> None:
        with pytest.raises(ValidationError) as error:
            make(library_a, kind="true_false", options=[])
        assert "true_answer" in error.value.message_dict
        question = make(library_a, kind="true_false", options=[], true_answer=False)
        assert [c.is_correct for c in question.choices.all()] == [False, True]

    def test_short_answer_needs_accepted_answers(self, library_a: Any) -> None:
        with pytest.raises(ValidationError):
            make(library_a, kind="short", accepted_answers=["  ", ""])
        question = make(library_a, kind="short", accepted_answers=[" DDC ", "", "Dewey"])
        assert question.accepted_answers == ["DDC", "Dewey"]
        assert not question.choices.exists()

    def test_tags_must_belong_to_the_library(self, library_a: Any) -> None:
        with pytest.raises(ValidationError) as error:
            make(library_a, competencies=[CompetencyFactory()])
        assert "competencies" in error.value.message_dict
        module = ModuleFactory(programme=ProgrammeFactory(library=library_a))
        question = make(library_a, modules=[module], competencies=[CompetencyFactory(library=library_a)])
        assert list(question.modules.all()) == [module]

    def test_editing_replaces_the_key_and_is_audited(self, library_a: Any) -> None:
        question = make(library_a)
        question_save(
            actor=None,
            library=library_a,
            question=question,
            kind="short",
            text="Singkatan DDC?",
            accepted_answers=["Dewey Decimal Classification"],
        )
        question.refresh_from_db()
        assert (question.kind, question.choices.count()) == ("short", 0)
        assert AuditEntry.objects.filter(action="question.update").count() == 1

    def test_another_librarys_question_cannot_be_edited(self, library_a: Any, library_b: Any) -> None:
        question = make(library_a)
        with pytest.raises(ValidationError):
            question_save(
                actor=None,
                library=library_b,
                question=question,
                kind="single",
                text="x",
                options=[("a", True), ("b", False)],
            )

    def test_taking_out_of_use_and_back(self, library_a: Any) -> None:
        question = make(library_a)
        question_set_active(actor=None, question=question, active=False)
        question_set_active(actor=None, question=question, active=False)  # twice: one audit row
        assert AuditEntry.objects.filter(action="question.archive").count() == 1
        question_set_active(actor=None, question=question, active=True)
        assert Question.objects.get().is_active


class TestPages:
    def test_instructor_writes_a_multiple_choice_question(self, instructor: Any) -> None:
        response = instructor.client.post(
            reverse("assessment:question_create"),
            {
                "kind": "multiple",
                "text": "Perangkat lunak otomasi perpustakaan?",
                "difficulty": "easy",
                "option_0": "SLiMS",
                "correct_0": "on",
                "option_1": "INLISLite",
                "correct_1": "on",
                "option_2": "Excel",
            },
        )
        question = Question.objects.get()
        assert response["Location"] == reverse("assessment:question_edit", args=[question.pk])
        assert [(c.text, c.is_correct) for c in question.choices.all()] == [
            ("SLiMS", True),
            ("INLISLite", True),
            ("Excel", False),
        ]

    def test_a_bad_key_is_explained_and_nothing_saved(self, coordinator: Any) -> None:
        response = coordinator.client.post(
            reverse("assessment:question_create"),
            {
                "kind": "single",
                "text": "x",
                "difficulty": "medium",
                "option_0": "a",
                "option_1": "b",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not Question.objects.exists()

    def test_the_edit_form_shows_the_current_key(self, coordinator: Any) -> None:
        question = make(coordinator.library)
        form = coordinator.client.get(reverse("assessment:question_edit", args=[question.pk])).context["form"]
        assert (form["option_0"].value(), form["correct_0"].value(), form["correct_1"].value()) == ("004", True, False)

    def test_list_filters_and_has_a_fixed_number_of_queries(
        self, coordinator: Any, django_assert_num_queries: Any
    ) -> None:
        for i in range(12):
            make(coordinator.library, text=f"Soal {i}", competencies=[CompetencyFactory(library=coordinator.library)])
        make(coordinator.library, kind="short", text="Singkatan DDC?", accepted_answers=["DDC"])
        coordinator.client.get(reverse("dashboard"))
        with django_assert_num_queries(8):
            response = coordinator.client.get(reverse("assessment:question_list"))
        assert len(response.context["questions"]) == 13
        short = coordinator.client.get(reverse("assessment:question_list"), {"kind": "short"})
        assert [q.text for q in short.context["questions"]] == ["Singkatan DDC?"]

    def test_participants_never_see_the_bank(self, participant: Any, coordinator: Any) -> None:
        question = make(coordinator.library)
        assert participant.client.get(reverse("assessment:question_list")).status_code == 403
        assert participant.client.get(reverse("assessment:question_edit", args=[question.pk])).status_code == 403


def test_an_answered_question_keeps_its_wording_and_options(library_a: Any) -> None:
    from django.core.exceptions import ValidationError

    from lentera.assessment import exam_services as exams
    from lentera.assessment.models import Answer, Choice
    from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory

    question = question_save(
        actor=None,
        library=library_a,
        kind="single",
        text="Kelas 000?",
        options=[("Karya umum", True), ("Agama", False)],
    )
    cohort = CohortFactory(programme__library=library_a)
    learner = EnrolmentFactory(cohort=cohort).user
    test = exams.test_set_open(
        actor=None,
        test=exams.test_create(actor=None, cohort=cohort, kind="pre", title="Pre", questions=[question]),
        is_open=True,
    )
    right = question.choices.get(is_correct=True)
    exams.answer_save(attempt=exams.attempt_start(user=learner, test=test), question=question, chosen=[right.pk])
    with pytest.raises(ValidationError):
        question_save(
            actor=None,
            library=library_a,
            question=question,
            kind="single",
            text="Kelas 000?",
            options=[("Karya umum", False), ("Agama", True)],
        )
    # tags, explanation and difficulty may still change, and the options keep their ids
    question_save(
        actor=None,
        library=library_a,
        question=question,
        kind="single",
        text="Kelas 000?",
        options=[("Karya umum", True), ("Agama", False)],
        explanation="000 = karya umum",
        difficulty="easy",
    )
    question.refresh_from_db()
    assert question.explanation == "000 = karya umum" and question.difficulty == "easy"
    assert Choice.objects.filter(pk=right.pk, is_correct=True).exists()
    assert Answer.objects.get().chosen == [right.pk]


def misplaced_legends(html: str) -> list[str]:
    """Each <legend> that is not the first element child of a <fieldset> (invalid HTML)."""
    from html.parser import HTMLParser

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[list[Any]] = []  # [tag, element children seen so far]
            self.problems: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            parent = self.stack[-1] if self.stack else None
            if tag == "legend" and (parent is None or parent[0] != "fieldset" or parent[1]):
                self.problems.append(
                    f"legend inside <{parent[0] if parent else '-'}>, after {parent[1] if parent else 0}"
                )
            if parent is not None:
                parent[1] += 1
            if tag not in void:
                self.stack.append([tag, 0])

        def handle_endtag(self, tag: str) -> None:
            while self.stack and self.stack.pop()[0] != tag:
                pass

    checker = Checker()
    checker.feed(html)
    return checker.problems


def test_the_question_form_puts_each_legend_first_in_its_fieldset(coordinator: Any) -> None:
    question = make(
        coordinator.library, kind="single", text="Apa itu OPAC?", options=[("Katalog", True), ("Rak", False)]
    )
    for url in (reverse("assessment:question_create"), reverse("assessment:question_edit", args=[question.pk])):
        page = coordinator.client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count("<legend") >= 2, url
        assert misplaced_legends(html) == [], url


def test_the_legend_check_finds_a_legend_inside_a_div() -> None:
    assert misplaced_legends('<fieldset class="card"><div><legend>x</legend></div></fieldset>') != []
    assert misplaced_legends("<fieldset><p>a</p><legend>x</legend></fieldset>") != []
    assert misplaced_legends("<fieldset><legend>x</legend><input><p>y</p></fieldset>") == []
