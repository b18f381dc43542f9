"""`manage.py seed_demo`: the Pasuruan demo, idempotent, never wiping what people changed."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from lentera.accounts.models import AuditEntry, Library, Membership, Role, User
from lentera.curriculum.models import Module, Objective, Programme
from lentera.delivery.models import Attendance, Cohort, ScheduledSession

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Library,
            User,
            Membership,
            Programme,
            Objective,
            Module,
            AuditEntry,
            Cohort,
            ScheduledSession,
            Attendance,
        )
    }


def test_seed_demo_loads_pasuruan_and_prints_the_logins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    library = Library.objects.get(slug="kota-pasuruan")
    assert library.kecamatan == ["Gadingrejo", "Purworejo", "Bugul Kidul", "Panggungrejo"]
    roles = Membership.objects.filter(library=library)
    assert roles.filter(role=Role.PARTICIPANT).count() == 25
    assert roles.filter(role=Role.INSTRUCTOR).count() == 3
    programme = Programme.objects.get(library=library, year=2026)
    assert Programme.objects.get(library=library, year=2025).status == Programme.Status.ARCHIVED
    assert list(programme.objectives.values_list("code", flat=True)) == ["a", "b", "c", "d"]
    assert programme.modules.count() == 5
    for username in ("koordinator", "instruktur", "peserta", "mitra", "admin"):
        assert authenticate(username=username, password="lentera-demo") is not None, username
        assert username in out.getvalue()
    assert User.objects.get(username="admin").is_superuser
    running = Cohort.objects.get(name="Angkatan I 2026")
    assert running.enrolments.filter(status="enrolled").count() == 20
    assert running.enrolments.filter(status="waitlisted").count() == 2
    assert running.sessions.count() == 14
    past = running.sessions.filter(ends_at__lt=timezone.now())
    assert past.exists() and all(s.attendance.count() == 20 for s in past)
    assert not running.sessions.filter(ends_at__gt=timezone.now(), attendance__isnull=False).exists()
    assert Cohort.objects.get(name="Angkatan 2025").status == Cohort.Status.FINISHED
    nips = [n for n in User.objects.exclude(nip="").values_list("nip", flat=True)]
    assert all(len(n) == 18 and n.isdigit() for n in nips) and len(set(nips)) == len(nips)


def test_seed_demo_twice_changes_nothing_and_keeps_edits() -> None:
    call_command("seed_demo", stdout=StringIO())
    before = _counts()
    User.objects.filter(username="peserta").update(full_name="Nama Diubah Sendiri")
    Programme.objects.filter(year=2026).update(description="Diubah koordinator")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert User.objects.get(username="peserta").full_name == "Nama Diubah Sendiri"
    assert Programme.objects.get(year=2026).description == "Diubah koordinator"
    assert "nothing changed" in out.getvalue()


def test_every_module_builds_a_mapped_competency(django_assert_max_num_queries: Any) -> None:
    from lentera.curriculum.selectors import programme_plan

    call_command("seed_demo", stdout=StringIO())
    plan = programme_plan(programme=Programme.objects.get(year=2026))
    assert plan.uncovered == []
    assert all(m.objectives.all() and m.competencies.all() and m.sessions.all() for m in plan.modules)
    assert {code for code, *_ in plan.method_minutes} == {
        "lecture",
        "discussion",
        "practice",
        "case_study",
        "role_play",
    }
