"""Scale data, part one: the libraries, their people, curricula, feedback forms and question banks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench.scale.db import Writer
from bench.scale.plan import EMAIL_DOMAIN, INSTRUCTORS_PER_LIBRARY, SESSIONS_PER_COHORT, LibraryPlan
from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, User
from lentera.accounts.setup import library_starters
from lentera.assessment.models import Choice, Question
from lentera.certificates.models import CertificateSettings
from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme, SessionPlan
from lentera.delivery.models import InstructorProfile
from lentera.demo import data
from lentera.demo.assessment import BANK
from lentera.evaluation.models import FeedbackForm, FeedbackSettings, FormItem

# fmt: off
FIRST = [
    "Agus", "Ahmad", "Andi", "Anik", "Arif", "Bambang", "Budi", "Dewi", "Dian", "Dwi", "Eko", "Endah", "Fajar",
    "Fitri", "Hadi", "Hendra", "Heni", "Indah", "Joko", "Kurniawan", "Lilik", "Mamik", "Moch.", "Nanik", "Nur",
    "Puji", "Rahmat", "Ratna", "Rini", "Rudi", "Sari", "Setyo", "Siti", "Slamet", "Sri", "Suharto", "Tri", "Umi",
    "Wahyu", "Wulan", "Yuli", "Yusuf",
]
LAST = [
    "Abdillah", "Astuti", "Budiarti", "Cahyono", "Darmawan", "Fauziah", "Handayani", "Hartono", "Hidayat",
    "Irawan", "Kusuma", "Lestari", "Maulana", "Nugroho", "Permatasari", "Prasetyo", "Purnomo", "Rahayu",
    "Ramadhan", "Santoso", "Saputra", "Setiawan", "Sulistyowati", "Susanti", "Utomo", "Wahyuni", "Wibowo",
    "Widodo", "Wijaya", "Yulianti",
]
# fmt: on
DEGREES = ["", "", "", ", S.IP.", ", S.Sos.", ", A.Md.", ", S.Kom.", ", S.Pd.", ", S.Hum.", ", M.IP."]
PLAN_PARTS = ["", " (lanjutan)", " (praktik terbimbing)", " (studi kasus)", " (evaluasi)"]


@dataclass
class PlanRow:
    id: int
    module_order: int
    method: str
    minutes: int
    title: str


@dataclass
class ProgrammeRow:
    programme: Programme
    plans: list[PlanRow]
    competencies: list[list[str]]  # [code, title] as a certificate shows them


@dataclass
class QuestionRow:
    id: int
    kind: str
    correct: list[int]  # choice ids
    wrong: int | None
    accepted: str


@dataclass
class LibraryData:
    plan: LibraryPlan
    library: Library
    coordinator_id: int
    instructor_ids: list[int]
    participant_ids: list[int]
    people: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id -> (username, name, NIP)
    competencies: list[Competency] = field(default_factory=list)
    programmes: dict[int, ProgrammeRow] = field(default_factory=dict)
    forms: dict[str, FeedbackForm] = field(default_factory=dict)
    items: dict[str, list[FormItem]] = field(default_factory=dict)
    questions: list[QuestionRow] = field(default_factory=list)


class People:
    """Unique names, NIPs and one password hash (the demo password) for everyone made here."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nips = set(User.objects.exclude(nip="").values_list("nip", flat=True))
        self.password = make_password(data.DEMO_PASSWORD)
        self.levels = {level.name: level.pk for level in FunctionalLevel.objects.all()}

    def name(self) -> str:
        rng = self.rng
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.choice(DEGREES)}"

    def nip(self) -> str:
        rng = self.rng
        while True:
            born = f"{rng.randint(1968, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            appointed = f"{int(born[:4]) + rng.randint(22, 28)}{rng.randint(1, 12):02d}"
            nip = f"{born}{appointed}{rng.choice('12')}{rng.randint(1, 999):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def user(self, username: str, full_name: str, level: str, unit: str) -> User:
        civil = level != "Non-PNS"
        return User(
            username=username,
            full_name=full_name,
            email=f"{username}@{EMAIL_DOMAIN}",
            nip=self.nip() if civil else "",
            functional_level_id=self.levels.get(level),
            work_unit=unit,
            password=self.password,
            date_joined=timezone.now(),
        )


