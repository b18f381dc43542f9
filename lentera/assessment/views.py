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
from lentera.assessment import question_sheet, selectors, services
from lentera.assessment.forms import QuestionFilterForm, QuestionForm, QuestionSheetForm
from lentera.lib.downloads import download
from lentera.lib.forms import add_service_errors
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

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


# Spreadsheet import and export -------------------------------------------------------------------


@role_required(*AUTHORS)
@require_http_methods(["GET", "POST"])
def question_import_upload(request: AccessRequest) -> HttpResponse:
    form = QuestionSheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            question_import = services.question_import_preview(
                actor=request.user, library=request.access.current_library, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect(question_import)
    return render(request, "assessment/question_import_upload.html", {"form": form})


@role_required(*AUTHORS)
def question_import_detail(request: AccessRequest, pk: int) -> HttpResponse:
    question_import = selectors.question_import_get_for_user(access=request.access, pk=pk)
    rows = question_import.rows
    return render(
        request,
        "assessment/question_import_detail.html",
        {
            "question_import": question_import,
            "errors": [(r["line"], column, message) for r in rows for column, message in r["errors"]],
            "valid": [r for r in rows if not r["errors"]],
        },
    )


@role_required(*AUTHORS)
@require_POST
def question_import_confirm(request: AccessRequest, pk: int) -> HttpResponse:
    question_import = selectors.question_import_get_for_user(access=request.access, pk=pk)
    try:
        count = services.question_import_apply(actor=request.user, question_import=question_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(question_import)
    messages.success(request, _("%(n)s questions were added to the bank.") % {"n": count})
    return redirect("assessment:question_list")


@role_required(*AUTHORS)
@require_POST
def question_import_cancel(request: AccessRequest, pk: int) -> HttpResponse:
    question_import = selectors.question_import_get_for_user(access=request.access, pk=pk)
    try:
        services.question_import_cancel(actor=request.user, question_import=question_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The sheet was not imported; nothing changed."))
    return redirect("assessment:question_list")


@role_required(*AUTHORS)
def question_export(request: AccessRequest) -> HttpResponse:
    access = request.access
    questions = list(selectors.questions_for_user(access=access, active=request.GET.get("archived") != "on"))
    return download(
        question_sheet.export_xlsx(questions),
        filename=f"bank-soal-{access.current_library.slug}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@role_required(*AUTHORS)
def question_template(request: AccessRequest) -> HttpResponse:
    return download(question_sheet.template_xlsx(), filename="templat-bank-soal.xlsx", content_type=XLSX_CONTENT_TYPE)
