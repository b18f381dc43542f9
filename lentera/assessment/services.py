"""Writes for the question bank. Every question type is checked for a usable answer key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.assessment.models import Answer, Choice, Question
from lentera.curriculum.models import Competency, Module
from lentera.lib.tenancy import same_library

MAX_OPTIONS = 8


def _answer_key(
    kind: str, options: Sequence[tuple[str, bool]], accepted: Sequence[str], true_answer: bool | None
) -> tuple[list[tuple[str, bool]], list[str]]:
    """The options and accepted answers to store for ``kind``, or a ValidationError saying what is missing."""
    options = [(text.strip(), correct) for text, correct in options if text.strip()]
    accepted = [a.strip() for a in accepted if a.strip()]
    if kind == Question.Kind.TRUE_FALSE:
        if true_answer is None:
            raise ValidationError({"true_answer": _("Say whether the statement is true or false.")})
        return [(_("True"), true_answer), (_("False"), not true_answer)], []
    if kind == Question.Kind.SHORT:
        if not accepted:
            raise ValidationError({"accepted_answers": _("Give at least one accepted answer.")})
        return [], accepted
    if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        raise ValidationError({"kind": _("Unknown question type.")})
    if len(options) < 2:
        raise ValidationError({"options": _("A choice question needs at least two options.")})
    if len(options) > MAX_OPTIONS:
        raise ValidationError({"options": _("At most %(n)s options.") % {"n": MAX_OPTIONS}})
    if len({text.casefold() for text, _correct in options}) != len(options):
        raise ValidationError({"options": _("Two options have the same text.")})
    correct = sum(1 for _text, ok in options if ok)
    if kind == Question.Kind.SINGLE and correct != 1:
        raise ValidationError({"options": _("Mark exactly one option as correct.")})
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError({"options": _("Mark at least one option as correct.")})
    return options, []


def _key(kind: str, text: str, options: Sequence[tuple[str, bool]], accepted: Sequence[str]) -> tuple[Any, ...]:
    """What a question asks and accepts: the part that past answers were scored against.

    True/false options are compared by which one is correct (their labels follow the language).
    """
    shown: list[Any] = [ok for _text, ok in options] if kind == Question.Kind.TRUE_FALSE else list(options)
    return kind, text, shown, list(accepted)


def _key_of(question: Question) -> tuple[Any, ...]:
    options = [(c.text, c.is_correct) for c in question.choices.order_by("order", "id")]
    return _key(question.kind, question.text, options, question.accepted_answers)


@transaction.atomic
def question_save(
    *,
    actor: Any,
    library: Library,
    kind: str,
    text: str,
    options: Sequence[tuple[str, bool]] = (),
    accepted_answers: Sequence[str] = (),
    true_answer: bool | None = None,
    explanation: str = "",
    difficulty: str = Question.Difficulty.MEDIUM,
    competencies: Iterable[Competency] = (),
    modules: Iterable[Module] = (),
    question: Question | None = None,
) -> Question:
    """Create a question, or replace ``question``'s content, with its answer key."""
    if question is not None and question.library_id != library.pk:
        raise ValidationError(_("This question belongs to another library."))
    stored_options, stored_accepted = _answer_key(kind, options, accepted_answers, true_answer)
    creating = question is None
    key_changed = question is None or _key_of(question) != _key(kind, text.strip(), stored_options, stored_accepted)
    if not creating and key_changed and Answer.objects.filter(question=question).exists():
        # past answers and scores point at this wording and these options: they must not change under them
        raise ValidationError(
            _(
                "This question has been answered in a test, so its wording, type and answers stay as they are. "
                "Add a new question instead and take this one out of use."
            )
        )
    question = question or Question(library=library)
    question.kind, question.text, question.explanation = kind, text.strip(), explanation.strip()
    question.difficulty, question.accepted_answers = difficulty, stored_accepted
    question.full_clean()
    question.save()
    question.competencies.set(same_library(library, "competencies", competencies))
    question.modules.set(same_library(library, "modules", modules))
    if key_changed:  # unchanged options keep their ids, which answers refer to
        question.choices.all().delete()
        Choice.objects.bulk_create(
            [Choice(question=question, order=i, text=t, is_correct=ok) for i, (t, ok) in enumerate(stored_options)]
        )
    audit_record(
        actor=actor, library=library, action="question.create" if creating else "question.update", obj=question
    )
    return question


