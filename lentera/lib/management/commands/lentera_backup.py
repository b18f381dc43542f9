import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lentera.lib.backup import BackupError, backup_create, human_size


class Command(BaseCommand):
    help = (
        "Back up the database with a manifest of every table's row count and checksum: SQLite through its "
        "online backup API (safe while the site runs), gzipped; PostgreSQL with pg_dump --format=custom. "
        "Run it daily from cron with --keep 14."
    )
    # A system check failing elsewhere (a setting, an app) must never stop a backup or a restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            help="folder for the backup (default: $BACKUP_DIR, else the backups folder in the data folder)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="then delete the oldest backups in that folder, keeping the newest N (this one included)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Read at run time, not import time: cron and tests set BACKUP_DIR per run.
        folder = Path(options["output"] or os.environ.get("BACKUP_DIR") or Path(settings.DATA_DIR) / "backups")
        try:
            result = backup_create(
                database=settings.DATABASES["default"], folder=folder.expanduser().absolute(), keep=options["keep"]
            )
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        manifest = result.manifest
        self.stdout.write(
            f"Backup written: {result.path} ({human_size(manifest.file_size)}; "
            f"{len(manifest.tables)} tables, {manifest.total_rows} rows)"
        )
        self.stdout.write(f"Manifest: {result.manifest_path}")
        for path in result.deleted:
            self.stdout.write(f"Deleted old backup: {path}")
