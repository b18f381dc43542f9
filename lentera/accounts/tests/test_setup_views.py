"""The first-run setup page (/pasang/) of a fresh Lentera, and the whole first run in the browser's steps:
set up → the coordinator's link → their password → signing in → their dashboard."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lentera.accounts import setup
from lentera.accounts.models import Library, Role, User
from lentera.accounts.tests.factories import UserFactory
from lentera.evaluation.models import FeedbackForm
from lentera.evaluation.ready_forms import READY_FORMS
from lentera.lib.ratelimit import SHARED_CACHE

pytestmark = pytest.mark.django_db
PAGE = "/pasang/"
NEW_PASSWORD = "Pustaka-Baru-2026"  # noqa: S105 - test value
TOKEN_PATTERN = re.compile(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}")


def form_data(token: str, **change: str) -> dict[str, str]:
    return {
        "token": token,
        "name": "Perpustakaan Kota Pasuruan",
        "city": "Kota Pasuruan",
        "province": "Jawa Timur",
        "kecamatan": "Bugul Kidul\nGadingrejo\nPanggungrejo\nPurworejo",
        "population": "210000",
        "coordinator_name": "Dewi Kartikasari",
        "coordinator_email": "dewi@example.org",
        "coordinator_username": "",
        **change,
    }


def logged_token(caplog: pytest.LogCaptureFixture) -> str:
    """The token the page wrote to the server's log."""
    (record,) = [r for r in caplog.records if r.name == "lentera.accounts.setup"]
    assert record.levelno == logging.WARNING
    match = TOKEN_PATTERN.search(record.getMessage())
    assert match, record.getMessage()
    return match.group(0)


def in_page(response: Any, message: str) -> bool:
    with translation.override("id"):
        return html.escape(gettext(message)) in response.content.decode()


def test_the_url_is_pasang() -> None:
    assert reverse("first_run") == PAGE


