"""The Content-Security-Policy middleware: the policy from the environment on every response, none when empty,
and a response's own stricter policy (downloads: sandbox) left alone."""

from __future__ import annotations

import importlib.util
import runpy
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from lentera.lib.security import ContentSecurityPolicyMiddleware

POLICY = "default-src 'self'; img-src 'self' https://peta.example.id; frame-ancestors 'none'"


def read_settings() -> dict[str, Any]:
    """The settings module run afresh, as a new process would read it from the current environment."""
    spec = importlib.util.find_spec("lentera.settings")
    assert spec is not None and spec.origin is not None
    return runpy.run_path(spec.origin, run_name="settings_read_afresh")


def respond(response: HttpResponse) -> HttpResponse:
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/"))


def test_the_settings_policy_is_sent(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = POLICY
    assert respond(HttpResponse("ok"))["Content-Security-Policy"] == POLICY


def test_an_empty_policy_sends_no_header(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in respond(HttpResponse("ok")).headers


def test_a_responses_own_policy_is_kept(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = POLICY
    download = HttpResponse(b"%PDF-1.7")
    download["Content-Security-Policy"] = "default-src 'none'; sandbox"
    assert respond(download)["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(("environment", "expected"), [(POLICY, POLICY), ("", "")])
def test_the_environment_variable_sets_the_policy(
    monkeypatch: pytest.MonkeyPatch, environment: str, expected: str
) -> None:
    """docs/deployment.md documents CONTENT_SECURITY_POLICY: a value replaces the default, empty switches it off."""
    monkeypatch.setenv("CONTENT_SECURITY_POLICY", environment)
    assert read_settings()["CONTENT_SECURITY_POLICY"] == expected


def test_without_the_variable_the_default_is_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTENT_SECURITY_POLICY", raising=False)
    policy = read_settings()["CONTENT_SECURITY_POLICY"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_a_page_carries_the_configured_policy(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = POLICY
    assert Client().get(reverse("accounts:login"))["Content-Security-Policy"] == POLICY
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in Client().get(reverse("accounts:login")).headers
