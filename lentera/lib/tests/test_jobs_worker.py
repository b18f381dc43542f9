"""A real `manage.py lentera_worker` killed with SIGKILL mid-job: after a restart, the participant
import is applied exactly once and the certificate run completes with no duplicates.

The worker processes use the test database: PostgreSQL's test database itself, or, on SQLite, a
file copy of the in-memory test database, copied back for the assertions. Their settings
(lentera/lib/tests/slow_jobs.py) make the import stall once inside its transaction, after writing
every row, and the certificate run once after its first committed chunk of two: worker A is
killed in the import; worker B picks the import up at start (A's process is gone), finishes it,
and is killed in the certificate run; worker C (``--batch``) finishes the run and exits.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lentera.accounts.models import AuditEntry, User
from lentera.certificates import services as certificate_services
from lentera.certificates.models import Certificate
from lentera.certificates.tests.factories import BASE_URL, finished_cohort
from lentera.delivery import services as delivery_services
from lentera.delivery.models import Enrolment, RosterImport
from lentera.delivery.tests.factories import CohortFactory
from lentera.lib.models import WorkerHeartbeat

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.reliability]

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 40  # in the list
COMPLETED = 5  # of the cohort whose certificates are issued, in chunks of 2
WAIT = 60  # seconds any one step may take before the test gives up


class SharedDatabase:
    """The test database as another process reaches it."""

    def __init__(self, folder: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.file = folder / "jobs.sqlite3"

    @property
    def url(self) -> str:
        if self.sqlite:
            return f"sqlite:///{self.file}"
        db = connection.settings_dict
        user = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
        return f"postgresql://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def hand_over(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        if self.sqlite:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def count(self, model: Any, where: str = "") -> int:
        """Rows of ``model`` now, as the workers see them (while they run)."""
        sql = f"SELECT COUNT(*) FROM {model._meta.db_table} {where}"  # noqa: S608 - table names of our models
        if self.sqlite:
            reader = sqlite3.connect(self.file, timeout=30)
            try:
                return int(reader.execute(sql).fetchone()[0])
            finally:
                reader.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return int(cursor.fetchone()[0])


class Workers:
    def __init__(self, tmp_path: Path, database: SharedDatabase) -> None:
        self.stall = tmp_path / "stall"
        self.stall.mkdir()
        self.logs = tmp_path
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "lentera.lib.tests.slow_jobs",
                "DATABASE_URL": database.url,
                "DB_CONN_MAX_AGE": "0",
                "DEBUG": "1",
                "LENTERA_DATA_DIR": str(tmp_path / "data"),
                "MEDIA_ROOT": str(tmp_path / "media"),
                "EMAIL_FILE_PATH": str(tmp_path / "emails"),
                "LENTERA_TEST_STALL": str(self.stall),
                "WORKER_LOST_AFTER": "3",
            }
        )
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *options: str) -> subprocess.Popen[bytes]:
        args = [sys.executable, "manage.py", "lentera_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        log = (self.logs / f"worker-{name}.log").open("wb")
        process = subprocess.Popen(
            [*args, "--worker-id", f"test-{name}", *options], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        self.running.append(process)
        return process

    def kill_when_stalled(
        self, process: subprocess.Popen[bytes], stage: str, until: Callable[[], bool] = lambda: True
    ) -> None:
        """Kill the worker once it stalls in ``stage`` (and ``until()`` holds)."""
        marker = self.stall / f"{stage}.stalled"
        deadline = time.monotonic() + WAIT
        while not (marker.exists() and until()):
            assert process.poll() is None, f"the worker exited ({process.returncode}):\n{self.log_text()}"
            assert time.monotonic() < deadline, f"the worker never reached the {stage}:\n{self.log_text()}"
            time.sleep(0.05)
        assert int(marker.read_text()) == process.pid
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=WAIT) == -signal.SIGKILL  # reaped: its process id is gone

    def log_text(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs.glob("worker-*.log")
        )

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=WAIT)


def test_a_killed_worker_s_import_and_certificate_run_end_done_exactly_once(coordinator: Any, tmp_path: Path) -> None:
    # a list of 40 new people, checked and confirmed; a finished cohort whose 5 completers get certificates
    cohort = CohortFactory(programme__library=coordinator.library, capacity=100)
    lines = ["Nama,Email,NIP"] + [f"Peserta {i},peserta{i}@contoh.id," for i in range(PEOPLE)]
    upload = SimpleUploadedFile("peserta.csv", "\n".join(lines).encode())
    roster_import = delivery_services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=upload)
    delivery_services.roster_import_request_apply(actor=coordinator.user, roster_import=roster_import)
    finished = finished_cohort(coordinator.library, people=COMPLETED + 1, completed=COMPLETED)
    run = certificate_services.issue_run_start(actor=coordinator.user, cohort=finished, base_url=BASE_URL)
    apply_task = DBTaskResult.objects.get(task_path="lentera.delivery.tasks.apply_roster_import")
    run_task = DBTaskResult.objects.get(task_path="lentera.certificates.tasks.run_issue")

    database = SharedDatabase(tmp_path)
    database.hand_over()
    workers = Workers(tmp_path, database)
    try:
        # A dies inside the import's transaction, every row written but not committed
        workers.kill_when_stalled(workers.start("a"), "import")
        assert database.count(Enrolment, f"WHERE cohort_id = {cohort.pk}") == 0
        assert database.count(RosterImport, "WHERE status = 'applying'") == 1
        # B recovers the import at start (A's process is gone), imports, and dies after 2 certificates,
        # its heartbeat going on (every half second) while the run stalls
        beating = "WHERE worker_id = 'test-b' AND beat_at > started_at"
        workers.kill_when_stalled(
            workers.start("b"), "certificates", lambda: database.count(WorkerHeartbeat, beating) == 1
        )
        assert database.count(Enrolment, f"WHERE cohort_id = {cohort.pk}") == PEOPLE
        assert database.count(Certificate, f"WHERE cohort_id = {finished.pk}") == 2
        # C recovers the certificate run, finishes it and every other job, then exits (--batch)
        last = workers.start("c", "--batch")
        assert last.wait(timeout=WAIT) == 0, workers.log_text()
    finally:
        workers.stop_all()
    database.take_back()

    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.IMPORTED and not roster_import.error
    assert roster_import.summary["applied"]["new_people"] == PEOPLE
    assert Enrolment.objects.filter(cohort=cohort).count() == PEOPLE
    assert User.objects.filter(email__endswith="@contoh.id").count() == PEOPLE  # nobody made twice
    assert AuditEntry.objects.filter(action="roster.import").count() == 1

    run.refresh_from_db()
    assert (run.status, run.issued, run.progress_done, run.progress_total) == ("done", COMPLETED, COMPLETED, COMPLETED)
    holders = list(Certificate.objects.filter(cohort=finished).values_list("user_id", flat=True))
    assert len(holders) == len(set(holders)) == COMPLETED  # each completer once
    assert sorted(Certificate.objects.filter(cohort=finished).values_list("seq", flat=True)) == list(
        range(1, COMPLETED + 1)
    )

    apply_task.refresh_from_db()
    run_task.refresh_from_db()
    assert (apply_task.status, apply_task.worker_ids) == ("SUCCESSFUL", ["test-a", "test-b"])
    assert (run_task.status, run_task.worker_ids) == ("SUCCESSFUL", ["test-b", "test-c"])
    # every job ended, the new people's invitations included; only the killed workers' rows remain
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"test-a", "test-b"}
