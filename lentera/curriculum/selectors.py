"""Reads for the curriculum, with the access rule for each object type.

Everyone with a role in the library may read active and archived programmes; drafts and
all writes are for coordinators. Another library's objects are 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from lentera.curriculum.jp import total_jp
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


@dataclass
class ProgrammePlan:
    """A programme at a glance: objectives → modules → sessions, with JP and the methods mix."""

    objectives: list[Objective]
    modules: list[Module]
    uncovered: list[Competency]  # wanted by an objective, built by no session
    total_minutes: int = 0
    total_jp: int = 0
    method_minutes: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, label, minutes, %
    session_count: int = 0


def programme_plan(*, programme: Programme) -> ProgrammePlan:
    """Everything the programme page shows, in a fixed number of queries."""
    competency_order = Competency.objects.order_by("code", "title")
    objectives = list(programme.objectives.prefetch_related(Prefetch("competencies", queryset=competency_order)))
    modules = list(
        programme.modules.prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("code")),
            Prefetch("competencies", queryset=competency_order),
            Prefetch("sessions", queryset=SessionPlan.objects.order_by("order", "title")),
            Prefetch("sessions__competencies", queryset=competency_order),
        )
    )
    sessions = [plan for module in modules for plan in module.sessions.all()]
    built = {c.pk for plan in sessions for c in plan.competencies.all()}
    wanted: dict[int, Competency] = {c.pk: c for o in objectives for c in o.competencies.all()}
    by_method: dict[str, int] = {}
    for plan in sessions:
        by_method[plan.method] = by_method.get(plan.method, 0) + plan.planned_minutes
    total = sum(by_method.values())
    mix = [
        (code, str(label), by_method[code], round(100 * by_method[code] / total) if total else 0)
        for code, label in Method.choices
        if code in by_method
    ]
    for module in modules:
        module.jp = total_jp(p.planned_minutes for p in module.sessions.all())  # type: ignore[attr-defined]
    return ProgrammePlan(
        objectives=objectives,
        modules=modules,
        uncovered=[c for pk, c in wanted.items() if pk not in built],
        total_minutes=total,
        total_jp=total_jp(p.planned_minutes for p in sessions),
        method_minutes=mix,
        session_count=len(sessions),
    )


def session_plan_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> SessionPlan:
    _require_member(access, for_write=for_write)
    plan = scoped(SessionPlan, access.library).select_related("module__programme").filter(pk=pk).first()
    if plan is None or (plan.module.programme.status == Programme.Status.DRAFT and not access.is_coordinator):
        raise Http404
    return plan


def material_get_for_user(*, access: LibraryAccess, pk: int, for_write: bool = False) -> Material:
    _require_member(access, for_write=for_write)
    material = scoped(Material, access.library).select_related("session_plan__module__programme").filter(pk=pk).first()
    if material is None or (
        material.session_plan.module.programme.status == Programme.Status.DRAFT and not access.is_coordinator
    ):
        raise Http404
    return material


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
