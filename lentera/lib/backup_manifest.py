"""The manifest of a backup and the checksums it records: every table's row count and SHA-256.

Split from ``backup.py`` (which makes and restores the dumps): this part only reads tables and
compares summaries, the same for a live database, a snapshot and a restored copy.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg

# Private to Django but stable: the SQL functions Django itself adds to every SQLite connection.
from django.db.backends.sqlite3._functions import register as register_django_functions
from psycopg import sql

MANIFEST_FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line, meant for the administrator."""


@dataclass(frozen=True)
class TableSummary:
    rows: int
    sha256: str


@dataclass
class Manifest:
    engine: str
    created: str
    lentera_version: str
    django_version: str
    file_name: str
    file_size: int
    file_sha256: str
    migrations: list[str]
    tables: dict[str, TableSummary]
    format: int = MANIFEST_FORMAT
    checksum: str = "sha256 over rows ordered by primary key, one JSON array of normalised values per line"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != MANIFEST_FORMAT:
                raise BackupError(f"manifest format {data.get('format')!r} is not supported (expected 1)")
            data["tables"] = {name: TableSummary(**summary) for name, summary in data["tables"].items()}
            return cls(**data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BackupError(f"the manifest is not readable ({exc.__class__.__name__}: {exc})") from exc

    @property
    def total_rows(self) -> int:
        return sum(summary.rows for summary in self.tables.values())


# --- Checksums ------------------------------------------------------------------------------------


def normalise(value: object) -> object:
    """One value as a JSON-safe, type-tagged form: equal values hash equal, different types never do."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b": bytes(value).hex()}
    return {"s": str(value)}


def table_summary(rows: Iterable[Sequence[object]]) -> TableSummary:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(json.dumps([normalise(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode())
        digest.update(b"\n")
        count += 1
    return TableSummary(rows=count, sha256=digest.hexdigest())


def compare(expected: dict[str, TableSummary], actual: dict[str, TableSummary]) -> list[str]:
    """One line per table whose rows differ from the manifest (or that only one side has)."""
    lines = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if want == got:
            continue
        if got is None:
            lines.append(f"{name}: missing from the database")
        elif want is None:
            lines.append(f"{name}: in the database but not in the backup")
        elif want.rows != got.rows:
            lines.append(f"{name}: {got.rows} rows, the backup has {want.rows}")
        else:
            lines.append(f"{name}: same row count ({got.rows}) but different contents")
    return lines


def sqlite_connect(path: Path, *, timeout: float = 5) -> sqlite3.Connection:
    """A raw connection (no type detection) with Django's SQL functions, which Lentera's CHECK constraints call
    (``django_date_extract``): SQLite's integrity check evaluates them."""
    conn = sqlite3.connect(path, timeout=timeout)
    register_django_functions(conn)
    return conn


def _sqlite_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_summaries(conn: sqlite3.Connection) -> dict[str, TableSummary]:
    """Every table of a raw sqlite3 connection (opened without type detection: stored values as they are)."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    summaries = {}
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({_sqlite_ident(table)})").fetchall()
        columns = [_sqlite_ident(col[1]) for col in info]
        keys = [_sqlite_ident(col[1]) for col in sorted(info, key=lambda c: c[5]) if col[5] > 0] or columns
        query = f"SELECT {', '.join(columns)} FROM {_sqlite_ident(table)} ORDER BY {', '.join(keys)}"  # noqa: S608 - quoted names from the schema
        summaries[table] = table_summary(conn.execute(query))
    return summaries


def sqlite_migrations(conn: sqlite3.Connection) -> list[str]:
    try:
        return [f"{app}.{name}" for app, name in conn.execute("SELECT app, name FROM django_migrations")]
    except sqlite3.OperationalError:
        return []


PG_SESSION = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)


def postgres_summaries(conn: psycopg.Connection[Any]) -> dict[str, TableSummary]:
    """Every table of the connection's current schema, inside its (open) transaction."""
    for statement in PG_SESSION:
        conn.execute(statement)
    tables = conn.execute(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    ).fetchall()
    summaries = {}
    for oid, table in tables:
        columns = conn.execute(
            "SELECT a.attname, t.typcategory = 'S' FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            (oid,),
        ).fetchall()
        textual = dict(columns)
        keys = [
            row[0]
            for row in conn.execute(
                "SELECT a.attname FROM pg_index i "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = %s AND i.indisprimary ORDER BY k.ord",
                (oid,),
            )
        ]
        # Text keys sort byte-wise (COLLATE "C"), so the order does not depend on the server's locale.
        order = (
            [sql.SQL('{} COLLATE "C"' if textual[k] else "{}").format(sql.Identifier(k)) for k in keys]
            if keys
            else [sql.SQL('{}::text COLLATE "C"').format(sql.Identifier(name)) for name in textual]
        )
        query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(name)) for name in textual),
            sql.Identifier(table),
            sql.SQL(", ").join(order),
        )
        with conn.cursor(name="lentera_backup_checksum") as cursor:
            cursor.itersize = 2000
            cursor.execute(query)
            summaries[table] = table_summary(cursor)
    return summaries


def postgres_migrations(conn: psycopg.Connection[Any]) -> list[str]:
    exists = conn.execute("SELECT to_regclass('django_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [f"{app}.{name}" for app, name in conn.execute("SELECT app, name FROM django_migrations")]


def migration_problems(recorded: Iterable[str], known: Iterable[str]) -> tuple[list[str], list[str]]:
    """(migrations the backup has that this code does not know, migrations of this code the backup lacks)."""
    recorded_set, known_set = set(recorded), set(known)
    return sorted(recorded_set - known_set), sorted(known_set - recorded_set)
