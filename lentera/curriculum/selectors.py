"""Reads for the curriculum, with the access rule for each object type.

Everyone with a role in the library may read active and archived programmes; drafts and
all writes are for coordinators. Another library's objects are 404, never 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme
from lentera.lib.tenancy import scoped

if TYPE_CHECKING:
    from lentera.accounts.access import LibraryAccess


def _require_member(access: LibraryAccess, *, for_write: bool) -> None:
    if access.library is None or not access.roles:
        raise PermissionDenied
    if for_write and not access.is_coordinator:
        raise PermissionDenied


def programmes_for_user(*, access: LibraryAccess) -> QuerySet[Programme]:
    _require_member(access, for_write=False)
    programmes = scoped(Programme, access.library).annotate(
        module_count=Count("modules", distinct=True), objective_count=Count("objectives", distinct=True)
    )
    if not access.is_coordinator:
        programmes = programmes.exclude(status=Programme.Status.DRAFT)
    return programmes


def programme_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Programme:
    _require_member(access, for_write=for_write)
    programme = scoped(Programme, access.library).filter(pk=pk).first()
    if programme is None or (programme.status == Programme.Status.DRAFT and not access.is_coordinator):
        raise Http404
    return programme


def programme_plan(*, programme: Programme) -> tuple[list[Objective], list[Module], list[Competency]]:
    """Objectives and modules with their competencies, and the competencies no module builds."""
    objectives = list(
        programme.objectives.prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("code")))
    )
    modules = list(
        programme.modules.prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("code")),
            Prefetch("competencies", queryset=Competency.objects.order_by("code")),
        )
    )
    built = {c.pk for m in modules for c in m.competencies.all()}
    wanted: dict[int, Competency] = {c.pk: c for o in objectives for c in o.competencies.all()}
    uncovered = [c for pk, c in wanted.items() if pk not in built]
    return objectives, modules, uncovered


def objective_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Objective:
    _require_member(access, for_write=for_write)
    objective = scoped(Objective, access.library).select_related("programme").filter(pk=pk).first()
    if objective is None:
        raise Http404
    return objective


def module_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Module:
    _require_member(access, for_write=for_write)
    module = scoped(Module, access.library).select_related("programme").filter(pk=pk).first()
    if module is None or (module.programme.status == Programme.Status.DRAFT and not access.is_coordinator):
        raise Http404
    return module


def competencies_for_user(*, access: LibraryAccess) -> QuerySet[Competency]:
    _require_member(access, for_write=False)
    return scoped(Competency, access.library).select_related("key_function")


def competency_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Competency:
    _require_member(access, for_write=for_write)
    competency = scoped(Competency, access.library).filter(pk=pk).first()
    if competency is None:
        raise Http404
    return competency


def framework_for_user(*, access: LibraryAccess) -> list[tuple[KeyFunction, list[Competency]]]:
    """The seven key functions, each with the library's units (two queries)."""
    units: dict[int, list[Competency]] = {}
    for unit in competencies_for_user(access=access):
        units.setdefault(unit.key_function_id, []).append(unit)
    return [(kf, units.get(kf.pk, [])) for kf in KeyFunction.objects.all()]