def make_libraries(writer: Writer, plans: list[LibraryPlan], rng: random.Random) -> list[LibraryData]:
    people = People(rng)
    libraries = writer.bulk(
        "libraries",
        [
            Library(
                name=p.name,
                slug=p.slug,
                city=p.city,
                province="Jawa Timur",
                address=f"{p.city}, Jawa Timur",
                email=f"{p.short}@{EMAIL_DOMAIN}",
                head_name=people.name(),
                head_nip=people.nip(),
                population=rng.randint(130, 3_100) * 1_000,
            )
            for p in plans
        ],
    )
    users: list[User] = []
    roles: list[tuple[int, int, str]] = []  # (library index, user index, role)
    for index, p in enumerate(plans):
        roles.append((index, len(users), Role.COORDINATOR))
        users.append(people.user(f"{p.short}.koordinator", people.name(), "Ahli Madya", "Bidang Layanan dan Pembinaan"))
        for n in range(1, INSTRUCTORS_PER_LIBRARY + 1):
            roles.append((index, len(users), Role.INSTRUCTOR))
            level = rng.choice(["Ahli Muda", "Ahli Madya", "Non-PNS"])
            users.append(people.user(f"{p.short}.instruktur{n}", people.name(), level, "Tim Instruktur"))
        for n in range(1, p.participants + 1):
            roles.append((index, len(users), Role.PARTICIPANT))
            level = data.PARTICIPANT_LEVELS[rng.randrange(len(data.PARTICIPANT_LEVELS))]
            unit = data.PARTICIPANT_UNITS[rng.randrange(len(data.PARTICIPANT_UNITS))]
            users.append(people.user(f"{p.short}.peserta{n:03d}", people.name(), level, unit))
    users = writer.bulk("users", users)
    writer.bulk(
        "memberships", [Membership(user_id=users[u].pk, library=libraries[lib], role=role) for lib, u, role in roles]
    )
    result = []
    for index, p in enumerate(plans):
        mine = [users[u] for lib, u, _role in roles if lib == index]
        lib_data = LibraryData(
            plan=p,
            library=libraries[index],
            coordinator_id=mine[0].pk,
            instructor_ids=[u.pk for u in mine[1 : 1 + INSTRUCTORS_PER_LIBRARY]],
            participant_ids=[u.pk for u in mine[1 + INSTRUCTORS_PER_LIBRARY :]],
            people={u.pk: (u.username, u.full_name, u.nip) for u in mine},
        )
        result.append(lib_data)
    return result


