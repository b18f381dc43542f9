"""The database out of reach: a 503 page that says "under maintenance, try again shortly", not a 500.

Two ways in, one answer (``unavailable_response``):
- ``DatabaseUnavailableMiddleware`` turns a connection failure raised by a view (or its decorators)
  into the 503 page and logs the cause;
- ``lentera.views.error_500`` does the same for one raised outside a view (the session or the
  current library read by a middleware); Django's request logger records the cause there.

Only connection failures count (``OperationalError``, ``InterfaceError``): a programming error
(``ProgrammingError``, ``IntegrityError``, SQLite's "no such table") stays a 500, to be fixed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("lentera.database")

# Seconds a browser or a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
# SQLite reports some programming errors as OperationalError: those are not an outage.
SQLITE_PROGRAMMING_ERRORS = ("no such table", "no such column", "no such function", "has no column named", "syntax")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an exception means the database cannot be reached (or is too busy) right now."""
    if isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError):
        message = str(error).lower()
        return not any(part in message for part in SQLITE_PROGRAMMING_ERRORS)
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The maintenance page, status 503 with Retry-After. Rendered without the request: no context
    processor, no session, nothing that reads the database."""
    retry = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
    if not url_has_allowed_host_and_scheme(retry, allowed_hosts=None):
        retry = "/"
    html = loader.get_template("503.html").render({"retry_url": retry})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    if request.headers.get("HX-Request") == "true":
        # htmx does not swap an error answer into the page: reload it, so the person sees this page
        response["HX-Refresh"] = "true"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.error(
            "Database unavailable, answered 503: %s %s",
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return unavailable_response(request)
