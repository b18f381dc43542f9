"""Background work of delivery (django-tasks; the database backend and `manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def check_roster_import(import_id: int) -> None:
    from lentera.delivery.models import RosterImport
    from lentera.delivery.services import roster_import_check

    roster_import = RosterImport.objects.select_related("cohort").filter(pk=import_id).first()
    if roster_import is not None:
        roster_import_check(roster_import=roster_import)


@task()
def apply_roster_import(import_id: int, actor_id: int | None, base_url: str = "") -> None:
    from django.core.exceptions import ValidationError

    from lentera.accounts.models import User
    from lentera.delivery.models import RosterImport
    from lentera.delivery.services import roster_import_apply

    roster_import = RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.APPLYING).first()
    if roster_import is None:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        roster_import_apply(actor=actor, roster_import=roster_import, base_url=base_url)
    except (ValidationError, Exception) as error:  # nothing was written (one transaction): say so, allow a retry
        logger.exception("participant import %s failed", import_id)
        RosterImport.objects.filter(pk=import_id).update(
            status=RosterImport.Status.PREVIEW,
            error=_("The import stopped and nothing was saved. Try again; if it fails again, tell the administrator.")
            if not isinstance(error, ValidationError)
            else " ".join(error.messages),
        )