def make_curricula(writer: Writer, libraries: list[LibraryData], years: dict[int, set[int]]) -> None:
    """Competencies, instructors' register, and one programme per library and year with 50 session plans."""
    key_functions = {k.number: k for k in KeyFunction.objects.all()}
    number_of = {k.pk: k.number for k in key_functions.values()}
    competencies = writer.bulk(
        "competencies",
        [
            Competency(library=lib.library, key_function=key_functions[number], title=title)
            for lib in libraries
            for number, title in data.COMPETENCIES
        ],
    )
    per = len(data.COMPETENCIES)
    for index, lib in enumerate(libraries):
        lib.competencies = competencies[index * per : (index + 1) * per]
    profiles = writer.bulk(
        "instructors",
        [
            InstructorProfile(
                library=lib.library,
                user_id=user_id,
                kind=InstructorProfile.Kind.INTERNAL if n % 2 == 0 else InstructorProfile.Kind.EXTERNAL,
                organisation=lib.library.name if n % 2 == 0 else "Program Studi Ilmu Perpustakaan",
                years_experience=6 + 3 * n,
                bio="Instruktur pelatihan pustakawan.",
            )
            for lib in libraries
            for n, user_id in enumerate(lib.instructor_ids)
        ],
    )
    expertise = InstructorProfile.expertise.through
    writer.bulk(
        "instructor_expertise",
        [
            expertise(instructorprofile_id=profile.pk, competency_id=competency.pk)
            for profile in profiles
            for lib in libraries
            if lib.library.pk == profile.library_id
            for k, competency in enumerate(lib.competencies)
            if k % len(lib.instructor_ids) == lib.instructor_ids.index(profile.user_id)
        ],
    )
    programmes = writer.bulk(
        "programmes",
        [
            Programme(
                library=lib.library,
                year=year,
                title=f"Pelatihan Pustakawan {lib.library.name} {year}",
                description=data.PROGRAMME.description,
                status=Programme.Status.ACTIVE if year == max(years[lib.plan.index]) else Programme.Status.ARCHIVED,
            )
            for lib in libraries
            for year in sorted(years[lib.plan.index])
        ],
    )
    owner = {p.library_id: lib for p in programmes for lib in libraries if lib.library.pk == p.library_id}
    objectives = writer.bulk(
        "objectives",
        [
            Objective(library_id=p.library_id, programme=p, code=code, title=title, description=description)
            for p in programmes
            for code, title, description, _comps in data.OBJECTIVES
        ],
    )
    modules = writer.bulk(
        "modules",
        [
            Module(library_id=p.library_id, programme=p, order=order, title=title, summary=summary, description=text)
            for p in programmes
            for order, title, summary, text, _objectives, _comps in data.MODULES
        ],
    )
    plans: list[SessionPlan] = []
    plan_comps: list[list[int]] = []
    sessions = _plan_titles()
    for module in modules:
        for position, (title, method, minutes, outcomes, comps, case) in enumerate(sessions[module.order], start=1):
            plans.append(
                SessionPlan(
                    library_id=module.library_id,
                    module=module,
                    order=position,
                    title=title,
                    method=method,
                    planned_minutes=minutes,
                    outcomes=outcomes,
                    case_study=case,
                )
            )
            plan_comps.append(comps)
    plans = writer.bulk("session_plans", plans)
    links: dict[str, list[Any]] = {"objective": [], "module": [], "plan": []}
    comp = {lib.library.pk: lib.competencies for lib in libraries}
    for objective in objectives:
        spec = next(o for o in data.OBJECTIVES if o[0] == objective.code)
        for i in spec[3]:
            links["objective"].append(
                Objective.competencies.through(
                    objective_id=objective.pk, competency_id=comp[objective.library_id][i].pk
                )
            )
    for module in modules:
        spec_m = next(m for m in data.MODULES if m[0] == module.order)
        for i in spec_m[5]:
            links["module"].append(
                Module.competencies.through(module_id=module.pk, competency_id=comp[module.library_id][i].pk)
            )
    for plan, comps in zip(plans, plan_comps, strict=True):
        for i in comps:
            links["plan"].append(
                SessionPlan.competencies.through(sessionplan_id=plan.pk, competency_id=comp[plan.library_id][i].pk)
            )
    for name, rows in links.items():
        writer.bulk(f"{name}_competencies", rows)
    by_programme: dict[int, list[PlanRow]] = {}
    module_of = {m.pk: m for m in modules}
    for plan in plans:
        module = module_of[plan.module_id]
        by_programme.setdefault(module.programme_id, []).append(
            PlanRow(plan.pk, module.order, plan.method, plan.planned_minutes, plan.title)
        )
    for p in programmes:
        lib = owner[p.library_id]
        used = sorted({i for comps in plan_comps for i in comps})
        ordered = sorted(
            (lib.competencies[i] for i in used), key=lambda c: (number_of[c.key_function_id], c.code, c.title)
        )
        lib.programmes[p.year] = ProgrammeRow(
            p, sorted(by_programme[p.pk], key=lambda r: (r.module_order, r.id)), [[c.code, c.title] for c in ordered]
        )


