"""Every SQLite database runs the same way, whether it is the default one or named by DATABASE_URL:
WAL, a busy timeout, secure_delete and IMMEDIATE transactions, read back from a real connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from lentera.settings import SQLITE_OPTIONS, database_settings


@pytest.fixture
def open_connection(django_db_blocker: Any) -> Iterator[Any]:
    """Open a connection of its own from a DATABASES dict (not the test database)."""
    opened: list[Any] = []

    def open_(databases: dict[str, dict[str, Any]]) -> Any:
        wrapper = ConnectionHandler(databases)["default"]
        opened.append(wrapper)
        wrapper.ensure_connection()
        return wrapper

    with django_db_blocker.unblock():
        yield open_
        for wrapper in opened:
            wrapper.close()


def _pragma(wrapper: Any, name: str) -> Any:
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def _configurations(tmp_path: Path) -> dict[str, tuple[dict[str, dict[str, Any]], Path]]:
    named = tmp_path / "named" / "lentera.sqlite3"
    named.parent.mkdir()
    return {
        "default": (database_settings({}, tmp_path / "data"), tmp_path / "data" / "lentera.sqlite3"),
        "DATABASE_URL": (database_settings({"DATABASE_URL": f"sqlite:///{named}"}, tmp_path / "unused"), named),
    }


@pytest.mark.parametrize("which", ["default", "DATABASE_URL"])
def test_every_sqlite_database_gets_the_same_pragmas(which: str, tmp_path: Path, open_connection: Any) -> None:
    databases, path = _configurations(tmp_path)[which]
    assert databases["default"]["NAME"] == str(path)
    wrapper = open_connection(databases)
    assert _pragma(wrapper, "journal_mode") == "wal"
    assert _pragma(wrapper, "busy_timeout") == 5000
    assert _pragma(wrapper, "secure_delete") == 1
    assert _pragma(wrapper, "synchronous") == 1  # NORMAL
    assert wrapper.transaction_mode == "IMMEDIATE"


@pytest.mark.parametrize("which", ["default", "DATABASE_URL"])
def test_a_transaction_takes_the_write_lock_when_it_begins(which: str, tmp_path: Path, open_connection: Any) -> None:
    """IMMEDIATE, seen from outside: inside an atomic block that has not written yet, another writer
    is already refused (with a deferred BEGIN it would get the lock)."""
    databases, path = _configurations(tmp_path)[which]
    wrapper = open_connection(databases)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    # what transaction.atomic does on entering its outermost block (BEGIN <transaction_mode>)
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        wrapper.rollback()
        wrapper.set_autocommit(True)
    other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
    other.execute("ROLLBACK")
    other.close()


def test_options_in_the_url_win_and_other_engines_are_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}?transaction_mode=EXCLUSIVE"
    options = database_settings({"DATABASE_URL": url}, tmp_path)["default"]["OPTIONS"]
    assert options["transaction_mode"] == "EXCLUSIVE"
    assert options["init_command"] == SQLITE_OPTIONS["init_command"]
    postgres = database_settings({"DATABASE_URL": "postgres://u:p@db.example.id:5432/lentera"}, tmp_path)["default"]
    assert "init_command" not in postgres.get("OPTIONS", {})
    assert postgres["CONN_MAX_AGE"] == 60
