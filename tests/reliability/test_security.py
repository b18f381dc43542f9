"""Security with production settings: headers on ordinary pages, cookie flags, and CSRF on every POST.

tests/test_settings.py already runs ``check --deploy`` with DEBUG off and checks the login page's
CSP, frame and nosniff headers; this file goes further: what the production settings are (read
in a subprocess with DEBUG off), the cookies and headers they produce, and that no URL of the
project takes a POST without a CSRF token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.test_url_matrix import _url_and_expectation, _walk

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "rel-" + "Zq8#mW2!xP5@" * 6, "ALLOWED_HOSTS": "lentera.example.id"}
COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The security settings as the production environment (DEBUG off) makes them."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(PRODUCTION, LENTERA_DATA_DIR=str(tmp_path_factory.mktemp("production")))
    script = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {COOKIE_SETTINGS!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def as_production(settings: Any, production: dict[str, Any]) -> dict[str, Any]:
    """This process's settings as in production (the security ones), so requests show their effect."""
    for name, value in production.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return production


def test_production_settings_are_strict(production: dict[str, Any]) -> None:
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True and production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax" and production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert "unsafe-inline" not in production["CONTENT_SECURITY_POLICY"]
    assert "unsafe-eval" not in production["CONTENT_SECURITY_POLICY"]


def _assert_security_headers(response: Any, where: str) -> None:
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"], (where, policy)
    assert directives["style-src"] == ["'self'"], (where, policy)
    assert directives["object-src"] == ["'none'"], (where, policy)
    assert directives["frame-ancestors"] == ["'none'"], (where, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (where, policy)


def test_security_headers_on_ordinary_pages(as_production: dict[str, Any], coordinator: Any, participant: Any) -> None:
    """Pages of several kinds, over HTTPS in production: a full page, an HTMX fragment, an error page."""
    pages = [
        (coordinator.client, reverse("dashboard"), {}),
        (coordinator.client, reverse("delivery:cohort_list"), {}),
        (coordinator.client, reverse("delivery:cohort_list"), {"HTTP_HX_REQUEST": "true"}),
        (coordinator.client, reverse("accounts:people"), {}),
        (participant.client, reverse("certificates:my_certificates"), {}),
        (participant.client, reverse("accounts:library_settings"), {}),  # 403
        (coordinator.client, "/tidak-ada-halaman-ini/", {}),  # 404
        (Client(), reverse("accounts:password_reset"), {}),
    ]
    for client, url, headers in pages:
        response = client.get(url, secure=True, **headers)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        _assert_security_headers(response, url)
        hsts = response["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, url


def test_plain_http_is_sent_to_https_in_production(as_production: dict[str, Any]) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    # behind nginx, X-Forwarded-Proto says the request came over HTTPS
    assert Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_cookie_flags_in_production(as_production: dict[str, Any], coordinator: Any) -> None:
    client = Client()
    page = client.get(reverse("accounts:login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["httponly"] is True and csrf["samesite"] == "Lax"
    coordinator.user.set_password("kata-sandi-uji-7")
    coordinator.user.save()
    done = client.post(
        reverse("accounts:login"),
        {"username": coordinator.user.username, "password": "kata-sandi-uji-7"},
        secure=True,
    )
    assert done.status_code == 302, done.content[:500]
    session = done.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    chosen = client.post(reverse("accounts:language"), {"language": "en"}, secure=True)
    language = chosen.cookies["lentera_language"]
    assert language["secure"] is True and language["samesite"] == "Lax"


def _url_for(name: str, pattern: Any, objects: dict[str, Any]) -> str:
    """The URL of a pattern with real objects of library A (the URL matrix's), method aside."""
    url, _method, _expected = _url_and_expectation(name, objects)
    return url


def _csrf_refusal(response: Any) -> bool:
    """Django's CSRF failure page (in Indonesian, or English for someone who chose it)."""
    return b"Verifikasi CSRF gagal" in response.content or b"CSRF verification failed" in response.content


# Public endpoints deliberately protected by a token instead of CSRF, each with its reason: none.
# Every URL of the project, the admin's login page included, refuses a POST without a CSRF token.
CSRF_EXEMPT: dict[str, str] = {}


def test_every_post_needs_a_csrf_token(objects: dict[str, Any], coordinator: Any, participant: Any) -> None:
    """Each URL pattern, POSTed without a token by a signed-in person and by an anonymous visitor: 403.

    The CSRF check comes before each view, so a view that accepts POST is refused as surely as one
    that does not; a view marked csrf_exempt would answer something else and fail here.
    """
    signed_in = []
    for persona in (coordinator, participant):
        client = Client(enforce_csrf_checks=True)
        client.force_login(persona.user)
        signed_in.append(client)
    clients = [*signed_in, Client(enforce_csrf_checks=True)]
    patterns = list(_walk(get_resolver().url_patterns))
    assert len(patterns) > 200
    accepted = []
    for name, pattern in patterns:
        if name in CSRF_EXEMPT:
            continue
        url = _url_for(name, pattern, objects)
        for client in clients:
            response = client.post(url, {"x": "1"})
            if response.status_code != 403 or not _csrf_refusal(response):
                accepted.append((name, url, response.status_code))
    assert not accepted, f"POSTs taken without a CSRF token: {accepted}"

    # the same POSTs with the token do get past the check (so the 403s above were the CSRF check's)
    client = signed_in[0]
    client.get(reverse("accounts:profile"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("accounts:language"), {"language": "en"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    response = client.post(
        reverse("evaluation:form_copy", kwargs={"pk": objects["feedback_form"].pk}), HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 302
    # and a 403 for another reason (a participant on a coordinator's page) does not say CSRF
    client = signed_in[1]
    client.get(reverse("accounts:profile"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("accounts:library_settings"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 403 and not _csrf_refusal(response)
