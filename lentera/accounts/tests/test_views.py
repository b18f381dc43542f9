from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lentera.accounts.models import AuditEntry, Membership, Role, User
from lentera.accounts.tests.factories import TEST_PASSWORD, LibraryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def indonesian(message: str) -> str:
    """The Indonesian text of ``message``; fails if the catalogue has none (it would equal the English)."""
    with translation.override("id"):
        text = translation.gettext(message)
    assert text != message, f"no Indonesian translation for {message!r}"
    return escape(text)


class TestLogin:
    def test_login_lands_on_the_dashboard_in_the_persons_language(self, library_a: Any) -> None:
        user = UserFactory(language="en")
        MembershipFactory(user=user, library=library_a, role=Role.PARTICIPANT)
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302 and response["Location"] == reverse("dashboard")
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    def test_login_with_two_libraries_asks_which(self, library_a: Any, library_b: Any) -> None:
        user = UserFactory()
        MembershipFactory(user=user, library=library_a)
        MembershipFactory(user=user, library=library_b)
        response = Client().post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
        assert response["Location"].startswith(reverse("accounts:choose_library"))

    def test_wrong_password_is_explained_in_indonesian(self, participant: Any) -> None:
        response = Client().post(reverse("accounts:login"), {"username": "participant_a", "password": "salah"})
        assert response.status_code == 200
        assert indonesian("The username or password is wrong. Both are case-sensitive.") in response.content.decode()

    def test_login_page_is_indonesian_by_default(self, db: Any) -> None:
        html = Client().get(reverse("accounts:login")).content.decode()
        assert '<html lang="id">' in html
        assert ">Masuk</button>" in html


