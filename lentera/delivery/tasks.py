"""Background work of delivery (lentera/lib/jobs.py; `manage.py lentera_worker` runs it).

Both jobs are safe to run again after a crashed worker: the check writes only at its end (the
uploaded file stays until then), and the import is one transaction, all rows or none.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from lentera.lib.jobs import Ending, job

logger = logging.getLogger(__name__)


def _check_stopped(ending: Ending, import_id: int, *args: Any, **kwargs: Any) -> None:
    """Checking was given up: the import fails with the reason; the kept file is deleted."""
    from lentera.delivery.models import RosterImport

    roster_import = RosterImport.objects.select_for_update().filter(pk=import_id).first()
    if roster_import is None or roster_import.status != RosterImport.Status.CHECKING:
        return
    if ending == Ending.LOST:
        error = _(
            "Checking the list stopped because the background worker stopped, more than once. "
            "Upload the file again; if it stops again, split the list into smaller files or tell the administrator."
        )
    else:
        error = _(
            "The list could not be checked because of an unexpected problem. "
            "Upload the file again; if it fails again, tell the administrator."
        )
    stored = roster_import.upload.name
    roster_import.status, roster_import.error, roster_import.upload = RosterImport.Status.FAILED, error, ""
    roster_import.save(update_fields=["status", "error", "upload"])
    if stored:
        RosterImport._meta.get_field("upload").storage.delete(stored)


@job(retry=True, on_give_up=_check_stopped)
def check_roster_import(import_id: int) -> None:
    from lentera.delivery.models import RosterImport
    from lentera.delivery.services import roster_import_check

    roster_import = RosterImport.objects.select_related("cohort").filter(pk=import_id).first()
    if roster_import is not None:
        roster_import_check(roster_import=roster_import)


def _apply_stopped(ending: Ending, import_id: int, *args: Any, **kwargs: Any) -> None:
    """Importing was given up (nothing was saved: one transaction): back to the decision, with the reason."""
    from lentera.delivery.models import RosterImport

    if ending == Ending.LOST:
        error = _(
            "The import was interrupted because the background worker stopped, more than once, and nothing "
            "was saved. Press the import button to try again; if it stops again, tell the administrator."
        )
    else:
        error = _("The import stopped and nothing was saved. Try again; if it fails again, tell the administrator.")
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.APPLYING).update(
        status=RosterImport.Status.PREVIEW, error=error
    )


@job(retry=True, on_give_up=_apply_stopped)
def apply_roster_import(import_id: int, actor_id: int | None, base_url: str = "") -> None:
    from django.core.exceptions import ValidationError

    from lentera.accounts.models import User
    from lentera.delivery.models import RosterImport
    from lentera.delivery.services import roster_import_apply

    roster_import = RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.APPLYING).first()
    if roster_import is None:  # imported already (a retried job whose first run finished), or cancelled
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        roster_import_apply(actor=actor, roster_import=roster_import, base_url=base_url)
    except ValidationError as error:  # nothing was written; only a list still waiting goes back to the decision
        RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.APPLYING).update(
            status=RosterImport.Status.PREVIEW, error=" ".join(error.messages)
        )
