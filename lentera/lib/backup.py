"""Database backups that can prove their restore: the dump, its manifest, table checksums, retention.

A backup is two files in one folder: the dump (``lentera-YYYYMMDD-HHMMSS.sqlite3.gz``, a gzipped copy
made with SQLite's online backup API, or ``lentera-YYYYMMDD-HHMMSS.pgdump`` from ``pg_dump
--format=custom``) and its manifest (the same name plus ``.manifest.json``). The manifest records,
from the same snapshot as the dump, every table's row count and a SHA-256 over its rows ordered by
primary key, the applied migrations, the dump's own size and SHA-256, the time and the Lentera
version. A restore checks the dump against the manifest, restores it, and recomputes the checksums.

Values are hashed as the engine stores them: SQLite's raw values (integer, real, text, blob, null);
PostgreSQL's text output of each column under fixed session settings (UTC, ISO dates). So a checksum
is stable for one engine; SQLite and PostgreSQL checksums of the same data are not comparable.

The management commands ``lentera_backup`` and ``lentera_restore`` are thin wrappers over
``backup_create`` and ``backup_restore``; errors are ``BackupError`` with a one-line message.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess  # pg_dump, pg_restore and psql, with fixed arguments and never a shell
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import django
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from lentera.lib.backup_manifest import (
    BackupError,
    Manifest,
    TableSummary,
    compare,
    postgres_migrations,
    postgres_summaries,
    sqlite_connect,
    sqlite_migrations,
    sqlite_summaries,
)

MANIFEST_SUFFIX = ".manifest.json"
SUFFIXES = {"sqlite": ".sqlite3.gz", "postgresql": ".pgdump"}
NAME_PATTERN = re.compile(r"^lentera-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?(?P<suffix>\.sqlite3\.gz|\.pgdump)$")
# Django OPTIONS keys that libpq understands, as the environment variables pg_dump and pg_restore read.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}
RESTORE_LOCK_TIMEOUT = "-c lock_timeout=60s"  # pg_restore fails instead of waiting for a running site


@dataclass
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: Manifest
    deleted: list[Path] = field(default_factory=list)


# --- Files, names and retention ---------------------------------------------------------------------


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def backup_name(engine: str, created: datetime, taken: Iterable[str] = ()) -> str:
    stamp = created.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    taken_set = set(taken)
    name, n = f"lentera-{stamp}{SUFFIXES[engine]}", 0
    while name in taken_set:
        n += 1
        name = f"lentera-{stamp}-{n}{SUFFIXES[engine]}"
    return name


def backups_in(folder: Path) -> list[Path]:
    """The backup dumps in a folder, oldest first (by the time in their names)."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            found.append(((match["stamp"], int(match["n"] or 0), path.name), path))
    return [path for _, path in sorted(found)]


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete the oldest backups (dump and manifest) beyond the newest ``keep``; returns the dumps deleted."""
    doomed = backups_in(folder)[:-keep] if keep > 0 else backups_in(folder)
    for path in doomed:
        path.unlink(missing_ok=True)
        manifest_path_for(path).unlink(missing_ok=True)
    return doomed


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _temporary(folder: Path, stem: str) -> Iterator[Path]:
    """A hidden temporary file name in ``folder`` (same file system, so a rename is atomic), removed on exit."""
    path = folder / f".{stem}.{os.getpid()}.tmp"
    try:
        yield path
    finally:
        with suppress(FileNotFoundError):
            path.unlink()


def _os_message(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def _publish(tmp: Path, final: Path) -> None:
    with tmp.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)


# --- PostgreSQL connection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PgTarget:
    """The connection details of settings.DATABASES['default'] for psycopg and for pg_dump / pg_restore."""

    dbname: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, database: Mapping[str, Any]) -> PgTarget:
        options = {k: str(v) for k, v in (database.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS}
        return cls(
            dbname=str(database.get("NAME") or ""),
            user=str(database.get("USER") or ""),
            password=str(database.get("PASSWORD") or ""),
            host=str(database.get("HOST") or ""),
            port=str(database.get("PORT") or ""),
            options=options,
        )

    def env(self, *, extra_options: str = "") -> dict[str, str]:
        """The environment for pg_dump / pg_restore: the password never goes on a command line."""
        env = dict(os.environ)
        for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")):
            if getattr(self, key):
                env[var] = getattr(self, key)
        env["PGDATABASE"] = self.dbname
        for key, value in self.options.items():
            env[LIBPQ_OPTIONS[key]] = value
        if extra_options:
            env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {extra_options}".strip()
        return env

    def connect(self) -> psycopg.Connection[Any]:
        params = {k: v for k, v in asdict(self).items() if k != "options" and v}
        try:
            return psycopg.connect(make_conninfo(**params, **self.options))
        except psycopg.Error as exc:
            reason = _first_line(str(exc))
            raise BackupError(f"cannot connect to PostgreSQL database {self.dbname!r}: {reason}") from exc


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH; install the PostgreSQL client tools (postgresql-client)")
    return found


def _run_tool(args: list[str], *, env: dict[str, str], what: str, after: str = "") -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {_os_message(exc)}") from exc
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "error" in line.lower()] or done.stderr.splitlines()
        raise BackupError(f"{what} failed: {_first_line(chr(10).join(errors))}{after}")


# --- Backup ---------------------------------------------------------------------------------------------


def engine_of(database: Mapping[str, Any]) -> str:
    vendor = str(database.get("ENGINE", "")).rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        return "sqlite"
    if vendor in {"postgresql", "postgis"}:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {database.get('ENGINE')!r}")


def lentera_version() -> str:
    try:
        return metadata.version("lentera")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup_create(*, database: Mapping[str, Any], folder: Path, keep: int | None = None) -> BackupResult:
    """Back up the database into ``folder`` (dump, then manifest; each written to a temporary name, then
    renamed), then, with ``keep``, delete the oldest backups beyond that many."""
    engine = engine_of(database)
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1 (the backup just made is always kept)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise BackupError(f"the backup folder {folder} is not writable by this user")
        created = datetime.now(UTC)
        final = folder / backup_name(engine, created, (p.name for p in folder.iterdir()))
        with _temporary(folder, final.name) as tmp:
            if engine == "sqlite":
                tables, migrations = _sqlite_dump(Path(database["NAME"]), tmp)
            else:
                tables, migrations = _postgres_dump(PgTarget.from_settings(database), tmp)
            manifest = Manifest(
                engine=engine,
                created=created.isoformat(timespec="seconds"),
                lentera_version=lentera_version(),
                django_version=django.get_version(),
                file_name=final.name,
                file_size=tmp.stat().st_size,
                file_sha256=file_sha256(tmp),
                migrations=sorted(migrations),
                tables=tables,
            )
            _publish(tmp, final)
        manifest_final = manifest_path_for(final)
        with _temporary(folder, manifest_final.name) as tmp:
            tmp.write_text(manifest.to_json())
            _publish(tmp, manifest_final)
        _fsync_dir(folder)
        deleted = prune(folder, keep=keep) if keep else []
    except OSError as exc:
        raise BackupError(f"cannot write the backup: {_os_message(exc)}") from exc
    return BackupResult(path=final, manifest_path=manifest_final, manifest=manifest, deleted=deleted)


def _sqlite_dump(db_path: Path, out: Path) -> tuple[dict[str, TableSummary], list[str]]:
    """A consistent copy through SQLite's online backup API (WAL included, safe while the site runs), its
    checksums taken from that copy, then gzipped into ``out``."""
    if not db_path.is_file():
        raise BackupError(f"the SQLite database {db_path} does not exist")
    with _temporary(out.parent, out.name + ".sqlite3") as snapshot:
        source = sqlite3.connect(db_path, timeout=30)
        copy = sqlite_connect(snapshot)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            check = copy.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupError(f"the database failed SQLite's integrity check: {check[0] if check else '?'}")
            tables, migrations = sqlite_summaries(copy), sqlite_migrations(copy)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite backup failed: {exc}") from exc
        finally:
            copy.close()
            source.close()
        with snapshot.open("rb") as raw, out.open("wb") as target:
            with gzip.GzipFile(filename="lentera.sqlite3", mode="wb", fileobj=target, mtime=0) as packed:
                shutil.copyfileobj(raw, packed, 1 << 20)
            target.flush()
            os.fsync(target.fileno())
    return tables, migrations


def _postgres_dump(target: PgTarget, out: Path) -> tuple[dict[str, TableSummary], list[str]]:
    """pg_dump and the checksums read one exported snapshot, so the manifest describes exactly the dump."""
    pg_dump = _tool("pg_dump")
    with target.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        args = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={out}"]
        _run_tool(args, env=target.env(), what="pg_dump")
        tables, migrations = postgres_summaries(conn), postgres_migrations(conn)
        conn.rollback()
    return tables, migrations


# --- Restore --------------------------------------------------------------------------------------------


def backup_check(*, path: Path, database: Mapping[str, Any]) -> Manifest:
    """The manifest of a backup whose dump is complete (size and SHA-256 as recorded) and made by this
    database engine. Changes nothing. A relative ``path`` is read from the current folder."""
    path = path.expanduser().absolute()
    if not path.is_file():
        raise BackupError(f"{path} does not exist" if not path.exists() else f"{path} is not a file")
    manifest_path = manifest_path_for(path)
    if not manifest_path.is_file():
        raise BackupError(f"the manifest {manifest_path.name} is missing beside the backup; it is needed to verify it")
    manifest = Manifest.from_json(manifest_path.read_text())
    engine = engine_of(database)
    if manifest.engine != engine:
        raise BackupError(f"this is a {manifest.engine} backup; the configured database is {engine}")
    size = path.stat().st_size
    if size != manifest.file_size or file_sha256(path) != manifest.file_sha256:
        raise BackupError(
            f"{path.name} is damaged or incomplete ({size} bytes; its manifest says {manifest.file_size} bytes "
            "and another SHA-256); nothing was changed"
        )
    return manifest


@dataclass
class RestoreResult:
    tables: dict[str, TableSummary]
    dropped: list[str] = field(default_factory=list)  # PostgreSQL: tables the backup does not have


class RestoreMismatch(BackupError):
    """The restored rows differ from the manifest; ``lines`` names the tables."""

    def __init__(self, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.lines = lines


def backup_restore(*, path: Path, database: Mapping[str, Any], manifest: Manifest) -> RestoreResult:
    """Replace the configured database with the backup, then verify every table against the manifest.
    Raises RestoreMismatch when any table differs. A relative ``path`` is read from the current folder."""
    path = path.expanduser().absolute()
    if engine_of(database) == "sqlite":
        return RestoreResult(tables=_sqlite_restore(path, Path(database["NAME"]), manifest))
    return _postgres_restore(path, PgTarget.from_settings(database), manifest)


def _sqlite_restore(path: Path, db_path: Path, manifest: Manifest) -> dict[str, TableSummary]:
    try:
        with _temporary(db_path.parent, db_path.name + ".restore") as tmp:
            try:
                with gzip.open(path, "rb") as packed, tmp.open("wb") as raw:
                    shutil.copyfileobj(packed, raw, 1 << 20)
                    raw.flush()
                    os.fsync(raw.fileno())
            except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
                raise BackupError(f"{path.name} is not a complete gzip file ({exc}); nothing was changed") from exc
            _sqlite_verified(tmp, manifest, before_swap=True)
            if db_path.exists():
                os.chmod(tmp, db_path.stat().st_mode & 0o7777)
                _sqlite_release(db_path)
            os.replace(tmp, db_path)
            _fsync_dir(db_path.parent)
    except OSError as exc:
        raise BackupError(f"restore failed: {_os_message(exc)}") from exc
    return _sqlite_verified(db_path, manifest, before_swap=False)


def _sqlite_verified(db_path: Path, manifest: Manifest, *, before_swap: bool) -> dict[str, TableSummary]:
    conn = sqlite_connect(db_path)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            problem = check[0] if check else "no answer"
            raise BackupError(f"the backup is not a sound SQLite database ({problem}); nothing was changed")
        summaries = sqlite_summaries(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the backup is not a readable SQLite database ({exc}); nothing was changed") from exc
    finally:
        conn.close()
    lines = compare(manifest.tables, summaries)
    if lines:
        when = "the current database was left unchanged" if before_swap else "the database was replaced"
        raise RestoreMismatch(f"{len(lines)} tables differ from the manifest; {when}", lines)
    return summaries


def _sqlite_release(db_path: Path) -> None:
    """Fold the -wal file into the old database (so it stands alone if we stop here), and refuse when another
    process still reads or writes it; then remove -wal and -shm, which must never meet the new file."""
    try:
        conn = sqlite3.connect(db_path, timeout=5)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the current database is in use or unreadable ({exc}); stop Lentera first") from exc
    if busy and busy[0]:
        raise BackupError("the current database is in use by another process; stop lentera-web and lentera-worker")
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def _postgres_restore(path: Path, target: PgTarget, manifest: Manifest) -> RestoreResult:
    """pg_restore --clean --if-exists --no-owner, run by psql in one transaction after dropping the tables the
    backup lacks (a later migration's, whose foreign keys would block the clean): all of it or nothing."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = target.env(extra_options=RESTORE_LOCK_TIMEOUT)
    unchanged = "; nothing was changed"
    with target.connect() as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
        dropped = [name for (name,) in tables if name not in manifest.tables]
        drops = [
            sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(str(schema[0]), name)).as_string(conn)
            for name in dropped
            if schema
        ]
        conn.rollback()
    with tempfile.TemporaryDirectory(prefix="lentera-restore-") as folder:
        script = Path(folder) / "restore.sql"
        # The whole archive becomes SQL first: a damaged or truncated archive fails here, untouched database.
        args = [pg_restore, "--clean", "--if-exists", "--no-owner", f"--file={script}", str(path)]
        _run_tool(args, env=env, what=f"reading {path.name}", after=unchanged)
        args = [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--single-transaction"]
        for drop in drops:
            args += ["--command", drop]
        args += [f"--file={script}", f"--dbname={target.dbname}"]
        _run_tool(args, env=env, what="restoring with psql", after=unchanged)
    with target.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        summaries = postgres_summaries(conn)
        conn.rollback()
    lines = compare(manifest.tables, summaries)
    if lines:
        raise RestoreMismatch(f"{len(lines)} tables differ from the manifest after the restore", lines)
    return RestoreResult(tables=summaries, dropped=dropped)
