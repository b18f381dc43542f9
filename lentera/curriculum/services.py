"""Writes for the curriculum. Atomic, validated, audited; related objects must share the library."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library
from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme

PROGRAMME_FIELDS = ("year", "title", "description", "status")
OBJECTIVE_FIELDS = ("code", "title", "description", "competencies")
MODULE_FIELDS = ("order", "title", "summary", "description", "objectives", "competencies")
COMPETENCY_FIELDS = ("key_function", "code", "title", "description")


def _same_library(library: Library, field: str, objects: Iterable[Any]) -> list[Any]:
    objects = list(objects)
    if any(obj.library_id != library.pk for obj in objects):
        raise ValidationError({field: _("Choose only items of this library.")})
    return objects


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
        m2m={"competencies": _same_library(library, "competencies", competencies)},
    )


@transaction.atomic
def objective_update(
    *, actor: Any, objective: Objective, competencies: Iterable[Competency] | None = None, **fields: Any
) -> Objective:
    m2m = {}
    if competencies is not None:
        m2m["competencies"] = _same_library(objective.library, "competencies", competencies)
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
            "competencies": _same_library(library, "competencies", competencies),
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
        m2m["competencies"] = _same_library(module.library, "competencies", competencies)
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
