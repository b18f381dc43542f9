from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory

from lentera.accounts.tests.factories import LibraryFactory, UserFactory
from lentera.curriculum.jp import jp_for_minutes
from lentera.curriculum.tests.factories import ProgrammeFactory, SessionPlanFactory
from lentera.delivery.models import Cohort, Enrolment, InstructorProfile, ScheduledSession, SessionInstructor

WIB = ZoneInfo("Asia/Jakarta")
FIRST_SESSION = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)  # a Monday, 08:00 WIB


class InstructorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructorProfile

    library = factory.SubFactory(LibraryFactory)
    user = factory.SubFactory(UserFactory)
    kind = InstructorProfile.Kind.INTERNAL


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    library = factory.SelfAttribute("programme.library")
    name = factory.Sequence(lambda n: f"Angkatan Uji {n}")
    starts_on = date(2026, 3, 2)
    ends_on = date(2026, 3, 6)
    capacity = 30


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    library = factory.SelfAttribute("cohort.library")
    user = factory.SubFactory(UserFactory)
    status = Enrolment.Status.ENROLLED


class ScheduledSessionFactory(factory.django.DjangoModelFactory):
    """A 90-minute session (2 JP) of a plan from the cohort's own programme.

    ``instructors=[...]`` links the given people as the session's instructors.
    """

    class Meta:
        model = ScheduledSession
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    library = factory.SelfAttribute("cohort.library")
    plan = factory.SubFactory(SessionPlanFactory, module__programme=factory.SelfAttribute("...cohort.programme"))
    starts_at = factory.Sequence(lambda n: FIRST_SESSION + timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    jp = factory.LazyAttribute(lambda o: jp_for_minutes(int((o.ends_at - o.starts_at).total_seconds() // 60)))

    @factory.post_generation
    def instructors(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for user in extracted or ():
            SessionInstructor.objects.create(library=self.library, session=self, user=user)
