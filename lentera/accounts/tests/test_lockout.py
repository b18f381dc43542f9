"""Login lockout (django-axes): locked after five failures, refused while locked, unlocked by a coordinator."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.test import Client
from django.urls import reverse

from lentera.accounts import services
from lentera.accounts.models import AuditEntry
from lentera.accounts.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.reliability]

LOCKED = (
    "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
    "Coba lagi dalam 15 menit atau minta koordinator membukanya."
)


def attempt(client: Client, username: str, password: str = "salah-sekali") -> Any:  # noqa: S107
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> Any:
    response = None
    for _ in range(times):
        response = attempt(client, username)
    return response


def signed_in(client: Client) -> bool:
    return AUTH_SESSION_KEY in client.session


class TestLockout:
    def test_the_fifth_failure_locks_with_the_indonesian_message(self, participant: Any) -> None:
        client = Client()
        fourth = fail(client, "participant_a", 4)
        assert fourth.status_code == 200 and LOCKED not in fourth.content.decode()
        fifth = attempt(client, "participant_a")
        assert fifth.status_code == 429
        assert LOCKED in " ".join(fifth.content.decode().split())

    def test_the_right_password_is_refused_while_locked(self, participant: Any) -> None:
        client = Client()
        fail(client, "participant_a", 5)
        response = attempt(client, "participant_a", TEST_PASSWORD)
        assert response.status_code == 429
        assert LOCKED in " ".join(response.content.decode().split())
        assert not signed_in(client)

    def test_tries_during_the_lockout_do_not_restart_the_clock(self, participant: Any) -> None:
        client = Client()
        fail(client, "participant_a", 5)
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14))
        fail(client, "participant_a", 3)
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=2))
        response = attempt(client, "participant_a", TEST_PASSWORD)
        assert response.status_code == 302 and signed_in(client)

    def test_a_success_resets_the_count(self, participant: Any) -> None:
        client = Client()
        fail(client, "participant_a", 4)
        assert attempt(client, "participant_a", TEST_PASSWORD).status_code == 302
        assert not AccessAttempt.objects.filter(username="participant_a").exists()
        other = Client()
        assert fail(other, "participant_a", 4).status_code == 200  # four again, not locked

    def test_spaces_around_the_username_count_as_the_same_username(self, participant: Any) -> None:
        client = Client()
        for typed in ["participant_a", " participant_a", "participant_a ", "  participant_a", "participant_a\t"]:
            response = attempt(client, typed)
        assert response.status_code == 429
        assert attempt(client, "participant_a", TEST_PASSWORD).status_code == 429

    def test_a_lockout_is_per_username_not_per_pc(self, participant: Any, instructor: Any) -> None:
        shared_pc = Client()
        fail(shared_pc, "participant_a", 5)
        response = attempt(shared_pc, "instructor_a", TEST_PASSWORD)
        assert response.status_code == 302 and signed_in(shared_pc)

    @pytest.mark.usefixtures("worker")
    def test_the_password_reset_is_not_blocked_and_lifts_the_lock(
        self, participant: Any, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = Client()
        fail(client, "participant_a", 5)
        assert client.get(reverse("accounts:password_reset")).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):  # the email goes in the background
            client.post(reverse("accounts:password_reset"), {"email": participant.user.email})
        [message] = mail.outbox
        link = re.search(r"http://testserver(/akun/atur-kata-sandi/\S+/)", message.body)
        assert link
        form_page = client.get(link.group(1), follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Kata-sandi-baru-99", "new_password2": "Kata-sandi-baru-99"},
        )
        response = attempt(Client(), "participant_a", "Kata-sandi-baru-99")
        assert response.status_code == 302


class TestUnlock:
    def test_the_coordinator_sees_the_lockout_and_unlocks(self, coordinator: Any, participant: Any) -> None:
        fail(Client(), "participant_a", 5)
        page = coordinator.client.get(reverse("accounts:person_detail", args=[participant.user.pk]))
        html = " ".join(page.content.decode().split())
        assert "terkunci" in html and "5 kali gagal masuk berturut-turut" in html
        response = coordinator.client.post(reverse("accounts:person_unlock", args=[participant.user.pk]))
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="participant_a").exists()
        entry = AuditEntry.objects.get(action="user.unlock")
        assert entry.actor == coordinator.user and entry.library == coordinator.library
        assert entry.object_id == str(participant.user.pk) and entry.changes == {"failed_logins": [5, 0]}
        assert attempt(Client(), "participant_a", TEST_PASSWORD).status_code == 302

    def test_unlocking_someone_not_locked_says_so(self, coordinator: Any, participant: Any) -> None:
        response = coordinator.client.post(reverse("accounts:person_unlock", args=[participant.user.pk]), follow=True)
        assert "tidak terkunci" in response.content.decode()
        assert not AuditEntry.objects.filter(action="user.unlock").exists()

    @pytest.mark.parametrize(("persona", "status"), [("instructor", 403), ("participant", 403), ("coordinator_b", 404)])
    def test_others_cannot_unlock(self, persona: str, status: int, personas: dict[str, Any]) -> None:
        person = personas["participant_a"].user
        fail(Client(), "participant_a", 5)
        client = personas[{"instructor": "instructor_a", "participant": "participant_a"}.get(persona, persona)].client
        response = client.post(reverse("accounts:person_unlock", args=[person.pk]))
        assert response.status_code == status
        assert AccessAttempt.objects.filter(username="participant_a").exists()

    def test_anonymous_is_sent_to_the_login(self, anon: Any, participant: Any) -> None:
        response = anon.client.post(reverse("accounts:person_unlock", args=[participant.user.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_the_unlock_is_get_only_by_post(self, coordinator: Any, participant: Any) -> None:
        response = coordinator.client.get(reverse("accounts:person_unlock", args=[participant.user.pk]))
        assert response.status_code == 405

    def test_the_service_refuses_a_coordinator_of_another_library(self, coordinator_b: Any, participant: Any) -> None:
        fail(Client(), "participant_a", 5)
        with pytest.raises(PermissionDenied):
            services.user_unlock(actor=coordinator_b.user, library=coordinator_b.library, user=participant.user)
        assert AccessAttempt.objects.filter(username="participant_a").exists()


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


class TestLockoutPerAddress:
    """Five wrong passwords lock the username at that address only; 30 from anywhere lock it everywhere."""

    def test_another_address_still_signs_in_after_one_address_locked_itself_out(self, participant: Any) -> None:
        assert fail(from_address("198.51.100.1"), "participant_a", 5).status_code == 429
        assert attempt(from_address("198.51.100.1"), "participant_a", TEST_PASSWORD).status_code == 429
        elsewhere = from_address("198.51.100.2")
        response = attempt(elsewhere, "participant_a", TEST_PASSWORD)
        assert response.status_code == 302 and signed_in(elsewhere)

    def test_each_address_has_its_own_five(self, participant: Any) -> None:
        fail(from_address("198.51.100.1"), "participant_a", 5)
        assert fail(from_address("198.51.100.2"), "participant_a", 4).status_code == 200
        assert attempt(from_address("198.51.100.2"), "participant_a").status_code == 429

    def test_thirty_failures_from_many_addresses_lock_the_username_everywhere(self, participant: Any) -> None:
        for n in range(14):
            assert fail(from_address(f"203.0.113.{n + 1}"), "participant_a", 2).status_code == 200
        assert fail(from_address("203.0.113.15"), "participant_a", 2).status_code == 429  # the 30th locks
        fresh = from_address("192.0.2.50")
        response = attempt(fresh, "participant_a", TEST_PASSWORD)
        assert response.status_code == 429 and not signed_in(fresh)
        assert LOCKED in " ".join(response.content.decode().split())

    def test_twenty_nine_from_many_addresses_do_not(self, participant: Any) -> None:
        for n in range(29):
            attempt(from_address(f"203.0.113.{n + 1}"), "participant_a")
        fresh = from_address("192.0.2.50")
        assert attempt(fresh, "participant_a", TEST_PASSWORD).status_code == 302 and signed_in(fresh)

    def test_the_ceiling_counts_only_within_the_cool_off(self, participant: Any) -> None:
        for n in range(15):
            fail(from_address(f"203.0.113.{n + 1}"), "participant_a", 2)
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
        assert attempt(from_address("192.0.2.50"), "participant_a", TEST_PASSWORD).status_code == 302

    def test_behind_the_proxy_the_forwarded_address_is_counted(self, participant: Any, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        nginx = from_address("127.0.0.1")
        for n in range(5):
            nginx.post(
                reverse("accounts:login"),
                {"username": "participant_a", "password": "salah"},
                HTTP_X_FORWARDED_FOR=f"10.0.0.1, 198.51.100.{n + 1}",
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
            f"198.51.100.{n + 1}" for n in range(5)
        }
        response = nginx.post(
            reverse("accounts:login"),
            {"username": "participant_a", "password": TEST_PASSWORD},
            HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.9",
        )
        assert response.status_code == 302  # five addresses, one failure each: nobody is locked

    def test_the_coordinator_sees_a_ceiling_lock_and_one_unlock_clears_every_address(
        self, coordinator: Any, participant: Any
    ) -> None:
        for n in range(15):
            fail(from_address(f"203.0.113.{n + 1}"), "participant_a", 2)
        page = coordinator.client.get(reverse("accounts:person_detail", args=[participant.user.pk]))
        assert "terkunci" in " ".join(page.content.decode().split())
        coordinator.client.post(reverse("accounts:person_unlock", args=[participant.user.pk]))
        assert not AccessAttempt.objects.exists()
        assert attempt(from_address("203.0.113.1"), "participant_a", TEST_PASSWORD).status_code == 302
