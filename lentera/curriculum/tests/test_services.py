from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import LibraryFactory, UserFactory
from lentera.curriculum import services
from lentera.curriculum.models import KeyFunction, Module, Objective, Programme
from lentera.curriculum.tests.factories import CompetencyFactory, ObjectiveFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_seven_skkni_key_functions_are_seeded() -> None:
    assert list(KeyFunction.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert KeyFunction.objects.get(number=7).name_en == "ICT in libraries"


class TestProgramme:
    def test_create_and_audit(self) -> None:
        library, actor = LibraryFactory(), UserFactory()
        programme = services.programme_create(actor=actor, library=library, year=2026, title=" Pelatihan 2026 ")
        assert (programme.title, programme.status) == ("Pelatihan 2026", Programme.Status.DRAFT)
        assert AuditEntry.objects.get(action="programme.create").object_id == str(programme.pk)

    def test_same_title_in_the_same_year_is_refused(self) -> None:
        existing = ProgrammeFactory(year=2026, title="Pelatihan")
        with pytest.raises(ValidationError):
            services.programme_create(actor=None, library=existing.library, year=2026, title="Pelatihan")
        assert Programme.objects.count() == 1

    def test_same_title_in_another_library_is_fine(self) -> None:
        ProgrammeFactory(year=2026, title="Pelatihan")
        services.programme_create(actor=None, library=LibraryFactory(), year=2026, title="Pelatihan")
        assert Programme.objects.count() == 2

    def test_year_out_of_range_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            services.programme_create(actor=None, library=LibraryFactory(), year=1999, title="Lama")

    def test_update_audits_status_change(self) -> None:
        programme = ProgrammeFactory(status=Programme.Status.DRAFT)
        services.programme_update(actor=None, programme=programme, status=Programme.Status.ACTIVE)
        entry = AuditEntry.objects.get(action="programme.update")
        assert entry.changes == {"status": ["draft", "active"]}

    def test_update_refuses_the_library_field(self) -> None:
        programme = ProgrammeFactory()
        with pytest.raises(ValueError):
            services.programme_update(actor=None, programme=programme, library=LibraryFactory())


class TestObjective:
    def test_create_with_competencies(self) -> None:
        programme = ProgrammeFactory()
        unit = CompetencyFactory(library=programme.library)
        objective = services.objective_create(
            actor=None, programme=programme, code="a", title="TI", competencies=[unit]
        )
        assert list(objective.competencies.all()) == [unit]
        assert objective.library == programme.library

    def test_duplicate_label_is_refused(self) -> None:
        objective = ObjectiveFactory(code="a")
        with pytest.raises(ValidationError) as error:
            services.objective_create(actor=None, programme=objective.programme, code="A", title="Lain")
        assert "code" in error.value.message_dict

    def test_competency_of_another_library_is_refused(self) -> None:
        programme = ProgrammeFactory()
        with pytest.raises(ValidationError) as error:
            services.objective_create(
                actor=None, programme=programme, code="a", title="TI", competencies=[CompetencyFactory()]
            )
        assert "competencies" in error.value.message_dict
        assert not Objective.objects.exists()

    def test_update_records_competency_changes(self) -> None:
        objective = ObjectiveFactory()
        unit = CompetencyFactory(library=objective.library, title="Klasifikasi DDC")
        services.objective_update(actor=None, objective=objective, competencies=[unit], title="Baru")
        changes = AuditEntry.objects.get(action="objective.update").changes
        assert changes["competencies"] == [[], ["Klasifikasi DDC"]]
        assert changes["title"][1] == "Baru"


class TestModule:
    def test_create_maps_objectives_and_competencies(self) -> None:
        objective = ObjectiveFactory()
        unit = CompetencyFactory(library=objective.library)
        module = services.module_create(
            actor=None,
            programme=objective.programme,
            title="Manajemen Koleksi",
            objectives=[objective],
            competencies=[unit],
        )
        assert list(module.objectives.all()) == [objective]
        assert list(module.competencies.all()) == [unit]

    def test_objective_of_another_programme_is_refused(self) -> None:
        programme = ProgrammeFactory()
        other = ObjectiveFactory(programme=ProgrammeFactory(library=programme.library))
        with pytest.raises(ValidationError) as error:
            services.module_create(actor=None, programme=programme, title="X", objectives=[other])
        assert "objectives" in error.value.message_dict
        assert not Module.objects.exists()

    def test_duplicate_title_is_refused(self) -> None:
        programme = ProgrammeFactory()
        services.module_create(actor=None, programme=programme, title="Layanan Pelanggan")
        with pytest.raises(ValidationError):
            services.module_create(actor=None, programme=programme, title="Layanan Pelanggan")

    def test_update_competency_of_another_library_is_refused(self) -> None:
        programme = ProgrammeFactory()
        module = services.module_create(actor=None, programme=programme, title="TI")
        with pytest.raises(ValidationError):
            services.module_update(actor=None, module=module, competencies=[CompetencyFactory()])


class TestCompetency:
    def test_create_with_skkni_code(self) -> None:
        library = LibraryFactory()
        unit = services.competency_create(
            actor=None,
            library=library,
            key_function=KeyFunction.objects.get(number=2),
            code="r.91prp02.021.1",
            title="Klasifikasi",
        )
        assert unit.code == "R.91PRP02.021.1"

    def test_malformed_code_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.competency_create(
                actor=None,
                library=LibraryFactory(),
                key_function=KeyFunction.objects.get(number=2),
                code="R-91",
                title="X",
            )
        assert "code" in error.value.message_dict

    def test_duplicate_code_in_a_library_is_refused(self) -> None:
        existing = CompetencyFactory(code="R.91PRP02.021.1")
        with pytest.raises(ValidationError):
            services.competency_create(
                actor=None,
                library=existing.library,
                key_function=existing.key_function,
                code="R.91PRP02.021.1",
                title="Lain",
            )

    def test_update_is_audited(self) -> None:
        unit = CompetencyFactory(title="Lama")
        services.competency_update(actor=None, competency=unit, title="Baru")
        assert AuditEntry.objects.get(action="competency.update").changes["title"] == ["Lama", "Baru"]
