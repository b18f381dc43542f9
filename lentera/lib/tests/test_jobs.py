"""Background jobs after a crashed worker (lentera/lib/jobs.py): a lost job is found, retried when
that is safe and within its attempts, or given up with a reason on its page, which offers a retry.

The worker's death is staged here: a task claimed by a worker whose heartbeat is old or whose
process is gone; a job "killed" midway raises SystemExit where the process would have died (the
transaction it was in rolls back, as a killed process's does). test_jobs_worker.py kills a real one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from lentera.accounts.models import AuditEntry, User
from lentera.certificates import services as certificate_services
from lentera.certificates.models import Certificate, IssueRun
from lentera.certificates.tasks import run_issue
from lentera.certificates.tests.factories import BASE_URL, finished_cohort
from lentera.delivery import services as delivery_services
from lentera.delivery.models import Cohort, Enrolment, RosterImport
from lentera.delivery.services import roster as roster_services
from lentera.delivery.tasks import apply_roster_import, check_roster_import
from lentera.delivery.tests.factories import CohortFactory
from lentera.lib import jobs
from lentera.lib.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

DEAD, ALIVE = "worker-dead", "worker-alive"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@task()
def plain_task() -> None:
    """A task made without @job: nothing says it is safe to run again."""


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for) on this machine."""
    ended = subprocess.Popen(["true"])  # noqa: S603, S607
    ended.wait()
    return ended.pid


@pytest.fixture
def local_worker() -> Iterator[subprocess.Popen[bytes]]:
    """A process of this machine that looks like a worker to /proc (python stays itself: no exec
    hides its arguments)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "manage.py", "lentera_worker"])
    command = Path(f"/proc/{process.pid}/cmdline")
    for _wait in range(300):  # the new process's arguments show once it has started
        if b"lentera_worker" in command.read_bytes():
            break
        time.sleep(0.01)
    yield process
    process.kill()
    process.wait()


def beat(worker_id: str, *, age: timedelta = timedelta(0), pid: int | None = None, host: str = jobs.HOSTNAME) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": host, "pid": pid or 1, "started_at": now - age, "beat_at": now - age},
    )


def claimed(result: Any, *workers: str) -> DBTaskResult:
    """The task's database row, claimed by each of ``workers`` in turn (one attempt each)."""
    row = DBTaskResult.objects.get(pk=result.id)
    for worker in workers:
        row.claim(worker)
    return row


def csv_list(rows: int) -> SimpleUploadedFile:
    lines = ["Nama,Email,NIP"] + [f"Peserta {i},peserta{i}@contoh.id," for i in range(rows)]
    return SimpleUploadedFile("peserta.csv", "\n".join(lines).encode())


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library, capacity=100)


@pytest.fixture
def applying(coordinator: Any, cohort: Cohort) -> RosterImport:
    """A checked list of 6 new people the coordinator confirmed: waiting for the worker to import it."""
    roster_import = delivery_services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=csv_list(6))
    RosterImport.objects.filter(pk=roster_import.pk).update(status=RosterImport.Status.APPLYING)
    return roster_import


def status(result: Any) -> str:
    return str(DBTaskResult.objects.get(pk=result.id).status)


