from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lentera.accounts import services
from lentera.accounts.models import AuditEntry, Membership, Role
from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory, functional_level

pytestmark = pytest.mark.django_db


def _audits(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


class TestUserCreate:
    def test_creates_person_without_usable_password_and_audits(self) -> None:
        library, actor = LibraryFactory(), UserFactory()
        user = services.user_create(
            actor=actor,
            library=library,
            username="budi",
            full_name=" Budi Santoso ",
            email="Budi@Contoh.ID",
            nip="198001012005011001",
            functional_level=functional_level("Ahli Muda"),
            work_unit="Sirkulasi",
        )
        assert user.full_name == "Budi Santoso"
        assert user.email == "budi@contoh.id"
        assert not user.has_usable_password()
        [entry] = _audits("user.create")
        assert (entry.actor, entry.library, entry.object_id) == (actor, library, str(user.pk))

    def test_refuses_an_email_in_use_whatever_its_case(self) -> None:
        UserFactory(email="sama@contoh.id")
        with pytest.raises(ValidationError) as error:
            services.user_create(actor=None, library=None, username="x", full_name="X", email="SAMA@contoh.id")
        assert "email" in error.value.message_dict

    def test_refuses_a_nip_in_use(self) -> None:
        UserFactory(nip="198001012005011001")
        with pytest.raises(ValidationError) as error:
            services.user_create(actor=None, library=None, username="x", full_name="X", nip="198001012005011001")
        assert "nip" in error.value.message_dict

    def test_refuses_a_malformed_nip(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.user_create(actor=None, library=None, username="x", full_name="X", nip="12345")
        assert "nip" in error.value.message_dict
        assert not _audits("user.create")


class TestUserUpdateProfile:
    def test_records_before_and_after(self) -> None:
        user = UserFactory(work_unit="Referensi")
        services.user_update_profile(actor=user, user=user, work_unit="Sirkulasi", phone="0812 3456 7890")
        [entry] = _audits("user.update")
        assert entry.changes["work_unit"] == ["Referensi", "Sirkulasi"]
        assert entry.changes["phone"] == ["", "0812 3456 7890"]

    def test_no_change_writes_no_audit(self) -> None:
        user = UserFactory(work_unit="Referensi")
        services.user_update_profile(actor=user, user=user, work_unit="Referensi")
        assert not _audits("user.update")

    def test_refuses_another_persons_email(self) -> None:
        UserFactory(email="dipakai@contoh.id")
        user = UserFactory()
        with pytest.raises(ValidationError) as error:
            services.user_update_profile(actor=user, user=user, email="dipakai@contoh.id")
        assert "email" in error.value.message_dict

    def test_refuses_fields_outside_the_profile(self) -> None:
        user = UserFactory()
        with pytest.raises(ValueError, match="is_superuser"):
            services.user_update_profile(actor=user, user=user, is_superuser=True)
        user.refresh_from_db()
        assert not user.is_superuser


class TestLanguage:
    def test_remembers_language(self) -> None:
        user = UserFactory()
        services.user_set_language(user=user, language="en")
        user.refresh_from_db()
        assert user.language == "en"

    def test_refuses_unknown_language(self) -> None:
        with pytest.raises(ValidationError):
            services.user_set_language(user=UserFactory(), language="fr")


class TestMemberships:
    def test_grant_and_audit(self) -> None:
        library, user = LibraryFactory(), UserFactory()
        membership = services.membership_grant(actor=None, library=library, user=user, role=Role.INSTRUCTOR)
        assert membership.is_active and membership.role == Role.INSTRUCTOR
        assert _audits("membership.grant")[0].changes == {"role": [None, "instructor"]}

    def test_grant_twice_is_refused(self) -> None:
        membership = MembershipFactory(role=Role.PARTICIPANT)
        with pytest.raises(ValidationError):
            services.membership_grant(
                actor=None, library=membership.library, user=membership.user, role=Role.PARTICIPANT
            )

    def test_grant_unknown_role_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            services.membership_grant(actor=None, library=LibraryFactory(), user=UserFactory(), role="boss")

    def test_grant_reactivates_a_revoked_role(self) -> None:
        membership = MembershipFactory(role=Role.PARTICIPANT, is_active=False)
        services.membership_grant(actor=None, library=membership.library, user=membership.user, role=Role.PARTICIPANT)
        membership.refresh_from_db()
        assert membership.is_active
        assert Membership.objects.count() == 1

    def test_revoke(self) -> None:
        membership = MembershipFactory(role=Role.PARTICIPANT)
        services.membership_revoke(actor=None, membership=membership)
        membership.refresh_from_db()
        assert not membership.is_active
        assert _audits("membership.revoke")

    def test_revoke_the_last_coordinator_is_refused(self) -> None:
        membership = MembershipFactory(role=Role.COORDINATOR)
        with pytest.raises(ValidationError):
            services.membership_revoke(actor=None, membership=membership)
        membership.refresh_from_db()
        assert membership.is_active

    def test_revoke_twice_is_refused(self) -> None:
        membership = MembershipFactory(role=Role.PARTICIPANT, is_active=False)
        with pytest.raises(ValidationError):
            services.membership_revoke(actor=None, membership=membership)


class TestLibraryUpdate:
    def test_updates_and_audits_the_difference(self) -> None:
        library = LibraryFactory(population=100)
        services.library_update(
            actor=None, library=library, population=210_000, kecamatan=[" Gadingrejo ", "Purworejo", ""]
        )
        library.refresh_from_db()
        assert library.kecamatan == ["Gadingrejo", "Purworejo"]
        [entry] = _audits("library.update")
        assert entry.changes["population"] == [100, 210_000]

    def test_refuses_a_district_listed_twice(self) -> None:
        library = LibraryFactory(kecamatan=["A"])
        with pytest.raises(ValidationError) as error:
            services.library_update(actor=None, library=library, kecamatan=["Bugul Kidul", "bugul kidul"])
        assert "kecamatan" in error.value.message_dict
        library.refresh_from_db()
        assert library.kecamatan == ["A"]

    def test_refuses_unknown_settings(self) -> None:
        with pytest.raises(ValueError):
            services.library_update(actor=None, library=LibraryFactory(), slug="lain")


class TestUsernameFree:
    def test_the_address_itself_when_nobody_has_it(self) -> None:
        assert services.username_free(" Rina.W@Kampus.ac.id ") == "rina.w@kampus.ac.id"

    def test_a_number_when_someone_already_has_it_in_any_case(self) -> None:
        UserFactory(username="Rina.W@kampus.ac.id")
        UserFactory(username="rina.w@kampus.ac.id-2")
        assert services.username_free("rina.w@kampus.ac.id") == "rina.w@kampus.ac.id-3"
