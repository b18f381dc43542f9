"""Settings come from the environment, fail loudly, and are production-safe with DEBUG off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from lentera import settings as lentera_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "uji-" + "k9#Xq2!vB7@pL4$mZ8&wR1^tY6*nC3%e" * 2,
    "ALLOWED_HOSTS": "lentera.example.id",
}


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    environment["LENTERA_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    result = _manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "x"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_demo_secret_key_is_made_once_and_kept(tmp_path: Path) -> None:
    for _ in range(2):
        assert _manage("check", env={"DEBUG": "1"}, tmp_path=tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(("helper", "value"), [("env_bool", "kadang"), ("env_int", "dua puluh")])
def test_bad_values_fail_loudly(monkeypatch: Any, helper: str, value: str) -> None:
    monkeypatch.setenv("LENTERA_X", value)
    with pytest.raises(ImproperlyConfigured, match="LENTERA_X"):
        getattr(lentera_settings, helper)("LENTERA_X", 1)


def test_env_helpers_read_good_values(monkeypatch: Any) -> None:
    monkeypatch.setenv("LENTERA_B", "off")
    monkeypatch.setenv("LENTERA_I", "42")
    monkeypatch.setenv("LENTERA_L", "a.id, b.id,")
    assert lentera_settings.env_bool("LENTERA_B", True) is False
    assert lentera_settings.env_int("LENTERA_I", 1) == 42
    assert lentera_settings.env_list("LENTERA_L", "") == ["a.id", "b.id"]


def test_defaults_are_indonesian_and_jakarta_time() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"


@pytest.mark.django_db
def test_security_headers_on_every_page() -> None:
    response = Client().get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(coordinator: Any) -> None:
    import re

    for name in ("dashboard", "curriculum:programme_list", "accounts:people", "accounts:library_settings"):
        html = coordinator.client.get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert " style=" not in html, name
        assert " onclick=" not in html and " onsubmit=" not in html, name


def test_embedded_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    """Without DATABASE_URL the demo database is an SQLite file in WAL mode."""
    env = {"DEBUG": "1", "DATABASE_URL": ""}
    script = (
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0], connection.settings_dict['NAME'])"
    )
    result = _manage("shell", "-c", script, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    mode, path = result.stdout.strip().splitlines()[-1].split()
    assert mode == "wal"
    assert path == str(tmp_path / "lentera.sqlite3")


def test_the_demos_emails_are_files_and_its_links_use_its_port(tmp_path: Path) -> None:
    """`make demo PORT=…` passes SITE_URL and EMAIL_FILE_PATH: emails land as files, links carry the port."""
    folder = tmp_path / "emails"
    env = {"DEBUG": "1", "EMAIL_FILE_PATH": str(folder), "SITE_URL": "http://127.0.0.1:8123/"}
    code = (
        "from django.conf import settings; from django.core.mail import send_mail;"
        "send_mail('Undangan', 'isi', None, ['a@example.id']); print(settings.SITE_URL)"
    )
    result = _manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("http://127.0.0.1:8123")
    [written] = list(folder.iterdir())
    assert "Subject: Undangan" in written.read_text()
    plan = subprocess.run(["make", "-n", "demo", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True)
    makefile = (ROOT / "Makefile").read_text()
    assert "SITE_URL ?= http://127.0.0.1:$(PORT)" in makefile and "EMAIL_FILE_PATH ?= data/emails" in makefile
    assert "runserver 127.0.0.1:8123" in plan.stdout


@pytest.mark.parametrize(
    ("given", "expected"),
    [({}, "True False"), ({"EMAIL_USE_SSL": "1", "EMAIL_PORT": "465"}, "False True")],
    ids=["587-starttls", "465-implicit-tls"],
)
def test_smtp_on_port_587_or_465(tmp_path: Path, given: dict[str, str], expected: str) -> None:
    """STARTTLS by default; EMAIL_USE_SSL=1 (port 465) turns it off, since Django refuses both."""
    env = {"DEBUG": "1", "EMAIL_HOST": "smtp.example.id", **given}
    code = "from django.conf import settings; print(settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL)"
    result = _manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
