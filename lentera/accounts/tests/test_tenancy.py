"""Library scoping: a coordinator of library A can neither see nor change anything of library B."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lentera.accounts.middleware import SESSION_KEY
from lentera.accounts.models import AuditEntry, Membership, Role
from lentera.accounts.tests.factories import MembershipFactory, UserFactory
from lentera.curriculum.models import Competency, Module, Objective, Programme
from lentera.curriculum.tests.factories import (
    CompetencyFactory,
    ModuleFactory,
    ObjectiveFactory,
    ProgrammeFactory,
)
from lentera.lib.tenancy import NoLibraryError, scoped

pytestmark = pytest.mark.django_db


def test_scoped_refuses_to_run_without_a_library() -> None:
    with pytest.raises(NoLibraryError):
        scoped(Programme, None)


def test_scoped_returns_only_the_librarys_rows() -> None:
    mine, theirs = ProgrammeFactory(), ProgrammeFactory()
    assert list(scoped(Programme, mine.library)) == [mine]
    assert list(scoped(Programme.objects.all(), theirs.library)) == [theirs]


@pytest.fixture
def library_b_data(library_b: Any, coordinator_b: Any) -> dict[str, Any]:
    programme = ProgrammeFactory(library=library_b, title="Program Rahasia B")
    competency = CompetencyFactory(library=library_b, title="Kompetensi B")
    member = MembershipFactory(library=library_b, role=Role.PARTICIPANT, user=UserFactory(full_name="Warga B"))
    AuditEntry.objects.create(library=library_b, action="programme.create", object_repr="Jejak B")
    return {
        "programme": programme,
        "objective": ObjectiveFactory(programme=programme, title="Tujuan B"),
        "module": ModuleFactory(programme=programme, title="Modul B"),
        "competency": competency,
        "member": member,
    }


def test_coordinator_a_lists_show_nothing_of_library_b(coordinator: Any, library_b_data: dict[str, Any]) -> None:
    pages = [
        "curriculum:programme_list",
        "curriculum:competency_list",
        "accounts:people",
        "accounts:audit_log",
        "dashboard",
    ]
    for name in pages:
        html = coordinator.client.get(reverse(name)).content.decode()
        for secret in ("Program Rahasia B", "Kompetensi B", "Warga B", "Jejak B", "Perpustakaan B"):
            assert secret not in html, (name, secret)


def test_coordinator_a_cannot_open_or_change_library_b_objects(
    coordinator: Any, library_b_data: dict[str, Any]
) -> None:
    b = library_b_data
    client = coordinator.client
    attempts = [
        ("curriculum:programme_detail", b["programme"].pk, {}),
        (
            "curriculum:programme_edit",
            b["programme"].pk,
            {"year": 2030, "title": "Dibajak", "status": "active"},
        ),
        ("curriculum:objective_create", b["programme"].pk, {"code": "z", "title": "Dibajak"}),
        ("curriculum:objective_edit", b["objective"].pk, {"code": "z", "title": "Dibajak"}),
        ("curriculum:module_create", b["programme"].pk, {"order": 1, "title": "Dibajak"}),
        ("curriculum:module_detail", b["module"].pk, {}),
        ("curriculum:module_edit", b["module"].pk, {"order": 1, "title": "Dibajak"}),
        ("curriculum:competency_edit", b["competency"].pk, {"key_function": 1, "title": "Dibajak"}),
        ("accounts:person_detail", b["member"].user.pk, {"role": Role.COORDINATOR}),
        ("accounts:membership_revoke", b["member"].pk, {}),
    ]
    for name, pk, data in attempts:
        url = reverse(name, args=[pk])
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, data).status_code == 404, name
    assert not Programme.objects.filter(title="Dibajak").exists()
    assert not Objective.objects.filter(title="Dibajak").exists()
    assert not Module.objects.filter(title="Dibajak").exists()
    assert not Competency.objects.filter(title="Dibajak").exists()
    assert Membership.objects.filter(library=b["member"].library, role=Role.COORDINATOR).count() == 1
    assert Membership.objects.get(pk=b["member"].pk).is_active


def test_library_settings_change_only_the_current_library(coordinator: Any, library_b: Any) -> None:
    response = coordinator.client.post(
        reverse("accounts:library_settings"),
        {
            "name": "Nama Baru A",
            "city": "Kota A",
            "province": "Jawa Timur",
            "yearly_jp_target": 20,
            "anonymity_floor": 5,
            "kecamatan_text": "Satu\nDua",
        },
    )
    assert response.status_code == 302
    library_b.refresh_from_db()
    assert library_b.name == "Perpustakaan B"
    coordinator.library.refresh_from_db()
    assert coordinator.library.kecamatan == ["Satu", "Dua"]


class TestCurrentLibrary:
    def test_a_person_with_one_library_gets_it_without_choosing(self, participant: Any) -> None:
        response = participant.client.get(reverse("dashboard"))
        assert response.status_code == 200
        assert participant.client.session[SESSION_KEY] == participant.library.pk

    def test_a_person_with_two_libraries_chooses_and_switches(self, library_a: Any, library_b: Any) -> None:
        user = UserFactory()
        MembershipFactory(user=user, library=library_a, role=Role.PARTICIPANT)
        MembershipFactory(user=user, library=library_b, role=Role.INSTRUCTOR)
        from django.test import Client

        client = Client()
        client.force_login(user)
        response = client.get(reverse("curriculum:programme_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:choose_library"))
        chooser = client.get(response["Location"])
        assert "Perpustakaan A" in chooser.content.decode() and "Perpustakaan B" in chooser.content.decode()
        client.post(reverse("accounts:choose_library"), {"library": library_b.pk, "next": "/program/"})
        dashboard = client.get(reverse("dashboard"))
        assert dashboard.context["access"].library == library_b
        assert dashboard.context["access"].roles == frozenset({Role.INSTRUCTOR})
        # switching from the menu
        client.post(reverse("accounts:choose_library"), {"library": library_a.pk})
        assert client.get(reverse("dashboard")).context["access"].roles == frozenset({Role.PARTICIPANT})

    def test_a_library_that_is_not_yours_cannot_be_chosen(self, participant: Any, library_b: Any) -> None:
        response = participant.client.post(reverse("accounts:choose_library"), {"library": library_b.pk})
        assert response.status_code == 200
        assert participant.client.session[SESSION_KEY] == participant.library.pk

    def test_a_revoked_role_gives_no_access(self, participant: Any) -> None:
        Membership.objects.filter(user=participant.user).update(is_active=False)
        assert participant.client.get(reverse("curriculum:programme_list")).status_code == 403
        assert participant.client.get(reverse("dashboard")).status_code == 200  # explains what to do
