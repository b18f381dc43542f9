"""Factories and builders for certificate tests: a finished cohort whose participants completed it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from lentera.assessment.models import CompletionOverride
from lentera.certificates.models import Certificate
from lentera.curriculum.models import Competency
from lentera.curriculum.tests.factories import CompetencyFactory, ModuleFactory, SessionPlanFactory
from lentera.delivery.models import Attendance, Cohort
from lentera.delivery.tests.factories import CohortFactory, EnrolmentFactory, ScheduledSessionFactory

WIB = ZoneInfo("Asia/Jakarta")
BASE_URL = "https://lentera.example"
HELD = datetime(2025, 8, 4, 8, 30, tzinfo=WIB)


def finished_cohort(library: Any, *, people: int = 3, completed: int | None = None, **fields: Any) -> Cohort:
    """A finished cohort (4–8 August 2025) of ``people`` participants, three 2-JP sessions, and two
    competencies; the first ``completed`` people (all by default) attended two sessions and completed."""
    cohort = CohortFactory(
        programme__library=library,
        starts_on=date(2025, 8, 4),
        ends_on=date(2025, 8, 8),
        status=Cohort.Status.FINISHED,
        **fields,
    )
    module = ModuleFactory(programme=cohort.programme)
    sessions = []
    for n, code in enumerate(["R.91PRP02.021.1", ""]):
        plan = SessionPlanFactory(module=module)
        unit = Competency.objects.filter(library=library, code=code).first() if code else None
        plan.competencies.add(unit or CompetencyFactory(library=library, code=code))
        start = HELD + timedelta(days=n)
        sessions.append(
            ScheduledSessionFactory(cohort=cohort, plan=plan, starts_at=start, ends_at=start + timedelta(minutes=90))
        )
    start = HELD + timedelta(days=2)
    sessions.append(
        ScheduledSessionFactory(cohort=cohort, plan=plan, starts_at=start, ends_at=start + timedelta(minutes=90))
    )
    completed = people if completed is None else completed
    for i in range(people):
        user = EnrolmentFactory(cohort=cohort).user
        if i < completed:
            for session in sessions[:2]:
                Attendance.objects.create(library=library, session=session, user=user, status=Attendance.Status.PRESENT)
            Attendance.objects.create(library=library, session=sessions[2], user=user, status=Attendance.Status.ABSENT)
            status = CompletionOverride.Status.COMPLETED
        else:
            status = CompletionOverride.Status.NOT_COMPLETED
        CompletionOverride.objects.create(library=library, cohort=cohort, user=user, status=status, reason="Uji")
    return cohort


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate made directly (no numbering service): for pages and PDFs."""

    class Meta:
        model = Certificate

    cohort = factory.SubFactory(CohortFactory)
    library = factory.SelfAttribute("cohort.library")
    user = factory.SubFactory("lentera.accounts.tests.factories.UserFactory")
    year = 2025
    seq = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"UJI/{o.year}/{o.seq:04d}")
    base_url = BASE_URL
    issued_at = factory.LazyFunction(timezone.now)
    participant_name = factory.SelfAttribute("user.full_name")
    programme_title = factory.SelfAttribute("cohort.programme.title")
    cohort_name = factory.SelfAttribute("cohort.name")
    starts_on = factory.SelfAttribute("cohort.starts_on")
    ends_on = factory.SelfAttribute("cohort.ends_on")
    jp = 4
    competencies = factory.LazyFunction(lambda: [["R.91PRP02.021.1", "Kompetensi 1"]])
    library_name = factory.SelfAttribute("library.name")
    library_city = factory.SelfAttribute("library.city")
    head_name = "Drs. Kepala Perpustakaan"
    head_nip = "196805121994031007"
