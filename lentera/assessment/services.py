"""Writes for the question bank. Every question type is checked for a usable answer key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.assessment.models import Choice, Question
from lentera.curriculum.models import Competency, Module

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


def _same_library(library: Library, field: str, objects: Iterable[Any]) -> list[Any]:
    objects = list(objects)
    if any(obj.library_id != library.pk for obj in objects):
        raise ValidationError({field: _("Choose only items that belong to this library.")})
    return objects


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
    question = question or Question(library=library)
    question.kind, question.text, question.explanation = kind, text.strip(), explanation.strip()
    question.difficulty, question.accepted_answers = difficulty, stored_accepted
    question.full_clean()
    question.save()
    question.competencies.set(_same_library(library, "competencies", competencies))
    question.modules.set(_same_library(library, "modules", modules))
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