class TestLanguage:
    def test_switch_is_remembered_on_the_person(self, participant: Any) -> None:
        response = participant.client.post(reverse("accounts:language"), {"language": "en", "next": "/program/"})
        assert response["Location"] == "/program/"
        participant.user.refresh_from_db()
        assert participant.user.language == "en"
        html = participant.client.get(reverse("dashboard")).content.decode()
        assert '<html lang="en">' in html

    def test_anonymous_switch_sets_only_the_cookie(self, db: Any) -> None:
        client = Client()
        client.post(reverse("accounts:language"), {"language": "en"})
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()

    def test_foreign_next_is_ignored(self, participant: Any) -> None:
        response = participant.client.post(
            reverse("accounts:language"), {"language": "id", "next": "https://jahat.example/"}
        )
        assert response["Location"] == reverse("dashboard")

    @pytest.mark.parametrize(
        "next_url",
        [
            "javascript:alert(1)",
            "//evil.example",
            "/\\evil.example",
            "%00",
            "\x00",
            "/program/\x00",
            "/program/\r\nSet-Cookie: x=1",
            "foo",  # not a path: redirect() would try it as a URL name (500 before the fix)
            "dashboard",
            "/" + "a" * 5000,
            "http://[::1",
        ],
    )
    def test_next_that_is_not_a_local_path_goes_home(self, db: Any, next_url: str) -> None:
        response = Client(raise_request_exception=False).post(
            reverse("accounts:language"), {"language": "en", "next": next_url}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    def test_local_path_with_query_is_kept(self, participant: Any) -> None:
        response = participant.client.post(
            reverse("accounts:language"), {"language": "en", "next": "/program/?tahun=2026&q=a%20b"}
        )
        assert response["Location"] == "/program/?tahun=2026&q=a%20b"

    def test_unknown_language_changes_nothing(self, participant: Any) -> None:
        participant.client.post(reverse("accounts:language"), {"language": "xx"})
        participant.user.refresh_from_db()
        assert participant.user.language == "id"


class TestProfile:
    def test_person_edits_own_profile(self, participant: Any) -> None:
        response = participant.client.post(
            reverse("accounts:profile"),
            {
                "full_name": "Nama Baru",
                "email": "baru@contoh.id",
                "phone": "0812 3456 7890",
                "nip": "",
                "functional_level": "",
                "work_unit": "Referensi",
            },
        )
        assert response.status_code == 302
        participant.user.refresh_from_db()
        assert (participant.user.full_name, participant.user.work_unit) == ("Nama Baru", "Referensi")

    def test_taken_email_is_refused_with_a_message(self, participant: Any) -> None:
        UserFactory(email="dipakai@contoh.id")
        response = participant.client.post(
            reverse("accounts:profile"),
            {
                "full_name": "X",
                "email": "dipakai@contoh.id",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
        participant.user.refresh_from_db()
        assert participant.user.email != "dipakai@contoh.id"


class TestLibrarySettings:
    def test_invalid_values_are_refused(self, coordinator: Any) -> None:
        response = coordinator.client.post(
            reverse("accounts:library_settings"),
            {
                "name": "A",
                "city": "A",
                "province": "A",
                "yearly_jp_target": 0,
                "anonymity_floor": 1,
            },
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "anonymity_floor" in errors and "yearly_jp_target" in errors

    def test_duplicate_district_is_refused_on_the_field(self, coordinator: Any) -> None:
        response = coordinator.client.post(
            reverse("accounts:library_settings"),
            {
                "name": "A",
                "city": "A",
                "province": "A",
                "yearly_jp_target": 20,
                "anonymity_floor": 5,
                "kecamatan_text": "Purworejo\npurworejo",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors


class TestPeople:
    def test_list_with_search_and_fixed_query_count(
        self, coordinator: Any, participant: Any, django_assert_num_queries: Any
    ) -> None:
        for _ in range(15):
            MembershipFactory(library=coordinator.library, role=Role.PARTICIPANT)
        coordinator.client.get(reverse("dashboard"))  # the first request stores the current library
        with django_assert_num_queries(7):
            response = coordinator.client.get(reverse("accounts:people"))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 17
        found = coordinator.client.get(reverse("accounts:people"), {"q": "Participant A"})
        assert [p.username for p in found.context["page"].object_list] == ["participant_a"]

    def test_htmx_request_gets_only_the_table(self, coordinator: Any) -> None:
        response = coordinator.client.get(
            reverse("accounts:people"), {"role": "coordinator"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="people-table">')
        assert "<nav" not in html.split('<div id="people-table">')[0]

    @pytest.mark.usefixtures("worker")
    def test_add_person_with_role_and_invitation(
        self, coordinator: Any, django_capture_on_commit_callbacks: Any, settings: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(
                reverse("accounts:person_add"),
                {
                    "full_name": "Sri Wahyuni",
                    "username": "sri",
                    "email": "sri@contoh.id",
                    "phone": "",
                    "nip": "198501012010012001",
                    "functional_level": "",
                    "work_unit": "Referensi",
                    "role": Role.INSTRUCTOR,
                    "send_invitation": "on",
                },
            )
        person = User.objects.get(username="sri")
        assert response["Location"] == reverse("accounts:person_detail", args=[person.pk])
        assert Membership.objects.get(user=person).role == Role.INSTRUCTOR
        assert mail.outbox[0].to == ["sri@contoh.id"]  # the invitation, sent by the worker
        assert "/akun/undangan/" in mail.outbox[0].body

    def test_add_person_failure_writes_nothing(self, coordinator: Any) -> None:
        UserFactory(nip="198501012010012001")
        response = coordinator.client.post(
            reverse("accounts:person_add"),
            {
                "full_name": "Sri",
                "username": "sri",
                "email": "sri@contoh.id",
                "nip": "198501012010012001",
                "role": Role.INSTRUCTOR,
            },
        )
        assert response.status_code == 200
        assert "nip" in response.context["form"].errors
        assert not User.objects.filter(username="sri").exists()
        assert not AuditEntry.objects.filter(action="user.create").exists()

    def test_grant_and_revoke_roles(self, coordinator: Any, participant: Any) -> None:
        url = reverse("accounts:person_detail", args=[participant.user.pk])
        coordinator.client.post(url, {"role": Role.INSTRUCTOR})
        granted = Membership.objects.get(user=participant.user, role=Role.INSTRUCTOR)
        assert granted.is_active
        coordinator.client.post(reverse("accounts:membership_revoke", args=[granted.pk]))
        granted.refresh_from_db()
        assert not granted.is_active

    def test_the_last_coordinator_cannot_be_revoked(self, coordinator: Any) -> None:
        membership = Membership.objects.get(user=coordinator.user)
        response = coordinator.client.post(reverse("accounts:membership_revoke", args=[membership.pk]), follow=True)
        assert indonesian("A library needs at least one coordinator.") in response.content.decode()
        membership.refresh_from_db()
        assert membership.is_active


class TestAuditLog:
    def test_lists_the_librarys_entries_with_labels_and_fixed_queries(
        self, coordinator: Any, django_assert_num_queries: Any
    ) -> None:
        for n in range(30):
            AuditEntry.objects.create(
                library=coordinator.library,
                actor=coordinator.user,
                action="programme.update",
                object_repr=f"Program {n}",
                changes={"title": ["Lama", "Baru"]},
            )
        coordinator.client.get(reverse("dashboard"))
        with django_assert_num_queries(5):
            response = coordinator.client.get(reverse("accounts:audit_log"))
        rows = response.content.decode().split("<tbody>")[1]
        assert rows.count(indonesian("Programme changed")) == 30
        assert "Lama" in rows and "Baru" in rows

    def test_filter_by_action(self, coordinator: Any) -> None:
        AuditEntry.objects.create(library=coordinator.library, action="programme.update", object_repr="P")
        AuditEntry.objects.create(library=coordinator.library, action="module.create", object_repr="M")
        response = coordinator.client.get(reverse("accounts:audit_log"), {"action": "module.create"})
        assert [e.object_repr for e in response.context["page"].object_list] == ["M"]


class TestPasswordReset:
    @pytest.mark.usefixtures("worker")
    def test_reset_by_email_link(
        self, participant: Any, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):  # sent in the background: password_reset.py
            client.post(reverse("accounts:password_reset"), {"email": participant.user.email})
        [message] = mail.outbox
        link = re.search(r"http://testserver(/akun/atur-kata-sandi/\S+/)", message.body)
        assert link
        form_page = client.get(link.group(1), follow=True)
        response = client.post(
            form_page.redirect_chain[-1][0],
            {
                "new_password1": "Kata-sandi-baru-99",
                "new_password2": "Kata-sandi-baru-99",
            },
        )
        assert response["Location"] == reverse("accounts:password_reset_complete")
        assert Client().login(username="participant_a", password="Kata-sandi-baru-99")


class TestErrorPages:
    def test_forbidden_page_is_indonesian(self, participant: Any) -> None:
        response = participant.client.get(reverse("accounts:people"))
        assert response.status_code == 403
        assert indonesian("You may not open this page") in response.content.decode()

    def test_server_error_page_is_indonesian_and_needs_no_database(self, django_assert_num_queries: Any) -> None:
        from django.test import RequestFactory

        from lentera.views import error_500

        with django_assert_num_queries(0):
            response = error_500(RequestFactory().get("/"))
        assert response.status_code == 500
        assert indonesian("Something went wrong") in response.content.decode()

    def test_not_found_page_is_indonesian(self, participant: Any) -> None:
        response = participant.client.get("/tidak-ada/")
        assert response.status_code == 404
        assert indonesian("Page not found") in response.content.decode()


class TestDashboardQueries:
    @pytest.mark.parametrize(
        ("username", "queries"), [("koordinator", 9), ("instruktur", 8), ("peserta", 16), ("mitra", 3)]
    )
    def test_each_role_has_a_fixed_number_of_queries(
        self, username: str, queries: int, django_assert_num_queries: Any
    ) -> None:
        """The demo's dashboards, then again with twice the cohorts, sessions and people: same count."""
        from lentera.delivery.models import Cohort
        from lentera.demo.seed import seed_demo

        seed_demo()
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(reverse("dashboard"))  # the first request stores the current library
        with django_assert_num_queries(queries):
            assert client.get(reverse("dashboard")).status_code == 200
        cohort = Cohort.objects.get(name="Angkatan I 2026")
        for person in User.objects.filter(enrolments__cohort=cohort)[:5]:
            MembershipFactory(user=UserFactory(), library=cohort.library)
            person.attendance.update(status="present")
        for session in list(cohort.sessions.all())[:5]:
            session.pk = None
            session.starts_at += timedelta(days=30)
            session.ends_at += timedelta(days=30)
            session.save()
        with django_assert_num_queries(queries):
            assert client.get(reverse("dashboard")).status_code == 200

    def test_superuser_without_library_is_pointed_to_the_admin(self, db: Any) -> None:
        LibraryFactory()  # someone else's: on a Lentera with no library at all, "/" leads to /pasang/ instead
        admin = UserFactory(is_superuser=True, is_staff=True)
        client = Client()
        client.force_login(admin)
        html = client.get(reverse("dashboard")).content.decode()
        assert reverse("admin:index") in html
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_library_without_roles_shows_its_own_people_only(self, coordinator: Any) -> None:
        other = LibraryFactory()
        MembershipFactory(library=other, role=Role.PARTICIPANT)
        response = coordinator.client.get(reverse("dashboard"))
        assert response.context["role_counts"][Role.PARTICIPANT] == 0


class TestDefaultLanguage:
    def test_an_english_browser_still_gets_indonesian_until_the_person_chooses(self, db: Any) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        response = client.get(reverse("accounts:login"))
        assert '<html lang="id">' in response.content.decode()
        assert response["Content-Language"] == "id"
        client.post(reverse("accounts:language"), {"language": "en"})
        assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()
