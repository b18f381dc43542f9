"""docs/deployment.md keeps up with the code: its variables, its example file, its helpers, its claims.

The guide's commands themselves are run by `make walk-guide` (.ci/walk-guide) on PostgreSQL; these
tests are the fast part, on any database.
"""

from __future__ import annotations

import ast
import functools
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deployment.md"
EXAMPLE = ROOT / "deploy" / "lentera.env.example"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def _environment_names(path: Path) -> set[str]:
    """The environment variables a module reads: env_str("X") and friends, environ.get("X"), os.getenv("X"),
    environ["X"]."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
            getter = isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
            )
            if helper or getter:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.add(key.value)
    return found


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ"
    )


def _variables_read() -> set[str]:
    names = _environment_names(ROOT / "lentera" / "settings.py")
    for path in (ROOT / "lentera").rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            names |= _environment_names(path)
    return names - {"DJANGO_SETTINGS_MODULE"}


def _guide_table() -> set[str]:
    """The variables named in the first column of the guide's environment table."""
    names = set()
    for line in GUIDE.read_text().splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first))
    return names


def _example_names() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(), flags=re.MULTILINE))


@functools.cache
def _walk_module() -> ModuleType:
    """.ci/walk-guide, imported (its file name has no .py)."""
    loader = importlib.machinery.SourceFileLoader("walk_guide", str(ROOT / ".ci" / "walk-guide"))
    spec = importlib.util.spec_from_loader("walk_guide", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["walk_guide"] = module  # its dataclasses look their module up there
    loader.exec_module(module)
    return module


# --- The variables ---------------------------------------------------------------------------------------


def test_the_parser_finds_every_way_settings_read_the_environment(tmp_path: Path) -> None:
    module = tmp_path / "settings.py"
    module.write_text(
        "import os\nfrom os import environ\n"
        'A = env_str("ONE")\nB = env_bool("TWO", True)\nC = env_int("THREE", 1)\nD = env_list("FOUR", "")\n'
        'E = os.environ.get("FIVE")\nF = environ.get("SIX", "")\nG = os.getenv("SEVEN")\nH = os.environ["EIGHT"]\n'
        'os.environ.setdefault("NOT_READ", "x")\n'
    )
    assert _environment_names(module) == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT"}


def test_every_variable_the_code_reads_is_in_the_guides_table_and_the_example_file() -> None:
    read = _variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "DB_CONN_MAX_AGE", "SITE_URL", "AXES_PROXY_COUNT", "BACKUP_DIR"} <= read

    assert sorted(read - _guide_table()) == [], "add them to the table in docs/deployment.md"
    assert sorted(read - _example_names()) == [], "add them to deploy/lentera.env.example"


def test_the_guide_and_the_example_name_no_variable_the_code_does_not_read() -> None:
    read = _variables_read()

    assert sorted(_guide_table() - read) == []
    assert sorted(_example_names() - read) == []


def test_the_guides_environment_file_is_the_example_files_filled_in_lines() -> None:
    walk = _walk_module()
    (env_block,) = [b for b in walk.blocks_of(GUIDE.read_text()) if b.mark("walk-file") == "/etc/lentera/lentera.env"]
    example = [line for line in EXAMPLE.read_text().splitlines() if line and not line.startswith("#")]

    assert env_block.text.splitlines() == example


# --- The walk's blocks --------------------------------------------------------------------------------------


def test_every_shell_block_of_the_guide_is_marked_and_the_walk_covers_the_install() -> None:
    walk = _walk_module()
    walked = walk.check_marks(walk.blocks_of(GUIDE.read_text()))  # fails on an unmarked shell block
    text = "\n".join(block.text for block in walked)

    for step in (
        "lentera-manage migrate",
        "lentera-manage collectstatic --noinput",
        "lentera-manage check --deploy",
        "lentera-manage lentera_setup",
        "/usr/local/bin/lentera-backup",
        "lentera_restore --into lentera_practice --yes",
    ):
        assert step in text, step
    assert "System check identified no issues (0 silenced)." in text  # the expected output, as printed
    not_walked = [b.text for b in walk.blocks_of(GUIDE.read_text()) if "no-walk" in b.marks]
    assert any("apt install" in t for t in not_walked) and any("systemctl" in t for t in not_walked)


def test_an_unmarked_shell_block_fails_the_walk() -> None:
    walk = _walk_module()
    blocks = walk.blocks_of("Text\n\n```sh\nrm -rf /\n```\n\n```sh walk\necho ok\n```\n")

    with pytest.raises(SystemExit):
        walk.check_marks(blocks)


# --- The helper and the dependencies ------------------------------------------------------------------------


def test_lentera_manage_reads_a_relative_path_from_the_callers_folder(tmp_path: Path) -> None:
    """The helper must not change folder: `cd /var/backups/lentera; lentera-manage lentera_restore <name>`."""
    env_file = tmp_path / "lentera.env"
    env_file.write_text(f"LENTERA_DATA_DIR={tmp_path / 'data'}\n")
    here = tmp_path / "backups"
    here.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    environment.update(LENTERA_ENV_FILE=str(env_file), LENTERA_APP=str(ROOT), LENTERA_VENV=sys.prefix)

    done = subprocess.run(
        [str(ROOT / "deploy" / "lentera-manage"), "lentera_restore", "lentera-20261202-021500.sqlite3.gz"],
        cwd=here,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert f"{here / 'lentera-20261202-021500.sqlite3.gz'} does not exist" in done.stderr


def test_lentera_manage_names_an_unreadable_environment_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.env"
    done = subprocess.run(
        [str(ROOT / "deploy" / "lentera-manage"), "check"],
        env={**os.environ, "LENTERA_ENV_FILE": str(missing)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert f"cannot read {missing}" in done.stderr


def test_the_installed_versions_are_within_the_server_extras_ranges() -> None:
    """The suite runs on the installed versions: the server extra must allow exactly those."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    server = [Requirement(line) for line in extras["server"]]
    assert "gunicorn" in {r.name for r in server}

    outside = [
        f"{r.name} {metadata.version(r.name)} (server extra: {r.specifier})"
        for r in server
        if not r.specifier.contains(metadata.version(r.name), prereleases=True)
    ]

    assert outside == [], "test the new versions, then move the ranges in pyproject.toml"


# --- A claim of the guide: a port other than 443 needs CSRF_TRUSTED_ORIGINS -----------------------------------


def _sign_in_behind_nginx(origin: str) -> int:
    """A form posted from the browser at ``origin`` through nginx, which passes Host without the port."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST="lentera.perpus.lan", HTTP_X_FORWARDED_PROTO="https")
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:login"),
        {"username": "dewi", "password": "salah", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=origin,
    )
    return response.status_code


@pytest.mark.django_db
def test_a_port_other_than_443_needs_csrf_trusted_origins(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["lentera.perpus.lan"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = []

    assert _sign_in_behind_nginx("https://lentera.perpus.lan") == 200  # port 443: the origin is the host
    assert _sign_in_behind_nginx("https://lentera.perpus.lan:8443") == 403

    settings.CSRF_TRUSTED_ORIGINS = ["https://lentera.perpus.lan:8443"]

    assert _sign_in_behind_nginx("https://lentera.perpus.lan:8443") == 200
