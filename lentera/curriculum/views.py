"""Curriculum pages: programmes with their objectives and modules, and the competency framework."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.curriculum import selectors, services
from lentera.curriculum.forms import (
    CompetencyForm,
    MaterialForm,
    ModuleForm,
    ObjectiveForm,
    ProgrammeCopyForm,
    ProgrammeForm,
    SessionPlanForm,
)
from lentera.curriculum.jp import jp_for_minutes, total_jp
from lentera.lib.downloads import stored_file_download
from lentera.lib.forms import add_service_errors

STAFF_ROLES = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)


def _fields(form: ModelForm, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form._meta.fields or () if name not in without}


def _save(request: AccessRequest, form: ModelForm, action: Any, success: str) -> Any:
    """Run a service with the form's data; on a ValidationError put it on the form and return None."""
    try:
        obj = action()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success)
    return obj


def _form_page(
    request: AccessRequest,
    form: ModelForm,
    *,
    save: Callable[..., Any],
    success: str,
    title: str,
    back: Any,
    done: Callable[[Any], Any] = lambda saved: saved,
) -> HttpResponse:
    """The create/edit page pattern: validate, run the service with the form's fields, redirect or show errors."""
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda: save(**_fields(form)), success)
        if saved is not None:
            return redirect(done(saved))
    return render(request, "curriculum/form.html", {"form": form, "title": title, "back": back})


