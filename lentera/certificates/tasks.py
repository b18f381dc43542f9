"""Background work of certificates (lentera/lib/jobs.py; `manage.py lentera_worker` runs it).

Issuing is safe to run again after a crashed worker: each chunk of certificates is one
transaction, and a participant who holds a valid certificate for the cohort gets no second one,
so a retried run issues only the rest.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.lib.jobs import Ending, job


def _run_stopped(ending: Ending, run_id: int, *args: Any, **kwargs: Any) -> None:
    """The run was given up: it ends as stopped, with the reason; the page offers to start again."""
    from lentera.certificates.models import IssueRun

    if ending == Ending.LOST:
        error = _(
            "Issuing was interrupted because the background worker stopped, more than once. The certificates "
            "issued so far are kept; start again to issue the rest. If it stops again, tell the administrator."
        )
    else:
        error = _(
            "Issuing stopped. The certificates issued so far are kept; start again to issue the rest. "
            "If it stops again, tell the administrator."
        )
    IssueRun.objects.filter(pk=run_id, status__in=IssueRun.WORKING).update(
        status=IssueRun.Status.FAILED, error=error, finished_at=timezone.now()
    )


@job(retry=True, on_give_up=_run_stopped)
def run_issue(run_id: int) -> None:
    from lentera.certificates.models import IssueRun
    from lentera.certificates.services import issue_run_execute

    run = (
        IssueRun.objects.select_related("cohort__library", "cohort__programme", "created_by").filter(pk=run_id).first()
    )
    if run is not None:
        issue_run_execute(run=run)
