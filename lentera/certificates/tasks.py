"""Background work of certificates (django-tasks; the database backend and `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_issue(run_id: int) -> None:
    from lentera.certificates.models import IssueRun
    from lentera.certificates.services import issue_run_execute

    run = (
        IssueRun.objects.select_related("cohort__library", "cohort__programme", "created_by").filter(pk=run_id).first()
    )
    if run is not None:
        issue_run_execute(run=run)