class TestDetection:
    def test_a_job_whose_worker_stopped_beating_is_lost_once_the_timeout_passes(
        self, cohort: Cohort, settings: Any
    ) -> None:
        settings.WORKER_LOST_AFTER = 60
        result = check_roster_import.enqueue(1)
        claimed(result, DEAD)
        beat(DEAD, age=timedelta(seconds=50), host="another-machine")
        assert jobs.recover_lost() == []
        assert status(result) == "RUNNING"
        assert jobs.recover_lost(now=timezone.now() + timedelta(seconds=11)) == [
            jobs.Recovery(result.id, check_roster_import.module_path, retried=True, attempts=1)
        ]
        assert status(result) == "READY"

    def test_a_worker_whose_process_is_gone_from_this_machine_is_lost_at_once(self) -> None:
        result = check_roster_import.enqueue(1)
        claimed(result, DEAD)
        beat(DEAD, pid=dead_pid())  # it beat just now: only its process says it died
        assert [r.retried for r in jobs.recover_lost()] == [True]

    def test_a_living_worker_keeps_its_job_and_its_own_jobs_are_never_taken(self) -> None:
        import os

        mine, other = check_roster_import.enqueue(1), check_roster_import.enqueue(2)
        claimed(mine, ALIVE)
        claimed(other, "worker-busy")
        beat(ALIVE, age=timedelta(hours=1), pid=os.getpid())
        beat("worker-busy", pid=os.getpid())
        assert jobs.recover_lost(exclude={ALIVE}) == []
        assert (status(mine), status(other)) == ("RUNNING", "RUNNING")

    def test_a_running_worker_of_this_machine_keeps_its_job_though_its_heartbeat_is_late(
        self, local_worker: subprocess.Popen[bytes]
    ) -> None:
        """A long SQLite write transaction holds the heartbeat back; the worker's process says it lives."""
        result = check_roster_import.enqueue(1)
        claimed(result, ALIVE)
        beat(ALIVE, age=timedelta(minutes=10), pid=local_worker.pid)
        assert jobs.recover_lost() == []
        assert jobs.workers_running()  # nor does a page say that no worker runs
        local_worker.kill()
        local_worker.wait()
        assert len(jobs.recover_lost()) == 1  # once it is gone, the job is lost
        assert not jobs.workers_running()

    def test_a_process_id_taken_by_another_program_leaves_it_to_the_heartbeat(self) -> None:
        import os

        result = check_roster_import.enqueue(1)
        claimed(result, DEAD)
        beat(DEAD, age=timedelta(seconds=30), pid=os.getpid())  # this test process: not a worker
        assert jobs.recover_lost() == []
        assert len(jobs.recover_lost(now=timezone.now() + jobs.lost_after())) == 1

    def test_a_worker_without_heartbeat_is_taken_for_lost_only_after_a_long_time(self) -> None:
        result = check_roster_import.enqueue(1)
        claimed(result, "plain-db-worker")  # `manage.py db_worker` writes no heartbeat
        assert jobs.recover_lost(now=timezone.now() + timedelta(minutes=29)) == []
        assert len(jobs.recover_lost(now=timezone.now() + jobs.UNTRACKED_LOST_AFTER + timedelta(minutes=1))) == 1

    def test_a_page_knows_whether_any_worker_is_running(self, settings: Any) -> None:
        settings.WORKER_LOST_AFTER = 60
        assert not jobs.workers_running()
        beat(ALIVE, age=timedelta(seconds=70))
        assert not jobs.workers_running()
        jobs.heartbeat(ALIVE)
        assert jobs.workers_running()
        jobs.heartbeat_stop(ALIVE)
        assert not WorkerHeartbeat.objects.exists()

    def test_the_heartbeat_records_this_process_and_old_rows_are_cleared(self) -> None:
        import os

        jobs.Heartbeat("worker-new").beat()
        row = WorkerHeartbeat.objects.get(worker_id="worker-new")
        assert (row.hostname, row.pid) == (jobs.HOSTNAME, os.getpid())
        beat("worker-gone-for-days", age=timedelta(days=2))
        jobs.recover_lost()
        assert not WorkerHeartbeat.objects.filter(worker_id="worker-gone-for-days").exists()


