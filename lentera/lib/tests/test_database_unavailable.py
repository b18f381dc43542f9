"""The database out of reach: 503 "under maintenance, try again shortly" with Retry-After, the cause
logged; programming errors stay 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from lentera.lib.middleware import RETRY_AFTER_SECONDS, database_unavailable

HTMX = {"HX-Request": "true"}


@pytest.fixture
def database_down(db: Any) -> Iterator[None]:
    """Every new query fails as a stopped PostgreSQL or an unreadable SQLite file makes it fail
    (undone before the test database rolls the test back)."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connections["default"], "ensure_connection", refuse)
        yield


def _quiet(client: Client) -> Client:
    # The failure happens in a middleware (the session, the current library), where Django's own
    # handler answers; the test client would re-raise the exception instead of showing that answer.
    client.raise_request_exception = False
    return client


def _assert_maintenance_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<p class="display-5 fw-bold">503</p>' in page
    assert "bootstrap.min.css" in page  # styled, from the static files: no database needed
    with translation.override("id"):  # in Indonesian, the default language
        assert escape(gettext("Lentera is under maintenance")) in page
        assert escape(gettext("Try again")) in page


def test_a_normal_page_answers_503_when_the_database_is_down(
    coordinator: Any, database_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = _quiet(coordinator.client).get(reverse("curriculum:programme_list"))
    _assert_maintenance_page(response)
    assert reverse("curriculum:programme_list") in response.content.decode()  # "try again" opens the page again
    assert "HX-Refresh" not in response
    # the cause is in the log, with its traceback
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info and isinstance(record.exc_info[1], OperationalError)
    assert "Connection refused" in str(record.exc_info[1])


def test_an_htmx_request_answers_503_and_reloads_into_the_page(coordinator: Any, database_down: None) -> None:
    response = _quiet(coordinator.client).get(reverse("delivery:checkin_count", kwargs={"pk": 1}), headers=HTMX)
    _assert_maintenance_page(response)
    assert response["HX-Refresh"] == "true"  # htmx swaps no error answer: the page reloads and shows this one


def test_signing_in_answers_503_when_the_database_is_down(anon: Any, database_down: None) -> None:
    client = _quiet(anon.client)
    login = reverse("accounts:login")
    # the page itself needs no database: the form is there
    assert client.get(login).status_code == 200
    response = client.post(login, {"username": "ani", "password": "rahasia-sekali-123"})
    _assert_maintenance_page(response)
    assert 'href="/"' in response.content.decode()  # after a POST, "try again" goes to the start page


def test_a_view_that_meets_the_outage_answers_503_through_the_middleware(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Signed in and past the middleware, the dashboard's first query fails: the middleware answers,
    so nothing is re-raised even by the test client, and it logs the cause."""

    def down(**kwargs: Any) -> Any:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("lentera.views.programmes_for_user", down)
    with caplog.at_level(logging.ERROR, logger="lentera.database"):
        response = coordinator.client.get(reverse("dashboard"), headers=HTMX)
    _assert_maintenance_page(response)
    assert response["HX-Refresh"] == "true"
    [record] = [r for r in caplog.records if r.name == "lentera.database"]
    assert "503" in record.getMessage() and isinstance(record.exc_info[1], InterfaceError)  # type: ignore[index]


@pytest.mark.parametrize(
    "error",
    [
        ProgrammingError("column x does not exist"),
        IntegrityError("duplicate key"),
        OperationalError("no such table: x"),
    ],
)
def test_a_programming_error_stays_500(coordinator: Any, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def broken(**kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("lentera.views.programmes_for_user", broken)
    response = _quiet(coordinator.client).get(reverse("dashboard"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_which_errors_mean_the_database_is_out_of_reach() -> None:
    assert database_unavailable(OperationalError("could not connect to server: Connection refused"))
    assert database_unavailable(OperationalError("database is locked"))
    assert database_unavailable(OperationalError("unable to open database file"))
    assert database_unavailable(InterfaceError("connection already closed"))
    assert not database_unavailable(OperationalError("no such column: lentera_x.y"))
    assert not database_unavailable(ProgrammingError("relation does not exist"))
    assert not database_unavailable(ValueError("x"))
    assert not database_unavailable(None)
