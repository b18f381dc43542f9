from __future__ import annotations

import factory

from lentera.accounts.models import FunctionalLevel, Library, Membership, Role, User

TEST_PASSWORD = "sandi-uji-123"  # noqa: S105 - test fixture


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    name = factory.Sequence(lambda n: f"Perpustakaan Uji {n}")
    slug = factory.Sequence(lambda n: f"perpustakaan-uji-{n}")
    city = "Kota Uji"
    province = "Jawa Timur"
    population = 200_000
    kecamatan = factory.LazyFunction(lambda: ["Utara", "Selatan"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"orang{n}")
    full_name = factory.Sequence(lambda n: f"Orang Uji {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@uji.example")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    library = factory.SubFactory(LibraryFactory)
    role = Role.PARTICIPANT


def functional_level(name: str = "Ahli Pertama") -> FunctionalLevel:
    return FunctionalLevel.objects.get(name=name)
