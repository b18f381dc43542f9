"""Settings for the worker processes of test_jobs_worker.py: lentera.settings plus a test-only app
that makes two jobs stall, once each, where the test then kills the worker.

``LENTERA_TEST_STALL`` names a folder. The first time the participant import has written all its
rows (inside its transaction, before the commit), and the first time a certificate run has
committed a chunk (of 2), the worker leaves a marker file there and sleeps; the test kills it then.
The next worker finds the marker and runs on. Without the variable nothing changes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.apps import AppConfig

from lentera.settings import *  # noqa: F403
from lentera.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "lentera.lib.tests.slow_jobs.StallOnceConfig"]
STALL_SECONDS = 120  # far longer than the test waits: the worker is killed, never woken


def stall_once(name: str) -> None:
    folder = os.environ.get("LENTERA_TEST_STALL", "")
    if not folder:
        return
    marker = Path(folder) / f"{name}.stalled"
    if marker.exists():
        return
    marker.write_text(str(os.getpid()))
    time.sleep(STALL_SECONDS)


class StallOnceConfig(AppConfig):
    name = "lentera.lib.tests"
    label = "lentera_test_stall"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lentera.certificates import services as certificates
        from lentera.delivery.services import roster

        certificates.CHUNK = 2
        audit_record, issue_chunk = roster.audit_record, certificates._issue_chunk

        def audit_then_stall(**kwargs: Any) -> Any:
            entry = audit_record(**kwargs)
            if kwargs.get("action") == "roster.import":
                stall_once("import")
            return entry

        def chunk_then_stall(**kwargs: Any) -> Any:
            issued = issue_chunk(**kwargs)
            stall_once("certificates")
            return issued

        roster.audit_record = audit_then_stall
        certificates._issue_chunk = chunk_then_stall
