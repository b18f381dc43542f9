"""Per-client rate limits for the pages anyone can open without signing in.

A page that looks something up for a stranger (a certificate by its number, a one-time link's
token, a calendar feed, an email address for a password reset, a username at the login) counts
each request of a client address in a fixed window; past the scope's limit it answers 429 with
``Retry-After`` and an Indonesian page (``templates/429.html``) until the window ends.

Use it on a view::

    @rate_limited("certificate-check")
    def verify(request): ...

or, inside a view that must count only some requests, call ``limit_exceeded`` and return its
answer when there is one::

    if refused := limit_exceeded(request, "sign-in-code"):
        return refused

Scopes and their limits are in ``RATES`` below; ``settings.RATE_LIMITS`` can change any of them
({"scope": (requests, seconds)}).

Why ~100 lines of our own and not django-ratelimit: django-ratelimit needs a cache with atomic
increments (Redis or Memcached) and says Django's database cache is not one; Lentera runs on one
server with no extra service to install. The counters live in Django's database cache
(``settings.CACHES["shared"]``, a table made by ``migrate``), so every gunicorn worker sees the
same counts. The increment is read-then-write inside one transaction: on SQLite (BEGIN IMMEDIATE)
that is exact; on PostgreSQL two requests of one client racing in the same instant can be counted
once, so a client running N requests in parallel gets at most about N times the limit, never an
unlimited number.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

SHARED_CACHE = "shared"
# The bucket of requests without a readable address (a string to compare with, not a bind address).
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104


class Rate(NamedTuple):
    requests: int
    seconds: int


# Per client address (an IPv6 client by its /64 network, which it can rotate within freely).
# High enough that a library's whole building behind one address never meets them in normal use.
RATES: dict[str, Rate] = {
    # the public certificate check, by number, by the QR code's token or with a typed name
    "certificate-check": Rate(30, 600),
    # posting the login form (each post looks a username up)
    "login": Rate(60, 600),
    # asking for a password-reset email, per client; per email address see "password-reset-email"
    "password-reset": Rate(10, 3600),
    "password-reset-email": Rate(3, 3600),
    # opening an emailed link that carries a token (password reset, invitation)
    "emailed-link": Rate(30, 600),
    # a supervisor's follow-up form by its emailed link (each opening and each answer)
    "supervisor-link": Rate(60, 600),
    # a calendar app reading its private feed (a building of phones polling every 15 minutes)
    "calendar-feed": Rate(120, 600),
    # typing a one-time sign-in code from the printed sheet
    "sign-in-code": Rate(20, 600),
    # the first-run setup page of a fresh Lentera (each post checks the setup token)
    "first-run-setup": Rate(10, 600),
}


def rate_for(scope: str) -> Rate:
    override = getattr(settings, "RATE_LIMITS", {}).get(scope)
    return Rate(*override) if override else RATES[scope]


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry
    of X-Forwarded-For that the outermost of them added (counted from the right, so whatever the
    client itself wrote at the left of the header is never believed).

    django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so the login lockout and the rate limits
    see the same address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= proxies:
            remote = chain[-proxies]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return UNKNOWN_ADDRESS


def client_key(request: HttpRequest) -> str:
    """The rate-limit bucket of a request: its address, or an IPv6 client's /64 network."""
    address = ipaddress.ip_address(client_address(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def hit(scope: str, key: str) -> int:
    """Count one request of ``key`` in ``scope``. 0 when it is within the limit, else the seconds
    until the window ends (for Retry-After)."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.seconds)
    seconds_left = max(1, math.ceil((window + 1) * rate.seconds - now))
    # Keyed by a keyed hash: the cache table holds no address or email address (least data).
    digest = salted_hmac("lentera.ratelimit", f"{scope}\n{key}", algorithm="sha256").hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    cache = caches[SHARED_CACHE]
    with transaction.atomic():  # read and write as one (exact on SQLite, see the module's docstring)
        count = (cache.get(cache_key) or 0) + 1
        cache.set(cache_key, count, timeout=seconds_left + 1)  # not incr(): it would reset the expiry
    return seconds_left if count > rate.requests else 0


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page, with Retry-After and the wait in minutes."""
    response = render(request, "429.html", {"minutes": max(1, math.ceil(retry_after / 60))}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_exceeded(request: HttpRequest, scope: str, *, key: str | None = None) -> HttpResponse | None:
    """Count this request; the 429 answer when the client (or ``key``) is over the scope's limit."""
    retry_after = hit(scope, key if key is not None else client_key(request))
    return too_many_requests(request, retry_after) if retry_after else None


View = TypeVar("View", bound=Callable[..., Any])


def rate_limited(scope: str, *, methods: tuple[str, ...] | None = None) -> Callable[[View], View]:
    """Limit a view per client address; only requests with one of ``methods`` count when given."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if methods is None or request.method in methods:
                refused = limit_exceeded(request, scope)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
