"""lentera_backup and lentera_restore: a backup restores to exactly the rows its manifest describes.

The round trip runs on a scratch database of the engine the suite runs on (a SQLite file in a
temporary data folder; under DATABASE_URL, a PostgreSQL database of its own, dropped afterwards),
never on pytest-django's test database: the commands replace files and need their own connections.
The commands run in a subprocess, as cron would run them. One scratch database per module.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from lentera.lib.backup import MANIFEST_SUFFIX, SUFFIXES, backup_name, backups_in, file_sha256, manifest_path_for, prune
from lentera.lib.backup_manifest import (
    Manifest,
    TableSummary,
    compare,
    migration_problems,
    normalise,
    postgres_summaries,
    sqlite_connect,
    sqlite_summaries,
    table_summary,
)

pytestmark = pytest.mark.reliability

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ENGINE = "postgresql" if POSTGRES_URL else "sqlite"

SEED = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory
from lentera.certificates.tests.factories import CertificateFactory, finished_cohort
from lentera.impact.tests.factories import MonthlyIndicatorFactory
library = LibraryFactory(name="Perpustakaan Cadangan", slug="cadangan")
for _ in range(4):
    MembershipFactory(library=library)
cohort = finished_cohort(library, people=4)
CertificateFactory(cohort=cohort)
MonthlyIndicatorFactory(library=library)
"""

# A day of work after the backup: rows deleted, changed and added (plain SQL: no Django start-up to wait for).
CHANGE = [
    "DELETE FROM impact_monthlyindicator",
    "UPDATE accounts_library SET city = 'Kota Sesudah Cadangan'",
    "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('{key}', 'x', '2030-01-01 00:00:00')",
]


