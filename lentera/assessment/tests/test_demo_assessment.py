"""The demo's assessment data (lentera/demo/assessment.py), as a new coordinator meets it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

# a fixed day: nothing here may depend on the day the tests run (the demo plans around "today")
TODAY = datetime(2026, 9, 15, 10, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo up to its assessment part (the later parts do not touch tests and assignments)."""
    from lentera.demo import seed

    for later in ("seed_certificates", "seed_evaluation", "seed_follow_up", "seed_impact"):
        monkeypatch.setattr(seed, later, lambda *args, **kwargs: None)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(TODAY, tick=False):
        seed.seed_demo()


def test_the_demo_instructor_judges_the_demo_role_plays(demo: Any) -> None:
    from lentera.accounts.access import LibraryAccess
    from lentera.accounts.models import Membership, Role, User
    from lentera.assessment import assignment_selectors
    from lentera.assessment.models import Assignment

    me = User.objects.get(username="instruktur")
    library = Membership.objects.get(user=me, role=Role.INSTRUCTOR).library
    access = LibraryAccess(user=me, library=library, roles=frozenset({Role.INSTRUCTOR}), library_count=1)
    role_plays = list(Assignment.objects.filter(mode=Assignment.Mode.OBSERVATION).select_related("session__cohort"))
    assert {a.session.cohort.name for a in role_plays} == {"Angkatan 2025", "Angkatan I 2026"}
    for assignment in role_plays:
        assert me in assignment.session.instructors.all()
        assert assignment_selectors.may_judge(access=access, assignment=assignment)
        assert assignment_selectors.assignment_get_for_user(access=access, pk=assignment.pk, judge=True) == assignment
        assert assignment.is_required  # the demo's coordinator said so
    # the finished cohort's role-play was observed by the demo instructor and two peers each
    finished = next(a for a in role_plays if a.session.cohort.name == "Angkatan 2025")
    assert finished.sheets.filter(observer=me).exists()


def test_the_demo_hands_in_during_waking_hours(demo: Any) -> None:
    from lentera.assessment.models import Submission

    submissions = list(Submission.objects.all())
    assert submissions
    hours = {timezone.localtime(s.submitted_at).hour for s in submissions}
    assert min(hours) >= 7 and max(hours) <= 20, sorted(hours)
    assert all(s.submitted_at <= TODAY for s in submissions)