@role_required(*STAFF_ROLES)
def programme_list(request: AccessRequest) -> HttpResponse:
    access = request.access
    programmes = selectors.programmes_for_user(access=access)
    return render(request, "curriculum/programme_list.html", {"programmes": programmes})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def programme_create(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    form = ProgrammeForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    return _form_page(
        request,
        form,
        save=partial(services.programme_create, actor=request.user, library=library),
        success=_("The programme was created."),
        title=_("New programme"),
        back={"get_absolute_url": reverse("curriculum:programme_list")},
    )


@role_required(*STAFF_ROLES)
def programme_detail(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    programme = selectors.programme_get_for_user(access=access, pk=pk)
    plan = selectors.programme_plan(programme=programme)
    copy_form = ProgrammeCopyForm(initial={"year": programme.year + 1}) if access.is_coordinator else None
    return render(
        request, "curriculum/programme_detail.html", {"programme": programme, "plan": plan, "copy_form": copy_form}
    )


@role_required(Role.COORDINATOR)
@require_POST
def programme_copy(request: AccessRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(access=request.access, pk=pk, for_write=True)
    form = ProgrammeCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year of the copy (2000–2100)."))
        return redirect(programme)
    try:
        copy = services.programme_copy(actor=request.user, programme=programme, year=form.cleaned_data["year"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(programme)
    messages.success(request, _("A draft copy was made. Check its year and titles, then make it active."))
    return redirect(copy)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def programme_edit(request: AccessRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(access=request.access, pk=pk, for_write=True)
    form = ProgrammeForm(request.POST or None, instance=programme)
    return _form_page(
        request,
        form,
        save=partial(services.programme_update, actor=request.user, programme=programme),
        success=_("The programme was saved."),
        title=_("Edit programme"),
        back=programme,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def objective_create(request: AccessRequest, programme_pk: int) -> HttpResponse:
    access = request.access
    programme = selectors.programme_get_for_user(access=access, pk=programme_pk, for_write=True)
    form = ObjectiveForm(request.POST or None, library=access.current_library)
    return _form_page(
        request,
        form,
        save=partial(services.objective_create, actor=request.user, programme=programme),
        success=_("The objective was added."),
        title=_("New objective"),
        back=programme,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def objective_edit(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    objective = selectors.objective_get_for_user(access=access, pk=pk, for_write=True)
    form = ObjectiveForm(request.POST or None, instance=objective, library=access.current_library)
    return _form_page(
        request,
        form,
        save=partial(services.objective_update, actor=request.user, objective=objective),
        success=_("The objective was saved."),
        title=_("Edit objective"),
        back=objective,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def module_create(request: AccessRequest, programme_pk: int) -> HttpResponse:
    access = request.access
    programme = selectors.programme_get_for_user(access=access, pk=programme_pk, for_write=True)
    form = ModuleForm(request.POST or None, programme=programme, initial={"order": programme.modules.count() + 1})
    return _form_page(
        request,
        form,
        save=partial(services.module_create, actor=request.user, programme=programme),
        success=_("The module was added."),
        title=_("New module"),
        back=programme,
        done=lambda module: module.programme,
    )


@role_required(*STAFF_ROLES)
def module_detail(request: AccessRequest, pk: int) -> HttpResponse:
    module = selectors.module_get_for_user(access=request.access, pk=pk)
    sessions = list(module.sessions.prefetch_related("competencies", "materials"))
    return render(
        request,
        "curriculum/module_detail.html",
        {
            "module": module,
            "objectives": module.objectives.all(),
            "competencies": module.competencies.select_related("key_function"),
            "sessions": sessions,
            "total_jp": total_jp(p.planned_minutes for p in sessions),
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def module_edit(request: AccessRequest, pk: int) -> HttpResponse:
    module = selectors.module_get_for_user(access=request.access, pk=pk, for_write=True)
    form = ModuleForm(request.POST or None, instance=module, programme=module.programme)
    return _form_page(
        request,
        form,
        save=partial(services.module_update, actor=request.user, module=module),
        success=_("The module was saved."),
        title=_("Edit module"),
        back=module,
    )


@role_required(*STAFF_ROLES)
def competency_list(request: AccessRequest) -> HttpResponse:
    access = request.access
    framework = selectors.framework_for_user(access=access)
    return render(request, "curriculum/competency_list.html", {"framework": framework})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def competency_create(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    form = CompetencyForm(request.POST or None, initial={"key_function": request.GET.get("key_function")})
    return _form_page(
        request,
        form,
        save=partial(services.competency_create, actor=request.user, library=library),
        success=_("The competency unit was added."),
        title=_("New competency unit"),
        back={"get_absolute_url": reverse("curriculum:competency_list")},
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def competency_edit(request: AccessRequest, pk: int) -> HttpResponse:
    competency = selectors.competency_get_for_user(access=request.access, pk=pk, for_write=True)
    form = CompetencyForm(request.POST or None, instance=competency)
    return _form_page(
        request,
        form,
        save=partial(services.competency_update, actor=request.user, competency=competency),
        success=_("The competency unit was saved."),
        title=_("Edit competency unit"),
        back=competency,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def session_plan_create(request: AccessRequest, module_pk: int) -> HttpResponse:
    access = request.access
    module = selectors.module_get_for_user(access=access, pk=module_pk, for_write=True)
    form = SessionPlanForm(
        request.POST or None, library=access.current_library, initial={"order": module.sessions.count() + 1}
    )
    return _form_page(
        request,
        form,
        save=partial(services.session_plan_create, actor=request.user, module=module),
        success=_("The session plan was added."),
        title=_("New session plan"),
        back=module,
    )


@role_required(*STAFF_ROLES)
def session_plan_detail(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    plan = selectors.session_plan_get_for_user(access=access, pk=pk)
    return render(
        request,
        "curriculum/session_plan_detail.html",
        {
            "plan": plan,
            "jp": jp_for_minutes(plan.planned_minutes),
            "competencies": plan.competencies.select_related("key_function"),
            "materials": plan.materials.all(),
            "material_form": MaterialForm() if access.is_coordinator else None,
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def session_plan_edit(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    plan = selectors.session_plan_get_for_user(access=access, pk=pk, for_write=True)
    form = SessionPlanForm(request.POST or None, instance=plan, library=access.current_library)
    return _form_page(
        request,
        form,
        save=partial(services.session_plan_update, actor=request.user, plan=plan),
        success=_("The session plan was saved."),
        title=_("Edit session plan"),
        back=plan,
    )


@role_required(Role.COORDINATOR)
@require_POST
def material_add(request: AccessRequest, plan_pk: int) -> HttpResponse:
    access = request.access
    plan = selectors.session_plan_get_for_user(access=access, pk=plan_pk, for_write=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.material_add(
                actor=request.user,
                plan=plan,
                title=data["title"],
                upload=data["file"],
                url=data["url"],
                body=data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The material was added."))
            return redirect(plan)
    return render(
        request,
        "curriculum/session_plan_detail.html",
        {
            "plan": plan,
            "jp": jp_for_minutes(plan.planned_minutes),
            "competencies": plan.competencies.select_related("key_function"),
            "materials": plan.materials.all(),
            "material_form": form,
        },
        status=400,
    )


@role_required(Role.COORDINATOR)
@require_POST
def material_remove(request: AccessRequest, pk: int) -> HttpResponse:
    material = selectors.material_get_for_user(access=request.access, pk=pk, for_write=True)
    plan = material.session_plan
    services.material_remove(actor=request.user, material=material)
    messages.success(request, _("The material was removed."))
    return redirect(plan)


@role_required(*STAFF_ROLES)
def material_download(request: AccessRequest, pk: int) -> HttpResponseBase:
    """A material file, for the library's people only, always as a download (never rendered in our origin)."""
    material = selectors.material_get_for_user(access=request.access, pk=pk)
    if material.kind != material.Kind.FILE or not material.file:
        raise Http404
    return stored_file_download(
        material.file, filename=material.original_name or material.file.name, content_type=material.content_type
    )
