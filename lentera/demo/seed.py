"""Build the Pasuruan demo through the domain services. Idempotent: what exists is kept."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

from lentera.accounts import services as account_services
from lentera.accounts.audit import system_actions
from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, User
from lentera.accounts.setup import library_create
from lentera.curriculum import services as curriculum_services
from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme, SessionPlan
from lentera.demo import data
from lentera.demo.assessment import seed_assessment
from lentera.demo.certificates import seed_certificates
from lentera.demo.delivery import seed_delivery
from lentera.demo.evaluation import seed_evaluation
from lentera.demo.followup import seed_follow_up
from lentera.demo.impact import seed_impact


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _level(name: str) -> FunctionalLevel | None:
    return FunctionalLevel.objects.filter(name=name).first()


def _person(report: SeedReport, library: Library, row: tuple[str, ...], role: str) -> User:
    username, full_name, email, nip, level, unit = row
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            library=library,
            username=username,
            full_name=full_name,
            email=email,
            nip=nip,
            functional_level=_level(level),
            work_unit=unit,
            password=data.DEMO_PASSWORD,
        )
        report.add("people")
    if not Membership.objects.filter(user=user, library=library, role=role, is_active=True).exists():
        account_services.membership_grant(actor=None, library=library, user=user, role=role)
        report.add("roles")
    return user


def _participant_rows() -> list[tuple[str, ...]]:
    rng = random.Random(2026)  # fixed: the demo is the same every time
    rows: list[tuple[str, ...]] = []
    for index, (username, name) in enumerate(data.PARTICIPANT_NAMES):
        level = data.PARTICIPANT_LEVELS[index % len(data.PARTICIPANT_LEVELS)]
        nip = ""
        if level != "Non-PNS":
            born = f"{rng.randint(1970, 1998)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            appointed = f"{int(born[:4]) + rng.randint(22, 28)}{rng.randint(1, 12):02d}"
            nip = f"{born}{appointed}{rng.choice('12')}{index + 1:03d}"
        unit = data.PARTICIPANT_UNITS[index % len(data.PARTICIPANT_UNITS)]
        rows.append((username, name, f"{username}@demo.lentera.id", nip, level, unit))
    return rows


@transaction.atomic
def seed_demo() -> SeedReport:
    """Seed the Pasuruan demo; every audit row it writes is credited to the system."""
    with system_actions():
        return _seed_demo()


def _seed_demo() -> SeedReport:
    report = SeedReport()
    library = Library.objects.filter(slug=data.LIBRARY["slug"]).first()
    if library is None:  # as lentera_setup makes a library: with what every library needs (feedback forms)
        created = library_create(actor=None, **data.LIBRARY)
        library = created.library
        report.add("libraries")
        for done in created.started:
            report.add(done.starter.name, done.count)

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            username="admin",
            email="admin@demo.lentera.id",
            password=data.DEMO_PASSWORD,
            full_name="Admin Lentera",
        )
        report.add("people")

    coordinator = _person(report, library, data.COORDINATOR, Role.COORDINATOR)
    for row in data.INSTRUCTORS:
        _person(report, library, row, Role.INSTRUCTOR)
    participants = [_person(report, library, row, Role.PARTICIPANT) for row in _participant_rows()]
    _person(report, library, data.PARTNER, Role.PARTNER)

    competencies = []
    for number, title in data.COMPETENCIES:
        unit = Competency.objects.filter(library=library, title=title).first()
        if unit is None:
            unit = curriculum_services.competency_create(
                actor=coordinator,
                library=library,
                key_function=KeyFunction.objects.get(number=number),
                title=title,
            )
            report.add("competency units")
        competencies.append(unit)

    plan = data.PROGRAMME
    programme = Programme.objects.filter(library=library, year=plan.year, title=plan.title).first()
    if programme is None:
        programme = curriculum_services.programme_create(
            actor=coordinator,
            library=library,
            year=plan.year,
            title=plan.title,
            description=plan.description,
            status=plan.status,
        )
        report.add("programmes")

    objectives = {}
    for code, title, description, comp_indexes in data.OBJECTIVES:
        objective = Objective.objects.filter(programme=programme, code=code).first()
        if objective is None:
            objective = curriculum_services.objective_create(
                actor=coordinator,
                programme=programme,
                code=code,
                title=title,
                description=description,
                competencies=[competencies[i] for i in comp_indexes],
            )
            report.add("objectives")
        objectives[code] = objective

    for order, title, summary, description, objective_codes, comp_indexes in data.MODULES:
        module = Module.objects.filter(programme=programme, title=title).first()
        if module is None:
            module = curriculum_services.module_create(
                actor=coordinator,
                programme=programme,
                order=order,
                title=title,
                summary=summary,
                description=description,
                objectives=[objectives[c] for c in objective_codes],
                competencies=[competencies[i] for i in comp_indexes],
            )
            report.add("modules")
        for position, (plan_title, method, minutes, outcomes, plan_comps, case) in enumerate(
            data.SESSION_PLANS.get(order, []), start=1
        ):
            if not SessionPlan.objects.filter(module=module, title=plan_title).exists():
                curriculum_services.session_plan_create(
                    actor=coordinator,
                    module=module,
                    order=position,
                    title=plan_title,
                    method=method,
                    planned_minutes=minutes,
                    outcomes=outcomes,
                    case_study=case,
                    competencies=[competencies[i] for i in plan_comps],
                )
                report.add("session plans")
    seed_delivery(report, library, coordinator, programme, competencies, participants)
    seed_assessment(report, library, coordinator, competencies)
    seed_certificates(report, library, coordinator)
    seed_evaluation(report, library, coordinator)
    seed_follow_up(report, library, coordinator)
    seed_impact(report, library, coordinator)
    return report


DEMO_LOGINS = [
    ("koordinator", "Koordinator (training coordinator)"),
    ("instruktur", "Instruktur (instructor)"),
    ("peserta", "Peserta (participant)"),
    ("mitra", "Mitra (partner)"),
    ("admin", "Superuser (Django admin)"),
]