class TestAttempts:
    def test_a_retried_job_is_given_up_after_its_attempts(self) -> None:
        result = check_roster_import.enqueue(1)
        row = claimed(result, DEAD, DEAD + "2", DEAD + "3")
        beat(DEAD + "3", pid=dead_pid())
        [recovery] = jobs.recover_lost()
        assert (recovery.retried, recovery.attempts) == (False, 3)
        row.refresh_from_db()
        assert row.status == "FAILED" and row.exception_class_path == "lentera.lib.jobs.WorkerLost"
        assert "after 3 of 3 attempts" in row.traceback
        assert row.task_result.errors[0].exception_class is jobs.WorkerLost

    def test_a_job_not_declared_safe_to_retry_is_failed_at_once(self) -> None:
        result = plain_task.enqueue()
        claimed(result, DEAD)
        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [False]
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "FAILED" and "not safe to retry" in row.traceback

    def test_every_job_of_the_product_declares_it_is_safe_to_retry(self) -> None:
        from lentera.accounts.password_reset import send_password_reset
        from lentera.accounts.tasks import send_invitations
        from lentera.evaluation.tasks import send_feedback_reminder, send_follow_up_notice, send_supervisor_invitation

        for job in (
            apply_roster_import,
            check_roster_import,
            run_issue,
            send_invitations,
            send_password_reset,
            send_follow_up_notice,
            send_supervisor_invitation,
            send_feedback_reminder,
        ):
            policy = jobs.policy_for(job.module_path)
            assert policy.retry and policy.attempts == jobs.DEFAULT_ATTEMPTS, job.module_path

    def test_an_email_job_lost_with_its_worker_is_sent_again(self, coordinator: Any, mailoutbox: Any) -> None:
        from lentera.accounts.password_reset import send_password_reset

        result = send_password_reset.enqueue(coordinator.user.email, "https://lentera.example")
        row = claimed(result, DEAD)
        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [True]
        row.refresh_from_db()
        assert row.status == "READY" and row.worker_ids == [DEAD]  # the attempts so far are kept
        assert row.task.call(*row.args_kwargs["args"]) == 1
        assert mailoutbox[0].to == [coordinator.user.email]

    def test_a_worker_stopped_inside_a_job_puts_the_job_back(self, applying: RosterImport) -> None:
        """A second Ctrl+C (or SIGTERM) raises SystemExit in the job; db_worker records it as failed."""
        from django_tasks.signals import task_finished
        from django_tasks_db.backend import DatabaseBackend

        result = apply_roster_import.enqueue(applying.pk, None, "")
        row = claimed(result, ALIVE)
        row.set_failed(SystemExit(1))
        task_finished.send(sender=DatabaseBackend, task_result=row.task_result)
        row.refresh_from_db()
        assert row.status == "READY" and not row.traceback

    def test_a_failed_job_that_was_not_interrupted_stays_failed(self, applying: RosterImport) -> None:
        from django_tasks.signals import task_finished
        from django_tasks_db.backend import DatabaseBackend

        result = apply_roster_import.enqueue(applying.pk, None, "")
        row = claimed(result, ALIVE)
        row.set_failed(RuntimeError("disk full"))
        task_finished.send(sender=DatabaseBackend, task_result=row.task_result)
        assert status(result) == "FAILED"


def die_inside(monkeypatch: Any, module: Any, name: str, *, after: bool = False, times: int = 1) -> None:
    """``module.name`` raises SystemExit (the process dies there) on its first ``times`` calls,
    before it runs or, with ``after``, once it has returned."""
    original = getattr(module, name)
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        value = original(*args, **kwargs) if after else None
        if calls["n"] <= times:
            raise SystemExit("killed")
        return value if after else original(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)


