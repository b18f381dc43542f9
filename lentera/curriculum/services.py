"""Writes for the curriculum. Atomic, validated, audited; related objects must share the library."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library
from lentera.curriculum.models import (
    Competency,
    KeyFunction,
    Material,
    Method,
    Module,
    Objective,
    Programme,
    SessionPlan,
)
from lentera.lib.tenancy import same_library
from lentera.lib.uploads import MATERIAL_KINDS, check_upload, display_name, generated_name

PROGRAMME_FIELDS = ("year", "title", "description", "status")
OBJECTIVE_FIELDS = ("code", "title", "description", "competencies")
MODULE_FIELDS = ("order", "title", "summary", "description", "objectives", "competencies")
COMPETENCY_FIELDS = ("key_function", "code", "title", "description")


def _same_programme(programme: Programme, field: str, objects: Iterable[Objective]) -> list[Objective]:
    objects = list(objects)
    if any(obj.programme_id != programme.pk for obj in objects):
        raise ValidationError({field: _("Choose only objectives of this programme.")})
    return objects


def _create(obj: Any, *, actor: Any, library: Library, action: str, m2m: dict[str, list[Any]] | None = None) -> Any:
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit_record(actor=actor, library=library, action=action, obj=obj)
    return obj


@transaction.atomic
def programme_create(
    *, actor: Any, library: Library, year: int, title: str, description: str = "", status: str = "draft"
) -> Programme:
    programme = Programme(library=library, year=year, title=title.strip(), description=description, status=status)
    return _create(programme, actor=actor, library=library, action="programme.create")


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, **fields: Any) -> Programme:
    update_with_audit(
        actor=actor,
        library=programme.library,
        obj=programme,
        action="programme.update",
        fields=fields,
        allowed=PROGRAMME_FIELDS,
    )
    return programme


@transaction.atomic
def objective_create(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    title: str,
    description: str = "",
    competencies: Iterable[Competency] = (),
) -> Objective:
    library = programme.library
    objective = Objective(
        library=library, programme=programme, code=code.strip(), title=title.strip(), description=description
    )
    if Objective.objects.filter(programme=programme, code__iexact=objective.code).exists():
        raise ValidationError({"code": _("This programme already has an objective with this label.")})
    return _create(
        objective,
        actor=actor,
        library=library,
        action="objective.create",
        m2m={"competencies": same_library(library, "competencies", competencies)},
    )


@transaction.atomic
def objective_update(
    *, actor: Any, objective: Objective, competencies: Iterable[Competency] | None = None, **fields: Any
) -> Objective:
    m2m = {}
    if competencies is not None:
        m2m["competencies"] = same_library(objective.library, "competencies", competencies)
    update_with_audit(
        actor=actor,
        library=objective.library,
        obj=objective,
        action="objective.update",
        fields=fields,
        allowed=OBJECTIVE_FIELDS,
        m2m=m2m,
    )
    return objective


@transaction.atomic
def module_create(
    *,
    actor: Any,
    programme: Programme,
    title: str,
    order: int = 1,
    summary: str = "",
    description: str = "",
    objectives: Iterable[Objective] = (),
    competencies: Iterable[Competency] = (),
) -> Module:
    library = programme.library
    module = Module(
        library=library,
        programme=programme,
        order=order,
        title=title.strip(),
        summary=summary,
        description=description,
    )
    return _create(
        module,
        actor=actor,
        library=library,
        action="module.create",
        m2m={
            "objectives": _same_programme(programme, "objectives", objectives),
            "competencies": same_library(library, "competencies", competencies),
        },
    )


@transaction.atomic
def module_update(
    *,
    actor: Any,
    module: Module,
    objectives: Iterable[Objective] | None = None,
    competencies: Iterable[Competency] | None = None,
    **fields: Any,
) -> Module:
    m2m: dict[str, Any] = {}
    if objectives is not None:
        m2m["objectives"] = _same_programme(module.programme, "objectives", objectives)
    if competencies is not None:
        m2m["competencies"] = same_library(module.library, "competencies", competencies)
    update_with_audit(
        actor=actor,
        library=module.library,
        obj=module,
        action="module.update",
        fields=fields,
        allowed=MODULE_FIELDS,
        m2m=m2m,
    )
    return module


@transaction.atomic
def competency_create(
    *,
    actor: Any,
    library: Library,
    key_function: KeyFunction,
    title: str,
    code: str = "",
    description: str = "",
) -> Competency:
    competency = Competency(
        library=library,
        key_function=key_function,
        code=code.strip().upper(),
        title=title.strip(),
        description=description,
    )
    return _create(competency, actor=actor, library=library, action="competency.create")


@transaction.atomic
def competency_update(*, actor: Any, competency: Competency, **fields: Any) -> Competency:
    if "code" in fields:
        fields["code"] = fields["code"].strip().upper()
    update_with_audit(
        actor=actor,
        library=competency.library,
        obj=competency,
        action="competency.update",
        fields=fields,
        allowed=COMPETENCY_FIELDS,
    )
    return competency


SESSION_PLAN_FIELDS = ("order", "title", "outcomes", "method", "planned_minutes", "case_study", "competencies")
MATERIAL_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def session_plan_create(
    *,
    actor: Any,
    module: Module,
    title: str,
    method: str = Method.LECTURE,
    planned_minutes: int = 90,
    order: int = 1,
    outcomes: str = "",
    case_study: str = "",
    competencies: Iterable[Competency] = (),
) -> SessionPlan:
    library = module.library
    plan = SessionPlan(
        library=library,
        module=module,
        order=order,
        title=title.strip(),
        outcomes=outcomes,
        method=method,
        planned_minutes=planned_minutes,
        case_study=case_study,
    )
    return _create(
        plan,
        actor=actor,
        library=library,
        action="session_plan.create",
        m2m={"competencies": same_library(library, "competencies", competencies)},
    )


@transaction.atomic
def session_plan_update(
    *, actor: Any, plan: SessionPlan, competencies: Iterable[Competency] | None = None, **fields: Any
) -> SessionPlan:
    m2m = {}
    if competencies is not None:
        m2m["competencies"] = same_library(plan.library, "competencies", competencies)
    update_with_audit(
        actor=actor,
        library=plan.library,
        obj=plan,
        action="session_plan.update",
        fields=fields,
        allowed=SESSION_PLAN_FIELDS,
        m2m=m2m,
    )
    return plan


@transaction.atomic
def material_add(
    *, actor: Any, plan: SessionPlan, title: str, upload: Any = None, url: str = "", body: str = ""
) -> Material:
    """Attach a file, a link or a text to a session plan (exactly one of them)."""
    given = [name for name, value in (("file", upload), ("url", url), ("body", body)) if value]
    if len(given) != 1:
        raise ValidationError(_("Give exactly one of: a file, a link or text."))
    material = Material(library=plan.library, session_plan=plan, title=title.strip())
    if upload is not None:
        kind = check_upload(upload, allowed=MATERIAL_KINDS, max_bytes=MATERIAL_MAX_BYTES)
        material.kind = Material.Kind.FILE
        material.original_name = display_name(upload.name)
        material.content_type = kind.content_type
        material.size = upload.size
        material.file.save(generated_name(kind), upload, save=False)
    elif url:
        material.kind, material.url = Material.Kind.LINK, url.strip()
    else:
        material.kind, material.body = Material.Kind.TEXT, body
    try:
        return _create(material, actor=actor, library=plan.library, action="material.add")
    except ValidationError:
        if material.file:
            material.file.delete(save=False)
        raise


@transaction.atomic
def material_remove(*, actor: Any, material: Material) -> None:
    audit_record(actor=actor, library=material.library, action="material.remove", obj=material)
    stored = material.file.name if material.file else ""
    material.delete()
    # Copies of a programme share material files; the file goes when its last material does.
    if stored and not Material.objects.filter(file=stored).exists():
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def programme_copy(*, actor: Any, programme: Programme, year: int | None = None) -> Programme:
    """A draft copy for another year with objectives, modules, session plans and materials; no cohorts."""
    year = year or programme.year + 1
    library = programme.library
    copy = programme_create(
        actor=actor,
        library=library,
        year=year,
        title=programme.title.replace(str(programme.year), str(year)),
        description=programme.description,
        status=Programme.Status.DRAFT,
    )
    objectives: dict[int, Objective] = {}
    for objective in programme.objectives.prefetch_related("competencies"):
        new = Objective.objects.create(
            library=library,
            programme=copy,
            code=objective.code,
            title=objective.title,
            description=objective.description,
        )
        new.competencies.set(objective.competencies.all())
        objectives[objective.pk] = new
    for module in programme.modules.prefetch_related(
        "objectives", "competencies", "sessions__competencies", "sessions__materials"
    ):
        new_module = Module.objects.create(
            library=library,
            programme=copy,
            order=module.order,
            title=module.title,
            summary=module.summary,
            description=module.description,
        )
        new_module.objectives.set([objectives[o.pk] for o in module.objectives.all()])
        new_module.competencies.set(module.competencies.all())
        for plan in module.sessions.all():
            new_plan = SessionPlan.objects.create(
                library=library,
                module=new_module,
                order=plan.order,
                title=plan.title,
                outcomes=plan.outcomes,
                method=plan.method,
                planned_minutes=plan.planned_minutes,
                case_study=plan.case_study,
            )
            new_plan.competencies.set(plan.competencies.all())
            for material in plan.materials.all():
                # Files are shared, not duplicated: a material file is never changed in place.
                Material.objects.create(
                    library=library,
                    session_plan=new_plan,
                    kind=material.kind,
                    title=material.title,
                    file=material.file.name,
                    original_name=material.original_name,
                    content_type=material.content_type,
                    size=material.size,
                    url=material.url,
                    body=material.body,
                )
    audit_record(
        actor=actor, library=library, action="programme.copy", obj=copy, changes={"from": [None, str(programme)]}
    )
    return copy
