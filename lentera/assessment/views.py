"""The question bank: list with filters, create and edit every question type, take out of use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.assessment import selectors, services
from lentera.assessment.forms import QuestionFilterForm, QuestionForm
from lentera.lib.forms import add_service_errors

AUTHORS = (Role.COORDINATOR, Role.INSTRUCTOR)


@role_required(*AUTHORS)
def question_list(request: AccessRequest) -> HttpResponse:
    access = request.access
    form = QuestionFilterForm(request.GET or None, library=access.current_library)
    filters = form.cleaned_data if form.is_valid() else {}
    questions = list(
        selectors.questions_for_user(
            access=access,
            kind=filters.get("kind", ""),
            module=filters.get("module"),
            query=filters.get("q", ""),
            active=not filters.get("archived", False),
        )[:200]
    )
    return render(request, "assessment/question_list.html", {"form": form, "questions": questions})


def _question_page(request: AccessRequest, form: QuestionForm, question: object | None, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.question_save(
                actor=request.user,
                library=request.access.current_library,
                question=question,  # type: ignore[arg-type]
                **form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("assessment:question_list") if question else redirect(saved)
    return render(request, "assessment/question_form.html", {"form": form, "title": title, "question": question})


@role_required(*AUTHORS)
@require_http_methods(["GET", "POST"])
def question_create(request: AccessRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None, library=request.access.current_library)
    return _question_page(request, form, None, _("New question"))


@role_required(*AUTHORS)
@require_http_methods(["GET", "POST"])
def question_edit(request: AccessRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for_user(access=request.access, pk=pk)
    form = QuestionForm(request.POST or None, library=request.access.current_library, question=question)
    return _question_page(request, form, question, _("Edit question"))


@role_required(*AUTHORS)
@require_POST
def question_toggle(request: AccessRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for_user(access=request.access, pk=pk)
    services.question_set_active(actor=request.user, question=question, active=not question.is_active)
    messages.success(
        request,
        _("The question is in use again.")
        if question.is_active
        else _("The question was taken out of use; past results keep it."),
    )
    return redirect("assessment:question_list")