class TestImport:
    def test_an_import_lost_with_its_worker_is_imported_once_on_the_retry(
        self, coordinator: Any, applying: RosterImport, cohort: Cohort, monkeypatch: Any
    ) -> None:
        result = apply_roster_import.enqueue(applying.pk, coordinator.user.pk, "")
        row = claimed(result, DEAD)
        # the worker dies after writing everything, before the commit: the transaction rolls back
        die_inside(monkeypatch, roster_services, "audit_record")
        with pytest.raises(SystemExit):
            row.task.call(*row.args_kwargs["args"])
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.APPLYING and not Enrolment.objects.exists()
        assert not User.objects.filter(email__endswith="@contoh.id").exists()

        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [True]
        row.refresh_from_db()
        row.claim("worker-next")
        row.task.call(*row.args_kwargs["args"])
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.IMPORTED and not applying.error
        assert Enrolment.objects.filter(cohort=cohort).count() == 6
        assert User.objects.filter(email__endswith="@contoh.id").count() == 6
        assert AuditEntry.objects.filter(action="roster.import").count() == 1

    def test_a_retried_import_that_had_finished_changes_nothing(
        self, coordinator: Any, applying: RosterImport, cohort: Cohort
    ) -> None:
        """A worker taken for dead that had in fact committed: the retry finds the list imported."""
        apply_roster_import.call(applying.pk, coordinator.user.pk, "")
        apply_roster_import.call(applying.pk, coordinator.user.pk, "")
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.IMPORTED and not applying.error
        assert Enrolment.objects.filter(cohort=cohort).count() == 6

    def test_an_import_given_up_goes_back_to_the_decision_with_the_reason(
        self, coordinator: Any, applying: RosterImport, cohort: Cohort, django_capture_on_commit_callbacks: Any
    ) -> None:
        result = apply_roster_import.enqueue(applying.pk, coordinator.user.pk, "")
        claimed(result, "w1", "w2", DEAD)
        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [False]
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.PREVIEW
        assert "background worker stopped" in applying.error and "nothing was saved" in applying.error
        page = coordinator.client.get(applying.get_absolute_url()).content.decode()
        assert applying.error in page
        confirm = reverse("delivery:roster_import_confirm", args=[applying.pk])
        assert f'action="{confirm}"' in page  # the import button: the retry
        with django_capture_on_commit_callbacks(execute=True):
            coordinator.client.post(confirm)
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.IMPORTED and not applying.error
        assert Enrolment.objects.filter(cohort=cohort).count() == 6

    def test_an_import_that_fails_goes_back_to_the_decision(
        self, coordinator: Any, applying: RosterImport, monkeypatch: Any
    ) -> None:
        def fail(**kwargs: Any) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(roster_services, "audit_record", fail)
        with pytest.raises(RuntimeError):
            apply_roster_import.call(applying.pk, coordinator.user.pk, "")
        applying.refresh_from_db()
        assert applying.status == RosterImport.Status.PREVIEW
        assert applying.error.startswith("The import stopped and nothing was saved.")

    def test_checking_given_up_fails_the_list_and_offers_a_new_upload(
        self, coordinator: Any, cohort: Cohort, django_capture_on_commit_callbacks: Any
    ) -> None:
        roster_import = delivery_services.roster_import_start(actor=coordinator.user, cohort=cohort, upload=csv_list(3))
        stored = roster_import.upload.name
        storage = RosterImport._meta.get_field("upload").storage
        assert storage.exists(stored)
        result = check_roster_import.enqueue(roster_import.pk)
        claimed(result, "w1", "w2", DEAD)
        beat(DEAD, age=timedelta(hours=1))
        assert [r.retried for r in jobs.recover_lost()] == [False]
        roster_import.refresh_from_db()
        assert roster_import.status == RosterImport.Status.FAILED and "Upload the file again" in roster_import.error
        assert not storage.exists(stored)  # the list is not kept once it will not be read
        page = coordinator.client.get(roster_import.get_absolute_url()).content.decode()
        assert roster_import.error in page
        assert f'href="{reverse("delivery:roster_import_upload", args=[cohort.pk])}"' in page

    def test_checking_lost_once_is_checked_again(self, coordinator: Any, cohort: Cohort) -> None:
        roster_import = delivery_services.roster_import_start(actor=coordinator.user, cohort=cohort, upload=csv_list(3))
        result = check_roster_import.enqueue(roster_import.pk)
        row = claimed(result, DEAD)
        beat(DEAD, pid=dead_pid())
        jobs.recover_lost()
        row.refresh_from_db()
        row.claim("worker-next")
        row.task.call(*row.args_kwargs["args"])
        roster_import.refresh_from_db()
        assert roster_import.status == RosterImport.Status.PREVIEW and roster_import.summary["new"] == 3

    def test_checking_that_raises_fails_the_list_with_the_reason(
        self, coordinator: Any, cohort: Cohort, monkeypatch: Any
    ) -> None:
        roster_import = delivery_services.roster_import_start(actor=coordinator.user, cohort=cohort, upload=csv_list(3))

        def broken(**kwargs: Any) -> None:
            raise MemoryError

        monkeypatch.setattr(delivery_services, "roster_import_check", broken)
        with pytest.raises(MemoryError):
            check_roster_import.call(roster_import.pk)
        roster_import.refresh_from_db()
        assert roster_import.status == RosterImport.Status.FAILED
        assert roster_import.error.startswith("The list could not be checked because of an unexpected problem.")

    def test_the_page_says_when_no_worker_runs(self, coordinator: Any, applying: RosterImport) -> None:
        url = applying.get_absolute_url()
        waiting = 'class="small text-danger mt-2 mb-0 worker-down"'
        assert waiting in coordinator.client.get(url).content.decode()
        assert waiting in coordinator.client.get(url, headers={"HX-Request": "true"}).content.decode()
        jobs.heartbeat(ALIVE)
        page = coordinator.client.get(url).content.decode()
        assert waiting not in page and 'id="import-progress"' in page


