"""A forgotten password: one answer whatever was typed, the email sent in the background, and limits
per typed address (3 an hour) and per client address (10 an hour, then 429)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lentera.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 WIB, on the hour
RESET = "accounts:password_reset"


@pytest.fixture
def dewi(db: Any) -> Any:
    return UserFactory(username="dewi", email="dewi@example.org", full_name="Dewi Kartikasari", language="id")


@pytest.fixture
def ask(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post the form from a client address; what the request leaves for the commit runs at once
    (the test's transaction never commits)."""

    def post(email: str, address: str = "198.51.100.1") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return Client(REMOTE_ADDR=address).post(reverse(RESET), {"email": email})

    return post


class TestOneAnswer:
    def test_a_known_and_an_unknown_address_get_the_same_answer(self, ask: Any, dewi: Any, worker: None) -> None:
        known, unknown = ask("dewi@example.org"), ask("nobody@example.org")
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
        assert [m.to for m in mail.outbox] == [["dewi@example.org"]]

    def test_the_request_sends_nothing_itself_the_worker_does(self, ask: Any, dewi: Any) -> None:
        ask("dewi@example.org")
        assert mail.outbox == []
        [queued] = DBTaskResult.objects.all()
        assert queued.task_path == "lentera.accounts.password_reset.send_password_reset"
        ask("nobody@example.org")
        assert DBTaskResult.objects.count() == 2  # queued alike: the request does not look the address up

    def test_the_email_links_to_a_page_that_sets_the_password(self, ask: Any, dewi: Any, worker: None) -> None:
        ask("dewi@example.org")
        [message] = mail.outbox
        assert message.subject == "Buat kata sandi Lentera baru" and "Dewi Kartikasari" in message.body
        link = re.search(r"http://testserver(/akun/atur-kata-sandi/\S+/)", message.body)
        assert link
        client = Client()
        form_page = client.get(link.group(1), follow=True)
        new = {"new_password1": "Kata-sandi-baru-99", "new_password2": "Kata-sandi-baru-99"}
        done = client.post(form_page.redirect_chain[-1][0], new)
        assert done["Location"] == reverse("accounts:password_reset_complete")
        assert Client().login(username="dewi", password="Kata-sandi-baru-99")

    def test_site_url_is_the_address_in_the_link(self, ask: Any, dewi: Any, worker: None, settings: Any) -> None:
        settings.SITE_URL = "https://lentera.example.go.id"
        ask("dewi@example.org")
        assert "https://lentera.example.go.id/akun/atur-kata-sandi/" in mail.outbox[0].body


class TestLimits:
    def test_three_emails_an_hour_to_one_address_whoever_asks(self, ask: Any, dewi: Any, worker: None) -> None:
        with time_machine.travel(MONDAY, tick=False) as clock:
            answers = [ask("dewi@example.org", f"198.51.100.{n}") for n in range(1, 6)]
            assert {a.status_code for a in answers} == {302}  # the same answer, even past the limit
            assert len(mail.outbox) == 3
            ask("DEWI@example.org ")
            assert len(mail.outbox) == 3  # the same address, written otherwise
            clock.shift(timedelta(hours=1))
            ask("dewi@example.org")
            assert len(mail.outbox) == 4

    def test_the_eleventh_request_from_one_client_gets_429_another_client_does_not(
        self, ask: Any, dewi: Any, worker: None
    ) -> None:
        with time_machine.travel(MONDAY, tick=False) as clock:
            for n in range(10):
                assert ask(f"orang{n}@example.org").status_code == 302
            refused = ask("dewi@example.org")
            assert refused.status_code == 429 and refused["Retry-After"] == "3600"
            assert "Terlalu banyak permintaan" in " ".join(refused.content.decode().split())
            assert ask("dewi@example.org", "198.51.100.2").status_code == 302
            assert Client(REMOTE_ADDR="198.51.100.1").get(reverse(RESET)).status_code == 200  # the form still opens
            clock.shift(timedelta(hours=1))
            assert ask("dewi@example.org").status_code == 302
        assert len(mail.outbox) == 2

    def test_opening_emailed_links_is_limited_per_client(self, settings: Any) -> None:
        settings.RATE_LIMITS = {"emailed-link": (3, 600)}
        url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"})
        client = Client(REMOTE_ADDR="198.51.100.1")
        with time_machine.travel(MONDAY, tick=False):
            assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


class TestLoginLimit:
    def test_posting_the_login_form_is_limited_per_client(self, dewi: Any, settings: Any) -> None:
        settings.RATE_LIMITS = {"login": (3, 600)}
        client, other = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
        login = reverse("accounts:login")
        with time_machine.travel(MONDAY, tick=False):
            for n in range(3):
                assert client.post(login, {"username": f"orang{n}", "password": "salah"}).status_code == 200
            assert client.post(login, {"username": "dewi", "password": "salah"}).status_code == 429
            assert client.get(login).status_code == 200  # opening the form is not counted
            assert other.post(login, {"username": "dewi", "password": "salah"}).status_code == 200