@transaction.atomic
def question_set_active(*, actor: Any, question: Question, active: bool) -> Question:
    """Take a question out of use (kept for past tests) or put it back."""
    if question.is_active != active:
        question.is_active = active
        question.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            library=question.library,
            action="question.restore" if active else "question.archive",
            obj=question,
        )
    return question


# Import from a spreadsheet -------------------------------------------------------------------------

QUESTION_SHEET_MAX_BYTES = 5 * 1024 * 1024
QUESTION_SHEET_MAX_ROWS = 5000


def _sheet_lookups(library: Library) -> dict[str, Any]:
    competencies: dict[str, int] = {}
    for pk, code, title in Competency.objects.filter(library=library).values_list("pk", "code", "title"):
        competencies[title.lower()] = pk
        if code:
            competencies[code.lower()] = pk
    modules: dict[str, list[int]] = {}
    for pk, title, year in Module.objects.filter(library=library).values_list("pk", "title", "programme__year"):
        modules.setdefault(f"{year} · {title}".lower(), []).append(pk)
        modules.setdefault(title.lower(), []).append(pk)
    return {"competencies": competencies, "modules": modules}


@transaction.atomic
def question_import_preview(*, actor: Any, library: Library, upload: Any) -> Any:
    """Read and check a question sheet; nothing is written to the bank yet. Raises SpreadsheetError."""
    from lentera.assessment.models import QuestionImport
    from lentera.assessment.question_sheet import COLUMNS, check_rows, column_labels
    from lentera.lib.spreadsheet import read_table

    labels = column_labels()
    _columns, rows = read_table(
        upload,
        columns=COLUMNS,
        required={"kind": labels["kind"], "text": labels["text"], "key": labels["key"]},
        max_bytes=QUESTION_SHEET_MAX_BYTES,
        max_rows=QUESTION_SHEET_MAX_ROWS,
    )
    checked = check_rows(rows, **_sheet_lookups(library))
    return QuestionImport.objects.create(
        library=library,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=(upload.name or "")[:255],
        rows=[r.as_dict() for r in checked],
    )


@transaction.atomic
def question_import_apply(*, actor: Any, question_import: Any) -> int:
    """Add every valid row to the bank in one transaction: all of them, or none if anything fails."""
    from lentera.assessment.models import QuestionImport

    question_import = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    if question_import.status != QuestionImport.Status.PREVIEW:
        raise ValidationError(_("This sheet was already imported or cancelled."))
    library = question_import.library
    lookups = _sheet_lookups(library)
    valid_competencies = set(lookups["competencies"].values())
    valid_modules = {pk for pks in lookups["modules"].values() for pk in pks}
    count = 0
    for row in question_import.rows:
        if row["errors"]:
            continue
        data = dict(row["data"])
        competency_ids = [pk for pk in data.pop("competency_ids") if pk in valid_competencies]
        module_ids = [pk for pk in data.pop("module_ids") if pk in valid_modules]
        data["options"] = [tuple(option) for option in data["options"]]
        question = question_save(actor=actor, library=library, **data)
        question.competencies.set(competency_ids)
        question.modules.set(module_ids)
        count += 1
    question_import.status = QuestionImport.Status.IMPORTED
    question_import.save(update_fields=["status"])
    audit_record(
        actor=actor,
        library=library,
        action="question.import",
        obj=question_import,
        changes={"questions": [None, count]},
    )
    return count


@transaction.atomic
def question_import_cancel(*, actor: Any, question_import: Any) -> None:
    from lentera.assessment.models import QuestionImport

    question_import = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    if question_import.status != QuestionImport.Status.PREVIEW:
        raise ValidationError(_("This sheet was already imported or cancelled."))
    question_import.status, question_import.rows = QuestionImport.Status.CANCELLED, []
    question_import.save(update_fields=["status", "rows"])