def _plan_titles() -> dict[int, list[tuple[str, str, int, str, list[int], str]]]:
    """Ten session plans per module from the demo's plans: the later ones go deeper into the same topic."""
    per_module = SESSIONS_PER_COHORT // len(data.MODULES)
    result = {}
    for order, *_rest in data.MODULES:
        base = data.SESSION_PLANS.get(order) or data.SESSION_PLANS[1]
        rows = []
        for k in range(per_module):
            title, method, minutes, outcomes, comps, case = base[k % len(base)]
            rows.append(
                (title + PLAN_PARTS[(k // len(base)) % len(PLAN_PARTS)], method, minutes, outcomes, comps, case)
            )
        result[order] = rows
    return result


def make_forms_and_banks(writer: Writer, libraries: list[LibraryData]) -> None:
    """What every new library gets (the starters ``library_create`` runs: the ready-made feedback forms),
    feedback and certificate settings, and a ten-question bank.

    The libraries were bulk-inserted (``make_libraries``), not made by ``accounts.setup.library_create``,
    so its starters run here, one library at a time, as they would inside it.
    """
    starters = library_starters()
    for lib in libraries:
        for starter in starters:
            starter.run(actor=None, library=lib.library)
        for form in FeedbackForm.objects.filter(library=lib.library):
            lib.forms[form.kind] = form
            lib.items[form.kind] = list(form.items.order_by("section__order", "order", "id"))
        lib.items["session+instructor"] = lib.items.get("session", []) + lib.items.get("instructor", [])
    writer.counts["feedback_forms"] += sum(len(lib.forms) for lib in libraries)
    writer.counts["form_items"] += sum(len(form.items.all()) for lib in libraries for form in lib.forms.values())
    writer.bulk("feedback_settings", [FeedbackSettings(library=lib.library) for lib in libraries])
    writer.bulk(
        "certificate_settings",
        [
            CertificateSettings(
                library=lib.library, number_pattern="{library}/{year}/{seq:04}", library_code=lib.plan.code
            )
            for lib in libraries
        ],
    )
    questions = writer.bulk(
        "questions",
        [
            Question(
                library=lib.library,
                kind=kind,
                text=text,
                explanation=explanation,
                accepted_answers=key if kind == "short" else [],
            )
            for lib in libraries
            for kind, text, key, _comp, explanation in BANK
        ],
    )
    choices: list[Choice] = []
    for question, (kind, _text, key, _comp, _explanation) in zip(
        questions, [b for _lib in libraries for b in BANK], strict=True
    ):
        if kind in ("single", "multiple"):
            options = key
        elif kind == "true_false":
            options = [("Benar", key is True), ("Salah", key is False)]
        else:
            options = []
        choices.extend(
            Choice(question=question, order=n, text=text, is_correct=correct)
            for n, (text, correct) in enumerate(options)
        )
    choices = writer.bulk("choices", choices)
    of_question: dict[int, list[Choice]] = {}
    for choice in choices:
        of_question.setdefault(choice.question_id, []).append(choice)
    comp_links = []
    per = len(BANK)
    for index, lib in enumerate(libraries):
        for question, (kind, _text, key, comp, _explanation) in zip(
            questions[index * per : (index + 1) * per], BANK, strict=True
        ):
            options = of_question.get(question.pk, [])
            lib.questions.append(
                QuestionRow(
                    question.pk,
                    kind,
                    [c.pk for c in options if c.is_correct],
                    next((c.pk for c in options if not c.is_correct), None),
                    key[0] if kind == "short" else "",
                )
            )
            comp_links.append(
                Question.competencies.through(question_id=question.pk, competency_id=lib.competencies[comp].pk)
            )
    writer.bulk("question_competencies", comp_links)
