"""`manage.py lentera_worker`: django-tasks-db's `db_worker` with a heartbeat, recovering lost jobs.

Same options as `db_worker` (``--interval``, ``--batch``, ``--queue-name``…). Besides running the
queue it writes its heartbeat every few seconds and looks for the jobs of workers that died
(lentera/lib/jobs.py): first when it starts, so a worker restarted after a crash picks up the job
it was running, then with every heartbeat. Run one or more of these instead of `db_worker`
(`db_worker` still runs tasks, but writes no heartbeat and recovers nothing).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lentera.lib import jobs

logger = logging.getLogger("lentera.lib.jobs")


class Command(DbWorkerCommand):
    help = (
        "Run the background worker (django-tasks-db's db_worker) with a heartbeat; jobs of workers that "
        "died are run again when that is safe, or marked failed with the reason."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # with --reload the parent process only watches the files: the child runs the tasks and beats
        runs_tasks = not options["reload"] or options["batch"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not runs_tasks:
            super().handle(*args, **options)
            return
        worker_id: str = options["worker_id"]
        heartbeat = jobs.Heartbeat(worker_id)
        for recovery in heartbeat.beat():  # at once: a restarted worker picks up what the dead one left
            if options["verbosity"]:
                self.stdout.write(
                    f"{'Queued again' if recovery.retried else 'Given up'}: {recovery.task_path} ({recovery.task_id})"
                )
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
