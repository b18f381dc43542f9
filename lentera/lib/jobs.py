"""Background jobs that survive a crashed worker: the one place every task module declares its jobs.

django-tasks-db keeps, for each task, its status (READY, RUNNING, SUCCESSFUL, FAILED), when it
started, and the ids of the workers that claimed it, one per attempt. Nothing in it tells a RUNNING
task whose worker was killed from one still at work, so such a task, and the domain row waiting on
it (an import "being imported", a certificate run "issuing"), would wait forever. Here:

- ``manage.py lentera_worker`` (``db_worker`` with a heartbeat) writes its ``WorkerHeartbeat`` row
  every ``WORKER_LOST_AFTER / 6`` seconds and, as often, looks for lost jobs (``recover_lost``).
- A RUNNING task is lost when its worker's heartbeat is older than ``WORKER_LOST_AFTER`` seconds;
  for a worker of this machine its process decides (gone: lost at once, so a restarted worker
  recovers without waiting; a running lentera_worker: alive, even when a long SQLite transaction
  held its heartbeat back). A worker that never wrote a heartbeat (plain ``db_worker``) is taken
  for lost once its task has run for ``UNTRACKED_LOST_AFTER``.
- A lost job declared ``retry=True`` (safe to run again: all-or-nothing, or idempotent) goes back to
  the queue until it has been claimed ``attempts`` times; any other lost job, or one out of attempts,
  is marked FAILED and its ``on_give_up`` hook puts its domain row where the person sees why and can
  start it again. A worker stopped by a second Ctrl+C (SystemExit in the job) counts as lost too.
- A job that raises calls ``on_give_up`` as well (with ``Ending.ERROR``), so a domain row never
  stays "working" after its task failed.

Declare a job with ``@job(retry=..., on_give_up=...)`` instead of ``django_tasks.task``.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks.signals import task_finished

from lentera.lib.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

HOSTNAME = socket.gethostname()
DEFAULT_ATTEMPTS = 3
# a task claimed by a worker that never wrote a heartbeat (plain `manage.py db_worker`) is taken for
# lost only after this long: such a worker may still be at work, and nothing says otherwise
UNTRACKED_LOST_AFTER = timedelta(minutes=30)
KEEP_HEARTBEATS = timedelta(days=1)  # rows of workers silent for longer are deleted
INTERRUPTED = {"builtins.SystemExit", "builtins.KeyboardInterrupt"}


class Ending(enum.StrEnum):
    """Why a job was given up: its worker died (too often, or it is not safe to retry), or it raised."""

    LOST = "lost"
    ERROR = "error"


class WorkerLost(Exception):  # noqa: N818 - the name the task list shows for a job given up
    """Recorded as the failure of a job whose worker died and which is not run again."""


GiveUp = Callable[..., None]  # on_give_up(ending, *the task's args, **the task's kwargs)


@dataclass(frozen=True)
class Policy:
    retry: bool = False
    attempts: int = 1
    on_give_up: GiveUp | None = None


_POLICIES: dict[str, Policy] = {}


def job(
    *, retry: bool, attempts: int = DEFAULT_ATTEMPTS, on_give_up: GiveUp | None = None, **task_options: Any
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """A django-tasks task with its recovery policy.

    ``retry``: running it again after a crash is safe (it writes all or nothing, or skips what an
    earlier attempt did); it is then claimed at most ``attempts`` times. ``on_give_up(ending, *args,
    **kwargs)`` (the task's own arguments) puts the job's domain row in a state the person sees.
    """
    if attempts < 1:
        raise ValueError("a job needs at least one attempt")

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        path = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return func(*args, **kwargs)
            except Exception:
                logger.exception("background job %s failed", path)
                _give_up(path, Ending.ERROR, list(args), dict(kwargs))
                raise

        made: Task[P, T] = task(**task_options)(run)
        _POLICIES[made.module_path] = Policy(retry=retry, attempts=attempts if retry else 1, on_give_up=on_give_up)
        return made

    return decorate


def policy_for(task_path: str) -> Policy:
    """The declared policy; a task made with plain ``@task`` is not retried (nothing says it is safe).

    The task's module is imported first: a worker that has just started has run none of its jobs,
    and a job's policy is declared when its module is imported."""
    if task_path not in _POLICIES:
        try:
            import_string(task_path)
        except ImportError:  # a task that no longer exists: nothing to run again
            logger.warning("background job %s: its code is gone", task_path)
    return _POLICIES.get(task_path, Policy())


def _give_up(task_path: str, ending: Ending, args: list[Any], kwargs: dict[str, Any]) -> None:
    hook = policy_for(task_path).on_give_up
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(ending, *args, **kwargs)
    except Exception:  # the task's own failure is what gets recorded; this is logged beside it
        logger.exception("background job %s: could not record that it was given up", task_path)


# Workers ---------------------------------------------------------------------------------------


def lost_after() -> timedelta:
    return timedelta(seconds=max(1, int(getattr(settings, "WORKER_LOST_AFTER", 60))))


def beat_interval() -> float:
    return max(0.2, lost_after().total_seconds() / 6)


def heartbeat(worker_id: str, *, now: datetime | None = None, pid: int | None = None) -> None:
    """Record that ``worker_id`` (this process) is alive."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": HOSTNAME, "pid": pid or os.getpid(), "started_at": now, "beat_at": now},
        )


def heartbeat_stop(worker_id: str) -> None:
    """A worker that stops cleanly removes its row (its jobs are finished or were put back)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def workers_running(*, now: datetime | None = None) -> bool:
    """Whether any worker has written its heartbeat lately, or runs on this machine (a page says so
    when none does)."""
    now = now or timezone.now()
    if WorkerHeartbeat.objects.filter(beat_at__gte=now - lost_after()).exists():
        return True
    local = WorkerHeartbeat.objects.filter(hostname=HOSTNAME).values_list("pid", flat=True)[:20]
    return any(_local_worker(pid) for pid in local)


def _local_worker(pid: int) -> bool | None:
    """For a worker of this machine: False when its process is gone, True when a lentera_worker runs
    with that id, None when that cannot be told (another program took the id, or no /proc)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # a process of another user
        return None
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return True if b"lentera_worker" in command else None


def _is_lost(result: Any, beats: dict[str, WorkerHeartbeat], now: datetime, exclude: set[str]) -> bool:
    worker = result.worker_ids[-1] if result.worker_ids else ""
    if worker in exclude:
        return False
    beat = beats.get(worker)
    if beat is None:
        return result.started_at is None or now - result.started_at > UNTRACKED_LOST_AFTER
    if beat.hostname == HOSTNAME:
        # on this machine its process says it best: gone at once after a crash, and still there
        # while a long SQLite write transaction keeps its heartbeat from being written
        alive = _local_worker(beat.pid)
        if alive is not None:
            return not alive
    return now - beat.beat_at > lost_after()


@dataclass(frozen=True)
class Recovery:
    task_id: str
    task_path: str
    retried: bool  # put back in the queue; else marked failed and given up
    attempts: int


def recover_lost(*, now: datetime | None = None, exclude: set[str] | frozenset[str] = frozenset()) -> list[Recovery]:
    """Find the RUNNING tasks whose worker died; retry them or give them up. ``exclude``: worker
    ids known to be alive (the caller's own)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    done: list[Recovery] = []
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at"))
    if running:
        workers = {r.worker_ids[-1] for r in running if r.worker_ids}
        beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=workers)}
        for result in running:
            if _is_lost(result, beats, now, set(exclude)):
                recovery = _recover(str(result.pk), now=now, why="its worker stopped")
                if recovery is not None:
                    done.append(recovery)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - KEEP_HEARTBEATS).delete()
    return done