class TestFreshLentera:
    def test_the_home_page_leads_to_the_setup_page(self, anon: Any) -> None:
        response = anon.client.get(reverse("dashboard"))
        assert response.status_code == 302 and response["Location"] == PAGE

    def test_a_signed_in_person_without_a_library_is_led_there_too(self, db: Any) -> None:
        client = Client()
        client.force_login(UserFactory(is_superuser=True, is_staff=True))  # made with createsuperuser
        assert client.get(reverse("dashboard"))["Location"] == PAGE
        assert client.get(PAGE).status_code == 200

    def test_the_page_asks_for_the_token_and_writes_a_new_one_to_the_log(
        self, anon: Any, caplog: pytest.LogCaptureFixture, settings: Any
    ) -> None:
        settings.SITE_URL = "https://lentera.example.go.id"
        with caplog.at_level(logging.WARNING):
            response = anon.client.get(PAGE)
            anon.client.get(PAGE)  # a second visit makes no other token
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert 'name="token"' in page and 'name="coordinator_email"' in page and '<html lang="id">' in page
        token = logged_token(caplog)
        assert "https://lentera.example.go.id/pasang/" in caplog.records[0].getMessage()
        assert token not in page  # only in the log
        assert setup.setup_token_check(token)
        assert token.replace("-", "") not in str(caches[SHARED_CACHE].get(setup._TOKEN_KEY))

    def test_a_wrong_token_sets_nothing_up_and_keeps_what_was_typed(
        self, anon: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING):
            anon.client.get(PAGE)
        token = logged_token(caplog)
        wrong = "ZZZZ-ZZZZ-ZZZZ-ZZZZ" if token != "ZZZZ-ZZZZ-ZZZZ-ZZZZ" else "YYYY-YYYY-YYYY-YYYY"
        response = anon.client.post(PAGE, form_data(wrong))
        assert response.status_code == 400
        assert in_page(response, "This setup token does not work. Copy the newest one from the server's log.")
        assert 'value="Perpustakaan Kota Pasuruan"' in response.content.decode()
        assert not Library.objects.exists() and not User.objects.exists()
        assert setup.setup_token_check(token)  # the right one still works
        # said at once, with the other answers' mistakes
        alone = anon.client.post(PAGE, form_data("salah", city=""))
        assert set(alone.context["form"].errors) == {"token", "city"}
        assert in_page(alone, "This setup token does not work. Copy the newest one from the server's log.")

    def test_the_right_token_sets_up_the_library_and_shows_the_way_in(
        self, anon: Any, caplog: pytest.LogCaptureFixture, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with caplog.at_level(logging.WARNING):
            anon.client.get(PAGE)
        token = logged_token(caplog)
        with django_capture_on_commit_callbacks(execute=True):
            response = anon.client.post(PAGE, form_data(token.lower().replace("-", " ")))
        assert response.status_code == 200
        library = Library.objects.get()
        assert (library.name, library.province, library.population) == (
            "Perpustakaan Kota Pasuruan",
            "Jawa Timur",
            210_000,
        )
        assert library.kecamatan == ["Bugul Kidul", "Gadingrejo", "Panggungrejo", "Purworejo"]
        assert FeedbackForm.objects.filter(library=library).count() == len(READY_FORMS)
        dewi = User.objects.get(email="dewi@example.org")
        assert dewi.memberships.get().role == Role.COORDINATOR
        page = response.content.decode()
        link = re.search(r'href="(http://testserver/akun/undangan/([0-9A-Z]+)/)"', page)
        assert link, page
        assert 'text-wrap-anywhere">dewi</strong>' in page and "Dewi Kartikasari" in page
        assert "no-store" in response["Cache-Control"]
        assert mail.outbox[0].to == ["dewi@example.org"]  # the invitation email went too
        assert not setup.setup_token_check(token)  # used up

    def test_a_refused_value_keeps_the_token_for_the_next_try(
        self, anon: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        UserFactory(username="dewi")
        with caplog.at_level(logging.WARNING):
            anon.client.get(PAGE)
        token = logged_token(caplog)
        response = anon.client.post(PAGE, form_data(token, coordinator_username="dewi"))
        assert response.status_code == 400 and in_page(response, "This username is taken.")
        assert not Library.objects.exists()
        assert anon.client.post(PAGE, form_data(token, coordinator_username="dewi.k")).status_code == 200
        assert User.objects.get(username="dewi.k").full_name == "Dewi Kartikasari"

    def test_missing_answers_are_named(self, anon: Any) -> None:
        response = anon.client.post(PAGE, form_data("", name="", city="", coordinator_name=""))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert {"token", "name", "city", "coordinator_name"} <= set(errors)
        assert not Library.objects.exists()

    def test_a_token_from_the_command_works_too(self, anon: Any) -> None:
        token = setup.setup_token_issue()
        assert anon.client.post(PAGE, form_data(token)).status_code == 200
        assert Library.objects.count() == 1

    def test_posting_is_rate_limited_per_client(self, settings: Any) -> None:
        settings.RATE_LIMITS = {"first-run-setup": (2, 600)}
        token = setup.setup_token_issue()
        one, other = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
        answers = [one.post(PAGE, form_data("ZZZZ-ZZZZ-ZZZZ-ZZZZ")).status_code for _ in range(2)]
        refused = one.post(PAGE, form_data(token))  # even with the right token
        assert answers == [400, 400] and refused.status_code == 429 and refused["Retry-After"]
        assert not Library.objects.exists()
        assert one.get(PAGE).status_code == 200  # reading the page is not counted
        assert other.post(PAGE, form_data(token)).status_code == 200


class TestAfterTheSetup:
    def test_the_page_is_gone_for_good(self, anon: Any) -> None:
        token = setup.setup_token_issue()
        anon.client.post(PAGE, form_data(token))
        assert anon.client.get(PAGE).status_code == 404
        assert anon.client.post(PAGE, form_data(token, name="Perpustakaan Lain")).status_code == 404
        assert Library.objects.count() == 1
        assert anon.client.get(reverse("dashboard"))["Location"].startswith(reverse("accounts:login"))

    def test_every_role_and_visitor_gets_404(self, personas: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING):
            for persona in personas.values():
                assert persona.client.get(PAGE).status_code == 404, persona.name
                assert persona.client.post(PAGE, form_data("ABCD-EFGH-JKMN-PQRS")).status_code == 404
        assert caches[SHARED_CACHE].get(setup._TOKEN_KEY) is None  # no token is made any more
        assert not [r for r in caplog.records if r.name == "lentera.accounts.setup"]
        assert Library.objects.count() == 2

    def test_the_home_page_asks_nothing_more_of_people_with_a_library(self, coordinator: Any) -> None:
        coordinator.client.get(reverse("dashboard"))  # the first request stores the current library
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.client.get(reverse("dashboard")).status_code == 200
        assert not [
            q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT 1 AS "a" FROM "accounts_library"')
        ]


def test_the_whole_first_run(anon: Any, caplog: pytest.LogCaptureFixture) -> None:
    """From a fresh Lentera to the coordinator's dashboard, as the IT person and the coordinator do it."""
    home = anon.client.get("/", follow=True)
    assert home.redirect_chain == [(PAGE, 302)]
    token = TOKEN_PATTERN.search(" ".join(r.getMessage() for r in caplog.records if r.name == "lentera.accounts.setup"))
    assert token
    done = anon.client.post(PAGE, form_data(token.group(0), coordinator_username="dewi"))
    link = re.search(r'href="http://testserver(/akun/undangan/[0-9A-Z]+/)"', done.content.decode())
    assert link
    # the coordinator opens the link (on her own phone: another browser) and chooses a password
    dewi = Client()
    chooser = dewi.get(link.group(1))
    assert chooser.status_code == 200 and "Dewi Kartikasari" in chooser.content.decode()
    saved = dewi.post(link.group(1), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved["Location"] == reverse("accounts:login") + "?username=dewi"
    signed_in = dewi.post(reverse("accounts:login"), {"username": "dewi", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    dashboard = dewi.get(signed_in["Location"])
    assert dashboard.status_code == 200
    assert dashboard.context["library"].name == "Perpustakaan Kota Pasuruan"
    assert dashboard.context["role_counts"][Role.COORDINATOR] == 1  # the coordinator's dashboard
    assert "Perpustakaan Kota Pasuruan" in dashboard.content.decode()
    # the link worked once
    assert Client().get(link.group(1)).status_code == 404
