from __future__ import annotations

import factory

from lentera.accounts.tests.factories import LibraryFactory
from lentera.curriculum.models import Competency, KeyFunction, Method, Module, Objective, Programme, SessionPlan


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    library = factory.SubFactory(LibraryFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"Program Uji {n}")
    status = Programme.Status.ACTIVE


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    library = factory.SubFactory(LibraryFactory)
    key_function = factory.LazyFunction(lambda: KeyFunction.objects.get(number=3))
    title = factory.Sequence(lambda n: f"Kompetensi Uji {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    programme = factory.SubFactory(ProgrammeFactory)
    library = factory.SelfAttribute("programme.library")
    code = factory.Sequence(lambda n: f"t{n}")
    title = factory.Sequence(lambda n: f"Tujuan Uji {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    programme = factory.SubFactory(ProgrammeFactory)
    library = factory.SelfAttribute("programme.library")
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Modul Uji {n}")


class SessionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionPlan

    module = factory.SubFactory(ModuleFactory)
    library = factory.SelfAttribute("module.library")
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Sesi Uji {n}")
    method = Method.LECTURE
    planned_minutes = 90