def _recover(task_id: str, *, now: datetime, why: str, status: str = TaskResultStatus.RUNNING) -> Recovery | None:
    """Put one task back in the queue, or mark it failed and call its job's hook (in that order:
    the task row is settled first, so the hook runs once however many workers look)."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        result = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=status).first()
        if result is None:  # finished, or recovered by another worker meanwhile
            return None
        policy = policy_for(result.task_path)
        attempts = len(result.worker_ids)
        workers = ", ".join(result.worker_ids[-3:])
        if policy.retry and attempts < policy.attempts:
            result.status, result.finished_at = TaskResultStatus.READY, None
            result.exception_class_path, result.traceback = "", ""
            result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            logger.warning(
                "background job %s (%s) stopped after attempt %s of %s because %s (worker %s): queued again",
                result.task_path,
                task_id,
                attempts,
                policy.attempts,
                why,
                workers,
            )
            return Recovery(task_id, result.task_path, True, attempts)
        result.status, result.finished_at, result.return_value = TaskResultStatus.FAILED, now, None
        result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
        result.traceback = (
            f"WorkerLost: the job stopped because {why} (worker {workers}), "
            + (f"after {attempts} of {policy.attempts} attempts" if policy.retry else "and it is not safe to retry")
            + "; given up."
        )
        result.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
        args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
        path = result.task_path
    logger.error("background job %s (%s) given up: %s", path, task_id, result.traceback)
    _give_up(path, Ending.LOST, args, kwargs)
    return Recovery(task_id, path, False, attempts)


def _after_interrupt(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A worker stopped with a second Ctrl+C (or SIGTERM) raises SystemExit inside the job, and
    db_worker records it as FAILED: that is a lost job, not a failed one."""
    errors = getattr(task_result, "errors", None) or []
    if getattr(task_result, "status", "") != TaskResultStatus.FAILED or not errors:
        return
    if errors[-1].exception_class_path not in INTERRUPTED or not hasattr(task_result, "db_result"):
        return
    try:
        _recover(str(task_result.id), now=timezone.now(), why="its worker was stopped", status=TaskResultStatus.FAILED)
    except DatabaseError:
        logger.exception("background job %s: could not put it back after an interrupted worker", task_result.id)


task_finished.connect(_after_interrupt, dispatch_uid="lentera.lib.jobs.after_interrupt")


class Heartbeat(threading.Thread):
    """The worker's heartbeat, and the look for lost jobs, every ``beat_interval()`` seconds, in a
    thread of its own (a long job does not stop it). Database errors are logged and tried again."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self._stopping = threading.Event()

    def beat(self) -> list[Recovery]:
        try:
            heartbeat(self.worker_id)
            return recover_lost(exclude={self.worker_id})
        except DatabaseError as error:  # a locked or unreachable database: the next beat tries again
            logger.warning("worker %s: heartbeat failed (%s); trying again", self.worker_id, error)
            return []

    def run(self) -> None:
        while not self._stopping.wait(beat_interval()):
            try:
                self.beat()
            finally:
                connections.close_all()  # this thread's own connections: a fresh one each beat

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=beat_interval() + 10)
        try:
            heartbeat_stop(self.worker_id)
        except DatabaseError:
            logger.warning("worker %s: could not remove its heartbeat", self.worker_id)
