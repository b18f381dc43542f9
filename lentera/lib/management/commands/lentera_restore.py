from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from lentera.lib.backup import BackupError, RestoreMismatch, backup_check, backup_restore
from lentera.lib.backup_manifest import migration_problems


class Command(BaseCommand):
    help = (
        "Replace the current database with a backup made by lentera_backup, then verify every table's row "
        "count and checksum against the backup's manifest. Stop the web and worker services first."
    )
    # A system check failing elsewhere (a setting, an app) must never stop a backup or a restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="the backup file, absolute or relative to the current folder (its .manifest.json beside it)"
        )
        parser.add_argument(
            "--yes", action="store_true", help="really replace the current database (without it: only check the backup)"
        )
        parser.add_argument(
            "--into",
            metavar="DATABASE",
            help=(
                "restore into this database instead of the configured one, to practise a restore while Lentera "
                "runs: another database's name on the same PostgreSQL server (it must exist), or an SQLite file"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = dict(settings.DATABASES["default"])
        if options["into"]:
            database["NAME"] = _target_name(database, options["into"])
        live = not options["into"]  # the database Lentera runs on: its services must be stopped
        # Absolute from here on: messages name the file that was read, and pg_restore gets the same path.
        path = Path(options["path"]).expanduser().absolute()
        try:
            manifest = backup_check(path=path, database=database)
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        loader = MigrationLoader(None, ignore_no_migrations=True)
        unknown, missing = migration_problems(manifest.migrations, (f"{a}.{n}" for a, n in loader.disk_migrations))
        if unknown:
            raise CommandError(
                f"Restore refused: the backup has {len(unknown)} migrations this version of Lentera does not know "
                f"(first: {unknown[0]}); restore it with Lentera {manifest.lentera_version}, which made it"
            )
        self.stdout.write(
            f"Backup {path.name}: made {manifest.created} by Lentera {manifest.lentera_version}, "
            f"{len(manifest.tables)} tables, {manifest.total_rows} rows; the file matches its manifest."
        )
        where = _describe(database)
        if not options["yes"]:
            # A dry run that found the backup good is a success (exit status 0): scripts and the guide's walk
            # rely on it. Nothing is changed without --yes.
            self.stdout.write(
                f"Dry run, nothing changed: the backup {path} can be restored. With --yes it replaces the "
                + (
                    f"current database ({where}), and everything written since {manifest.created} is lost. Stop "
                    "lentera-web and lentera-worker first."
                    if live
                    else f"contents of {where} (the database Lentera runs on is not touched)."
                )
            )
            if missing:
                self.stdout.write(
                    f"The backup predates {len(missing)} migrations of this version: after the restore run "
                    "`manage.py migrate`."
                )
            return
        if live:
            connections.close_all()
        try:
            result = backup_restore(path=path, database=database, manifest=manifest)
        except RestoreMismatch as exc:
            for line in exc.lines:
                self.stdout.write(f"  differs: {line}")
            raise CommandError(f"Verification failed: {exc}") from exc
        except BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        if result.dropped:
            self.stdout.write(
                f"Dropped {len(result.dropped)} tables the backup does not have: {', '.join(result.dropped)}"
            )
        rows = sum(summary.rows for summary in result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {where} restored; all {len(result.tables)} tables ({rows} rows) match the manifest."
            )
        )
        if missing:
            self.stdout.write(
                f"The backup predates {len(missing)} migrations of this version: run `manage.py migrate` now."
            )


def _target_name(database: Mapping[str, Any], into: str) -> str:
    if "sqlite" in str(database.get("ENGINE")):
        return str(Path(into).expanduser().absolute())
    if "/" in into or not into.strip():
        raise CommandError(f"--into takes the name of a database on the same PostgreSQL server, not {into!r}")
    return into


def _describe(database: Mapping[str, Any]) -> str:
    if "sqlite" in str(database.get("ENGINE")):
        return f"SQLite {database['NAME']}"
    host = database.get("HOST") or "local socket"
    return f"PostgreSQL database {database.get('NAME')!r} on {host}"