@dataclass
class Scratch:
    env: dict[str, str]
    data_dir: Path
    conninfo: str  # PostgreSQL only

    def manage(
        self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            cwd=cwd or settings.BASE_DIR,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def must(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.manage(*args)
        assert done.returncode == 0, done.stderr
        return done

    def summaries(self) -> dict[str, TableSummary]:
        if ENGINE == "sqlite":
            conn = sqlite_connect(self.data_dir / "lentera.sqlite3")
            try:
                return sqlite_summaries(conn)
            finally:
                conn.close()
        with psycopg.connect(self.conninfo) as pg:
            summaries = postgres_summaries(pg)
            pg.rollback()
            return summaries

    def change_data(self) -> None:
        self.execute([statement.format(key=secrets.token_hex(8)) for statement in CHANGE])

    def add_a_later_migrations_table(self) -> None:
        """A table the backup does not know, with a foreign key into one it does (it blocks a plain clean)."""
        self.execute(
            [
                "CREATE TABLE later_feature (id integer PRIMARY KEY, user_id bigint REFERENCES accounts_user (id))",
                "INSERT INTO later_feature SELECT 1, min(id) FROM accounts_user",
            ]
        )

    def execute(self, statements: list[str]) -> None:
        if ENGINE == "sqlite":
            conn = sqlite_connect(self.data_dir / "lentera.sqlite3")
            with conn:
                for statement in statements:
                    conn.execute(statement)
            conn.close()
        else:
            with psycopg.connect(self.conninfo) as pg:
                for statement in statements:
                    pg.execute(statement)

    def differ_from(self, backup: Backup) -> dict[str, TableSummary]:
        """Make sure the database is not the backup's (a restore would then change it); its tables."""
        if self.summaries() == backup.manifest.tables:
            self.change_data()
        now = self.summaries()
        assert now != backup.manifest.tables
        return now


@dataclass
class Backup:
    path: Path
    manifest: Manifest
    stdout: str
    state: dict[str, TableSummary]  # the scratch database's tables right after the backup


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    data_dir = tmp_path_factory.mktemp("lentera-data")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BACKUP_DIR"}}
    env["LENTERA_DATA_DIR"] = str(data_dir)
    conninfo = ""
    if POSTGRES_URL:
        name = f"lentera_backup_test_{os.getpid()}"
        server = conninfo_to_dict(POSTGRES_URL)
        admin = make_conninfo(**{**server, "dbname": "postgres"})
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
            pg.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')  # a scratch database: speed
        conninfo = make_conninfo(**{**server, "dbname": name})
        env["DATABASE_URL"] = urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    box = Scratch(env=env, data_dir=data_dir, conninfo=conninfo)
    try:
        box.must("shell", "-c", SEED)  # migrate, then a library's worth of rows, in one process
        yield box
    finally:
        if POSTGRES_URL:
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backup(scratch: Scratch) -> Backup:
    done = scratch.must("lentera_backup", "--output", str(scratch.data_dir / "first"))
    (path,) = backups_in(scratch.data_dir / "first")
    manifest = Manifest.from_json(manifest_path_for(path).read_text())
    return Backup(path=path, manifest=manifest, stdout=done.stdout, state=scratch.summaries())


def _copy(backup: Backup, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy2(backup.path, folder / backup.path.name)
    shutil.copy2(manifest_path_for(backup.path), folder / manifest_path_for(backup.path).name)
    return folder / backup.path.name


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else ""


# --- Commands on a scratch database ---------------------------------------------------------------------


def test_backup_writes_the_dump_and_a_manifest_of_every_table(backup: Backup) -> None:
    manifest = backup.manifest
    assert backup.path.name.startswith("lentera-") and backup.path.name.endswith(SUFFIXES[ENGINE])
    assert f"Backup written: {backup.path} (" in backup.stdout
    assert manifest.engine == ENGINE and manifest.lentera_version == "0.1.0"
    assert manifest.file_size == backup.path.stat().st_size
    assert "accounts.0001_initial" in manifest.migrations
    assert manifest.tables == backup.state  # the whole database, as it was when it was backed up
    assert manifest.tables["accounts_membership"].rows >= 4
    assert manifest.tables["certificates_certificate"].rows == 1
    assert not [p for p in backup.path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_round_trip_restores_every_tables_rows_and_checksums(scratch: Scratch, backup: Backup) -> None:
    scratch.change_data()
    scratch.add_a_later_migrations_table()
    changed = compare(backup.manifest.tables, scratch.summaries())
    for table in ("impact_monthlyindicator", "accounts_library", "django_session"):
        assert any(line.startswith(f"{table}:") for line in changed)
    assert "later_feature: in the database but not in the backup" in changed

    done = scratch.manage("lentera_restore", str(backup.path), "--yes")

    assert done.returncode == 0, done.stderr
    assert "OK: " in done.stdout and "match the manifest" in done.stdout
    assert scratch.summaries() == backup.manifest.tables  # later_feature included: it is gone
    if ENGINE == "postgresql":
        assert "Dropped 1 tables the backup does not have: later_feature" in done.stdout


def test_a_dry_run_of_a_good_backup_succeeds_and_changes_nothing(scratch: Scratch, backup: Backup) -> None:
    before = scratch.differ_from(backup)

    done = scratch.manage("lentera_restore", str(backup.path))

    assert done.returncode == 0, done.stderr  # a good backup: scripts can rely on the exit status
    assert "the file matches its manifest" in done.stdout
    assert f"Dry run, nothing changed: the backup {backup.path} can be restored." in done.stdout
    assert "With --yes it replaces the current database" in done.stdout
    assert "OK:" not in done.stdout
    assert scratch.summaries() == before


def test_a_dry_run_of_a_damaged_backup_fails(scratch: Scratch, backup: Backup, tmp_path: Path) -> None:
    path = _copy(backup, tmp_path / "damaged")
    path.write_bytes(path.read_bytes()[:-10])

    done = scratch.manage("lentera_restore", str(path))

    assert done.returncode == 1
    assert "Dry run" not in done.stdout
    assert _last_line(done.stderr).startswith("CommandError: Restore refused: ")
    assert "damaged or incomplete" in done.stderr


def test_a_relative_path_is_read_from_the_current_folder(scratch: Scratch, backup: Backup, tmp_path: Path) -> None:
    """As an administrator types it: `cd /var/backups/lentera`, then the file name alone."""
    path = _copy(backup, tmp_path / "backups")
    before = scratch.differ_from(backup)

    dry = scratch.manage("lentera_restore", path.name, cwd=path.parent)
    assert dry.returncode == 0, dry.stderr
    assert f"the backup {path} can be restored" in dry.stdout  # named by its absolute path
    assert scratch.summaries() == before

    missing = scratch.manage("lentera_restore", path.name, cwd=tmp_path)
    assert missing.returncode == 1
    assert _last_line(missing.stderr) == f"CommandError: Restore refused: {tmp_path / path.name} does not exist"

    (tmp_path / "elsewhere").mkdir()
    done = scratch.manage("lentera_restore", f"../backups/{path.name}", "--yes", cwd=tmp_path / "elsewhere")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: " in done.stdout
    assert scratch.summaries() == backup.manifest.tables


def test_into_restores_a_practice_copy_and_leaves_the_live_database_alone(scratch: Scratch, backup: Backup) -> None:
    before = scratch.differ_from(backup)
    if ENGINE == "sqlite":
        into, practice_conninfo = str(scratch.data_dir / "practice.sqlite3"), ""
    else:
        into = f"{conninfo_to_dict(scratch.conninfo)['dbname']}_practice"
        practice_conninfo = _create_database(scratch.conninfo, into)
    try:
        dry = scratch.manage("lentera_restore", "--into", into, str(backup.path))
        assert dry.returncode == 0, dry.stderr
        assert "(the database Lentera runs on is not touched)" in dry.stdout

        done = scratch.manage("lentera_restore", "--into", into, "--yes", str(backup.path))

        assert done.returncode == 0, done.stdout + done.stderr
        assert "OK: " in done.stdout and (into if ENGINE == "sqlite" else repr(into)) in done.stdout
        assert scratch.summaries() == before  # the live database is as it was
        if ENGINE == "sqlite":
            conn = sqlite_connect(Path(into))
            try:
                assert sqlite_summaries(conn) == backup.manifest.tables
            finally:
                conn.close()
        else:
            with psycopg.connect(practice_conninfo) as pg:
                assert postgres_summaries(pg) == backup.manifest.tables
    finally:
        if ENGINE == "postgresql":
            _drop_database(scratch.conninfo, into)


def _create_database(conninfo: str, name: str) -> str:
    server = conninfo_to_dict(conninfo)
    with psycopg.connect(make_conninfo(**{**server, "dbname": "postgres"}), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    return make_conninfo(**{**server, "dbname": name})


def _drop_database(conninfo: str, name: str) -> None:
    server = conninfo_to_dict(conninfo)
    with psycopg.connect(make_conninfo(**{**server, "dbname": "postgres"}), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("damage", ["truncated", "truncated, manifest rewritten to match", "not a backup at all"])
def test_a_damaged_backup_is_refused_and_the_database_is_left_intact(
    scratch: Scratch, backup: Backup, tmp_path: Path, damage: str
) -> None:
    before = scratch.differ_from(backup)
    path = _copy(backup, tmp_path / "damaged")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage.startswith("truncated") else b"PGDMP? no: " * 5000)
    if damage != "truncated":  # the file checksum passes: the dump itself must be found wanting
        manifest = Manifest.from_json(manifest_path_for(path).read_text())
        manifest.file_size, manifest.file_sha256 = path.stat().st_size, file_sha256(path)
        manifest_path_for(path).write_text(manifest.to_json())

    done = scratch.manage("lentera_restore", str(path), "--yes")

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    message = _last_line(done.stderr)
    assert message.startswith(("CommandError: Restore refused: ", "CommandError: Restore failed: ")), done.stderr
    if damage == "truncated":
        assert "damaged or incomplete" in message
    assert "nothing was changed" in message
    assert scratch.summaries() == before


def test_rows_that_differ_from_the_manifest_are_reported(scratch: Scratch, backup: Backup, tmp_path: Path) -> None:
    path = _copy(backup, tmp_path / "tampered")
    data = json.loads(manifest_path_for(path).read_text())
    data["tables"]["accounts_user"]["sha256"] = "0" * 64
    data["tables"]["accounts_library"]["rows"] += 1
    manifest_path_for(path).write_text(json.dumps(data))

    done = scratch.manage("lentera_restore", str(path), "--yes")

    assert done.returncode != 0
    assert "differs: accounts_user: same row count" in done.stdout
    assert "differs: accounts_library: " in done.stdout
    assert "OK:" not in done.stdout
    assert _last_line(done.stderr).startswith("CommandError: Verification failed: 2 tables differ")


def test_a_backup_taken_while_rows_are_written_restores_to_its_own_manifest(scratch: Scratch, tmp_path: Path) -> None:
    """The dump and the manifest come from one snapshot even while the site writes (the online backup
    API; pg_dump with the checksums' exported snapshot)."""
    stop, writes = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            scratch.execute([CHANGE[2].format(key=secrets.token_hex(8))])
            writes.append(1)
            time.sleep(0.005)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = scratch.manage("lentera_backup", "--output", str(tmp_path))
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert len(writes) > 10
    (path,) = backups_in(tmp_path)

    restored = scratch.manage("lentera_restore", str(path), "--yes")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "OK: " in restored.stdout


def test_keep_deletes_only_the_oldest_backups_of_the_folder_from_BACKUP_DIR(scratch: Scratch, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"lentera-2025010{day}-020000{SUFFIXES[ENGINE]}" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"old")
        manifest_path_for(path).write_text("{}")
    others = [folder / "notes.txt", folder / f"lentera-latest{SUFFIXES[ENGINE]}"]
    for path in others:
        path.write_text("not a dated backup: never deleted")

    done = scratch.manage("lentera_backup", "--keep", "2", env={**scratch.env, "BACKUP_DIR": str(folder)})

    assert done.returncode == 0, done.stderr
    kept = backups_in(folder)
    assert len(kept) == 2 and kept[0] == old[2] and kept[1] not in old  # the new one, whatever today is
    assert all(not p.exists() and not manifest_path_for(p).exists() for p in old[:2])
    assert manifest_path_for(kept[1]).exists() and all(p.exists() for p in others)
    assert done.stdout.count("Deleted old backup: ") == 2


def test_an_unwritable_backup_folder_gives_one_clear_line(scratch: Scratch, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    done = scratch.manage("lentera_backup", "--output", str(blocker / "backups"))

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert _last_line(done.stderr).startswith("CommandError: Backup failed: cannot write the backup: ")


@pytest.mark.skipif(ENGINE != "postgresql", reason="pg_dump is used for PostgreSQL only")
def test_missing_pg_dump_gives_one_clear_line(scratch: Scratch, tmp_path: Path) -> None:
    done = scratch.manage("lentera_backup", "--output", str(tmp_path), env={**scratch.env, "PATH": str(tmp_path)})

    assert done.returncode != 0
    assert _last_line(done.stderr) == (
        "CommandError: Backup failed: pg_dump was not found on PATH; install the PostgreSQL client tools "
        "(postgresql-client)"
    )
    assert list(tmp_path.iterdir()) == []


# --- The pure parts ---------------------------------------------------------------------------------------


def test_values_of_different_types_never_hash_alike() -> None:
    assert len({json.dumps(normalise(v)) for v in (1, "1", 1.0, b"1", None, "None")}) == 6
    assert normalise(True) == 1 and normalise(b"\x00\xff") == {"b": "00ff"}
    assert table_summary([(1, "a"), (2, None)]) != table_summary([(1, "a"), (2, "")])
    assert table_summary([(1, "a"), (2, "b")]) != table_summary([(2, "b"), (1, "a")])  # order is part of it
    assert table_summary([]).rows == 0


def test_compare_names_each_table_that_differs() -> None:
    same, other = TableSummary(rows=2, sha256="a"), TableSummary(rows=2, sha256="b")
    lines = compare(
        {"kept": same, "changed": same, "shrunk": same, "gone": same},
        {"kept": same, "changed": other, "shrunk": TableSummary(rows=1, sha256="a"), "new": same},
    )
    assert lines == [
        "changed: same row count (2) but different contents",
        "gone: missing from the database",
        "new: in the database but not in the backup",
        "shrunk: 1 rows, the backup has 2",
    ]


def test_names_sort_by_time_and_prune_keeps_the_newest(tmp_path: Path) -> None:
    when = datetime(2026, 12, 2, 6, 0, 1, tzinfo=UTC)
    first = backup_name("sqlite", when)
    assert first == "lentera-20261202-060001.sqlite3.gz"
    second = backup_name("sqlite", when, taken=[first])
    assert second == "lentera-20261202-060001-1.sqlite3.gz"
    for name in (second, first, "lentera-20261201-235959.pgdump"):
        (tmp_path / name).write_text("")
        (tmp_path / (name + MANIFEST_SUFFIX)).write_text("")
    assert [p.name for p in backups_in(tmp_path)] == ["lentera-20261201-235959.pgdump", first, second]

    assert [p.name for p in prune(tmp_path, keep=1)] == ["lentera-20261201-235959.pgdump", first]
    assert sorted(p.name for p in tmp_path.iterdir()) == [second, second + MANIFEST_SUFFIX]


def test_migration_problems_split_unknown_from_missing() -> None:
    assert migration_problems(["a.0001", "a.0002", "x.0009"], ["a.0001", "a.0002", "a.0003"]) == (
        ["x.0009"],
        ["a.0003"],
    )
