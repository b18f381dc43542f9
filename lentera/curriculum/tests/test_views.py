from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lentera.curriculum.models import Competency, KeyFunction, Module, Objective, Programme
from lentera.curriculum.selectors import programme_plan
from lentera.curriculum.tests.factories import (
    CompetencyFactory,
    ModuleFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    SessionPlanFactory,
)

pytestmark = pytest.mark.django_db


def test_coordinator_builds_a_programme(coordinator: Any) -> None:
    client = coordinator.client
    response = client.post(
        reverse("curriculum:programme_create"),
        {"year": 2027, "title": "Pelatihan 2027", "description": "", "status": "draft"},
    )
    programme = Programme.objects.get(title="Pelatihan 2027")
    assert response["Location"] == reverse("curriculum:programme_detail", args=[programme.pk])
    unit = CompetencyFactory(library=coordinator.library)
    client.post(
        reverse("curriculum:objective_create", args=[programme.pk]),
        {"code": "a", "title": "Keterampilan TI", "competencies": [unit.pk]},
    )
    objective = Objective.objects.get(programme=programme)
    client.post(
        reverse("curriculum:module_create", args=[programme.pk]),
        {"order": 1, "title": "Pemanfaatan TI", "objectives": [objective.pk], "competencies": [unit.pk]},
    )
    module = Module.objects.get(programme=programme)
    assert list(module.objectives.all()) == [objective]
    client.post(
        reverse("curriculum:module_edit", args=[module.pk]),
        {"order": 2, "title": "Pemanfaatan Teknologi Informasi", "objectives": [objective.pk]},
    )
    module.refresh_from_db()
    assert (module.order, module.title, module.competencies.count()) == (
        2,
        "Pemanfaatan Teknologi Informasi",
        0,
    )


def test_duplicate_programme_is_explained_on_the_form(coordinator: Any) -> None:
    ProgrammeFactory(library=coordinator.library, year=2026, title="Sama")
    response = coordinator.client.post(
        reverse("curriculum:programme_create"), {"year": 2026, "title": "Sama", "status": "draft"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Programme.objects.filter(title="Sama").count() == 1


def test_edit_keeps_the_old_values_for_the_audit(coordinator: Any) -> None:
    from lentera.accounts.models import AuditEntry

    programme = ProgrammeFactory(library=coordinator.library, title="Lama")
    coordinator.client.post(
        reverse("curriculum:programme_edit", args=[programme.pk]),
        {"year": programme.year, "title": "Baru", "status": programme.status},
    )
    assert AuditEntry.objects.get(action="programme.update").changes["title"] == ["Lama", "Baru"]


def test_objective_form_offers_only_this_librarys_competencies(coordinator: Any) -> None:
    programme = ProgrammeFactory(library=coordinator.library)
    mine, theirs = CompetencyFactory(library=coordinator.library), CompetencyFactory()
    response = coordinator.client.get(reverse("curriculum:objective_create", args=[programme.pk]))
    choices = list(response.context["form"].fields["competencies"].queryset)
    assert mine in choices and theirs not in choices
    coordinator.client.post(
        reverse("curriculum:objective_create", args=[programme.pk]),
        {"code": "a", "title": "X", "competencies": [theirs.pk]},
    )
    assert not Objective.objects.exists()


def test_competency_with_bad_code_gets_a_field_message(coordinator: Any) -> None:
    response = coordinator.client.post(
        reverse("curriculum:competency_create"),
        {"key_function": KeyFunction.objects.get(number=1).pk, "code": "salah", "title": "X"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Competency.objects.exists()


def test_participant_does_not_see_draft_programmes(participant: Any) -> None:
    draft = ProgrammeFactory(library=participant.library, status=Programme.Status.DRAFT, title="Masih Draf")
    active = ProgrammeFactory(library=participant.library, status=Programme.Status.ACTIVE)
    listing = participant.client.get(reverse("curriculum:programme_list"))
    assert list(listing.context["programmes"]) == [active]
    assert participant.client.get(reverse("curriculum:programme_detail", args=[draft.pk])).status_code == 404


def test_programme_plan_flags_competencies_no_session_builds() -> None:
    programme = ProgrammeFactory()
    built = CompetencyFactory(library=programme.library)
    missing = CompetencyFactory(library=programme.library)
    objective = ObjectiveFactory(programme=programme)
    objective.competencies.set([built, missing])
    module = ModuleFactory(programme=programme)
    module.competencies.set([built, missing])  # a module's list is not enough: a session must build it
    SessionPlanFactory(module=module).competencies.set([built])
    assert programme_plan(programme=programme).uncovered == [missing]


def test_programme_page_has_a_fixed_number_of_queries(coordinator: Any, django_assert_num_queries: Any) -> None:
    programme = ProgrammeFactory(library=coordinator.library)
    for code in "abcd":
        objective = ObjectiveFactory(programme=programme, code=code)
        objective.competencies.set([CompetencyFactory(library=coordinator.library) for _ in range(3)])
    for _ in range(5):
        module = ModuleFactory(programme=programme)
        module.competencies.set([CompetencyFactory(library=coordinator.library)])
        for method in ("lecture", "practice"):
            plan = SessionPlanFactory(module=module, method=method, planned_minutes=100)
            plan.competencies.set([CompetencyFactory(library=coordinator.library)])
    coordinator.client.get(reverse("dashboard"))
    # access (3) + programme + objectives, their competencies (2)
    # + modules, their objectives, competencies, sessions, the sessions' competencies (5)
    with django_assert_num_queries(11):
        response = coordinator.client.get(reverse("curriculum:programme_detail", args=[programme.pk]))
    plan = response.context["plan"]
    assert plan.session_count == 10
    assert plan.total_jp == 20  # ten sessions of 100 minutes: 2 JP each
    assert [(code, minutes, pct) for code, _label, minutes, pct in plan.method_minutes] == [
        ("lecture", 500, 50),
        ("practice", 500, 50),
    ]
    assert len(plan.uncovered) == 12
    assert response.content.decode().count("module-card") == 5


@pytest.mark.parametrize("url_name", ["curriculum:programme_list", "curriculum:competency_list"])
def test_lists_have_a_fixed_number_of_queries(url_name: str, coordinator: Any, django_assert_num_queries: Any) -> None:
    for year in range(2020, 2027):
        ProgrammeFactory(library=coordinator.library, year=year)
    for _ in range(20):
        CompetencyFactory(library=coordinator.library)
    coordinator.client.get(reverse("dashboard"))
    with django_assert_num_queries(5 if url_name.endswith("competency_list") else 4):
        assert coordinator.client.get(reverse(url_name)).status_code == 200