class TestCertificates:
    @pytest.fixture
    def run(self, coordinator: Any, monkeypatch: Any) -> IssueRun:
        monkeypatch.setattr(certificate_services, "CHUNK", 2)
        cohort = finished_cohort(coordinator.library, people=6, completed=5)
        return certificate_services.issue_run_start(actor=coordinator.user, cohort=cohort, base_url=BASE_URL)

    def test_a_run_lost_midway_goes_on_where_it_stopped(self, run: IssueRun, monkeypatch: Any) -> None:
        result = run_issue.enqueue(run.pk)
        row = claimed(result, DEAD)
        # the worker dies once the first chunk of 2 certificates is committed
        die_inside(monkeypatch, certificate_services, "_issue_chunk", after=True)
        with pytest.raises(SystemExit):
            row.task.call(run.pk)
        run.refresh_from_db()
        assert (run.status, run.issued) == (IssueRun.Status.RUNNING, 2)
        assert Certificate.objects.filter(cohort=run.cohort).count() == 2

        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [True]
        row.refresh_from_db()
        row.claim("worker-next")
        row.task.call(run.pk)
        run.refresh_from_db()
        assert (run.status, run.issued, run.progress_done, run.progress_total) == (IssueRun.Status.DONE, 5, 5, 5)
        holders = list(Certificate.objects.filter(cohort=run.cohort).values_list("user_id", flat=True))
        assert len(holders) == len(set(holders)) == 5  # each person once
        seqs = sorted(Certificate.objects.filter(cohort=run.cohort).values_list("seq", flat=True))
        assert seqs == [1, 2, 3, 4, 5]  # the numbers go on from where the first attempt stopped

    def test_a_run_given_up_says_why_and_can_be_started_again(
        self, coordinator: Any, run: IssueRun, django_capture_on_commit_callbacks: Any, worker: None
    ) -> None:
        # the database row itself: the `worker` fixture runs what the retry button starts at once
        row = DBTaskResult.objects.create(
            args_kwargs={"args": [run.pk], "kwargs": {}},
            task_path=run_issue.module_path,
            backend_name="default",
            status="RUNNING",
            started_at=timezone.now(),
            worker_ids=["w1", "w2", DEAD],
        )
        beat(DEAD, pid=dead_pid())
        assert [r.retried for r in jobs.recover_lost()] == [False]
        row.refresh_from_db()
        assert row.status == "FAILED"
        run.refresh_from_db()
        assert run.status == IssueRun.Status.FAILED and run.finished_at is not None
        assert "background worker stopped" in run.error and "start again" in run.error
        page = coordinator.client.get(run.get_absolute_url()).content.decode()
        assert run.error in page
        start = reverse("certificates:cohort_issue", args=[run.cohort.pk])
        assert f'action="{start}"' in page
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(start)
        again = IssueRun.objects.exclude(pk=run.pk).get()
        assert response["Location"] == again.get_absolute_url()
        assert (again.status, again.issued) == (IssueRun.Status.DONE, 5)

    def test_the_pages_say_when_no_worker_runs(self, coordinator: Any, run: IssueRun) -> None:
        waiting = 'class="small text-danger mt-2 mb-0 worker-down"'
        assert waiting in coordinator.client.get(run.get_absolute_url()).content.decode()
        cohort_page = reverse("certificates:cohort", args=[run.cohort.pk])
        assert waiting in coordinator.client.get(cohort_page).content.decode()
        jobs.heartbeat(ALIVE)
        assert waiting not in coordinator.client.get(run.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_command_recovers_at_start_then_runs_the_job(coordinator: Any, cohort: Cohort) -> None:
    """`manage.py lentera_worker --batch` in this process: the dead worker's import is done once."""
    roster_import = delivery_services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=csv_list(4))
    RosterImport.objects.filter(pk=roster_import.pk).update(status=RosterImport.Status.APPLYING)
    result = apply_roster_import.enqueue(roster_import.pk, coordinator.user.pk, "")
    claimed(result, DEAD)
    beat(DEAD, pid=dead_pid())
    call_command("lentera_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w-next", verbosity=0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.worker_ids == [DEAD, "w-next"]
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.IMPORTED
    assert Enrolment.objects.filter(cohort=cohort).count() == 4
    assert not WorkerHeartbeat.objects.filter(worker_id="w-next").exists()  # a clean stop removes its row


def test_the_admin_lists_the_workers_to_look_at_only(client: Any, coordinator: Any) -> None:
    jobs.heartbeat("worker-in-admin")
    url = reverse("admin:lentera_lib_workerheartbeat_changelist")
    assert coordinator.client.get(url).status_code == 302  # not staff: the admin login
    client.force_login(User.objects.create_superuser("root", "root@contoh.id", "x"))
    page = client.get(url)
    assert page.status_code == 200 and "worker-in-admin" in page.content.decode()
    row = WorkerHeartbeat.objects.get()
    assert client.get(reverse("admin:lentera_lib_workerheartbeat_add")).status_code == 403
    assert (
        client.post(reverse("admin:lentera_lib_workerheartbeat_change", args=[row.pk]), {"pid": 1}).status_code == 403
    )
    assert WorkerHeartbeat.objects.get().pid == row.pid
