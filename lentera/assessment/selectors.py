"""Reads for the question bank. Coordinators and instructors use it; participants never see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from lentera.accounts.models import Role
from lentera.assessment.models import Choice, Question
from lentera.curriculum.models import Competency, Module
from lentera.lib.tenancy import scoped

if TYPE_CHECKING:
    from lentera.accounts.access import LibraryAccess


def _require_author(access: LibraryAccess) -> None:
    if not access.has(Role.COORDINATOR, Role.INSTRUCTOR):
        raise PermissionDenied


def questions_for_user(
    *,
    access: LibraryAccess,
    kind: str = "",
    module: Module | None = None,
    competency: Competency | None = None,
    query: str = "",
    active: bool = True,
) -> QuerySet[Question]:
    _require_author(access)
    questions = scoped(Question, access.library).filter(is_active=active)
    if kind:
        questions = questions.filter(kind=kind)
    if module is not None:
        questions = questions.filter(modules=module)
    if competency is not None:
        questions = questions.filter(competencies=competency)
    if query:
        questions = questions.filter(Q(text__icontains=query) | Q(explanation__icontains=query))
    return questions.prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order")),
        Prefetch("competencies", queryset=Competency.objects.order_by("code", "title")),
        Prefetch("modules", queryset=Module.objects.select_related("programme").order_by("order")),
    )


def question_get_for_user(*, access: LibraryAccess, pk: int) -> Question:
    _require_author(access)
    question = scoped(Question, access.library).filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def question_import_get_for_user(*, access: LibraryAccess, pk: int) -> Any:
    from lentera.assessment.models import QuestionImport

    _require_author(access)
    question_import = scoped(QuestionImport, access.library).filter(pk=pk).first()
    if question_import is None:
        raise Http404
    return question_import
