"""Writes for delivery: participant list import."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Membership, Role, User
from lentera.accounts.services import invitations_send
from lentera.delivery.models import (
    Cohort,
    Enrolment,
)
from lentera.delivery.services.common import _locked_cohort

# Participant list import ------------------------------------------------------------------------


def _roster_lookups(cohort: Cohort, rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Everything ``check_rows`` needs from the database, read in five queries whatever the size."""
    from lentera.accounts.models import FunctionalLevel

    emails = {values["email"].strip().lower() for _line, values in rows if values["email"].strip()}
    nips = {values["nip"].replace(" ", "") for _line, values in rows if values["nip"].strip()}
    levels = list(FunctionalLevel.objects.values_list("pk", "name"))
    users_by_email = {
        e.lower(): pk
        for pk, e in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("pk", "email")
    }
    users_by_nip = dict(User.objects.filter(nip__in=nips).values_list("nip", "pk"))
    # the library's other cohorts the people found are in whose dates overlap this one (a warning)
    overlaps: dict[int, list[tuple[str, Any, Any]]] = {}
    for user_id, cohort_name, starts_on, ends_on in (
        Enrolment.objects.filter(
            library=cohort.library,
            user_id__in={*users_by_email.values(), *users_by_nip.values()},
            status=Enrolment.Status.ENROLLED,
            cohort__starts_on__lte=cohort.ends_on,
            cohort__ends_on__gte=cohort.starts_on,
        )
        .exclude(cohort=cohort)
        .order_by("cohort__starts_on", "cohort__name")
        .values_list("user_id", "cohort__name", "cohort__starts_on", "cohort__ends_on")
    ):
        overlaps.setdefault(user_id, []).append((cohort_name, starts_on, ends_on))
    return {
        "levels": {name.lower(): pk for pk, name in levels},
        "level_names": [name for _pk, name in levels],
        "users_by_email": users_by_email,
        "users_by_nip": users_by_nip,
        "enrolled_user_ids": set(
            cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).values_list("user_id", flat=True)
        ),
        "overlaps": overlaps,
    }


def _check(roster_import: Any, upload: Any) -> None:
    """Read and check the list into ``roster_import`` (rows, summary, progress); raises ImportFileError."""
    from lentera.delivery.roster_import import check_rows, read_rows

    _columns, rows = read_rows(upload)
    roster_import.progress_total = len(rows)
    checks = check_rows(rows, **_roster_lookups(roster_import.cohort, rows))
    summary: dict[str, int] = {}
    for check in checks:
        summary[check.outcome] = summary.get(check.outcome, 0) + 1
    roster_import.rows = [c.as_dict() for c in checks]
    roster_import.summary = summary
    roster_import.progress_done = len(rows)


@transaction.atomic
def roster_import_preview(*, actor: Any, cohort: Cohort, upload: Any) -> Any:
    """Read and check an uploaded list now; store the checked rows for the coordinator to confirm.

    Raises ImportFileError (a ValidationError) when the file as a whole cannot be read.
    """
    from lentera.delivery.models import RosterImport

    roster_import = RosterImport(
        library=cohort.library,
        cohort=cohort,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=(upload.name or "")[:255],
        status=RosterImport.Status.PREVIEW,
    )
    _check(roster_import, upload)
    roster_import.save()
    return roster_import


@transaction.atomic
def roster_import_start(*, actor: Any, cohort: Cohort, upload: Any) -> Any:
    """Keep the uploaded list and check it in the background (the page shows the progress)."""
    from lentera.delivery.models import RosterImport
    from lentera.delivery.roster_import import MAX_BYTES, MAX_ROWS
    from lentera.delivery.tasks import check_roster_import
    from lentera.lib.spreadsheet import check_upload

    # what needs no parsing is refused here and now: too large, or an .xlsx that unpacks too large
    check_upload(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    roster_import = RosterImport(
        library=cohort.library,
        cohort=cohort,
        created_by=actor if getattr(actor, "pk", None) else None,
        file_name=(upload.name or "")[:255],
        status=RosterImport.Status.CHECKING,
    )
    roster_import.upload.save(f"{uuid.uuid4().hex}.upload", upload, save=False)
    roster_import.save()
    pk = roster_import.pk
    transaction.on_commit(lambda: check_roster_import.enqueue(pk))
    return roster_import


def roster_import_check(*, roster_import: Any) -> Any:
    """The background check of a kept list. The file is deleted afterwards: the rows are what is needed."""
    from lentera.delivery.models import RosterImport
    from lentera.delivery.roster_import import ImportFileError

    if roster_import.status != RosterImport.Status.CHECKING:
        return roster_import
    try:
        with roster_import.upload.open("rb") as handle:
            upload = _NamedFile(handle, roster_import.file_name, roster_import.upload.size)
            _check(roster_import, upload)
        roster_import.status = RosterImport.Status.PREVIEW
    except ImportFileError as error:
        roster_import.status, roster_import.error = RosterImport.Status.FAILED, " ".join(error.messages)
    stored = roster_import.upload.name
    roster_import.upload = ""
    roster_import.save()
    if stored:
        RosterImport._meta.get_field("upload").storage.delete(stored)
    return roster_import


@transaction.atomic
def roster_import_request_apply(*, actor: Any, roster_import: Any, base_url: str = "") -> Any:
    """The coordinator confirmed: import in the background, all valid rows or none."""
    from lentera.delivery.models import RosterImport
    from lentera.delivery.tasks import apply_roster_import

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != RosterImport.Status.PREVIEW:
        raise ValidationError(_("This list was already imported or cancelled."))
    roster_import.status, roster_import.error, roster_import.progress_done = RosterImport.Status.APPLYING, "", 0
    roster_import.save(update_fields=["status", "error", "progress_done"])
    pk, actor_pk = roster_import.pk, getattr(actor, "pk", None)
    transaction.on_commit(lambda: apply_roster_import.enqueue(pk, actor_pk, base_url))
    return roster_import


class _NamedFile:
    """A stored file with the name and size ``read_rows`` looks at."""

    def __init__(self, handle: Any, name: str, size: int) -> None:
        self.file, self.name, self.size = handle, name, size


def _username_for(values: dict[str, str], taken: set[str]) -> str:
    base = (values["email"] or values["nip"] or values["name"].lower().replace(" ", "."))[:140]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.lower())
    return candidate


@transaction.atomic
def roster_import_apply(*, actor: Any, roster_import: Any, base_url: str = "") -> dict[str, int]:
    """Enrol every row that is still valid, all in one transaction (all of them, or none on failure).

    New people are created without a password and get an emailed invitation to set one (in the
    background, after this commits); existing people are matched by email or NIP. Over capacity,
    people join the waitlist.
    """
    from django.contrib.auth.hashers import make_password

    from lentera.delivery.models import RosterImport
    from lentera.delivery.roster_import import check_rows

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status not in (RosterImport.Status.PREVIEW, RosterImport.Status.APPLYING):
        raise ValidationError(_("This list was already imported or cancelled."))
    cohort = _locked_cohort(roster_import.cohort)
    library = cohort.library
    rows = [(r["line"], r["values"]) for r in roster_import.rows]
    checks = [c for c in check_rows(rows, **_roster_lookups(cohort, rows)) if c.outcome in ("new", "existing")]

    new = [c for c in checks if c.outcome == "new"]
    taken = {
        u.lower()
        for u in User.objects.filter(username__in=[(c.values["email"] or c.values["nip"]) for c in new]).values_list(
            "username", flat=True
        )
    }
    unusable = make_password(None)
    people = [
        User(
            username=_username_for(c.values, taken),
            full_name=c.values["name"],
            email=c.values["email"],
            nip=c.values["nip"],
            work_unit=c.values["work_unit"],
            phone=c.values["phone"],
            functional_level_id=c.level_id,
            password=unusable,
        )
        for c in new
    ]
    User.objects.bulk_create(people, batch_size=500)
    created = {
        (u.email or u.nip): u.pk
        for u in User.objects.filter(username__in=[p.username for p in people]).only("pk", "email", "nip")
    }
    # in the order of the rows, so the places go to the first rows, new or existing people alike
    user_ids: list[int] = [
        c.user_id if c.outcome == "existing" and c.user_id else created[c.values["email"] or c.values["nip"]]
        for c in checks
    ]

    Membership.objects.filter(library=library, user_id__in=user_ids, role=Role.PARTICIPANT).update(is_active=True)
    Membership.objects.bulk_create(
        [Membership(library=library, user_id=pk, role=Role.PARTICIPANT) for pk in user_ids],
        ignore_conflicts=True,
        batch_size=500,
    )
    places = max(0, cohort.capacity - cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).count())
    statuses = {
        pk: Enrolment.Status.ENROLLED if index < places else Enrolment.Status.WAITLISTED
        for index, pk in enumerate(user_ids)
    }
    withdrawn = {e.user_id: e for e in cohort.enrolments.filter(user_id__in=user_ids)}
    now = timezone.now()
    for pk, enrolment in withdrawn.items():
        enrolment.status, enrolment.created_at, enrolment.changed_at = statuses[pk], now, now
    Enrolment.objects.bulk_update(list(withdrawn.values()), ["status", "created_at", "changed_at"], batch_size=500)
    Enrolment.objects.bulk_create(
        [
            Enrolment(library=library, cohort=cohort, user_id=pk, status=statuses[pk])
            for pk in user_ids
            if pk not in withdrawn
        ],
        batch_size=500,
    )
    summary = {
        "new_people": len(new),
        "existing_people": len(user_ids) - len(new),
        "enrolled": sum(1 for s in statuses.values() if s == Enrolment.Status.ENROLLED),
        "waitlisted": sum(1 for s in statuses.values() if s == Enrolment.Status.WAITLISTED),
        "skipped": len(roster_import.rows) - len(checks),
    }
    roster_import.status, roster_import.summary = (
        RosterImport.Status.IMPORTED,
        {**roster_import.summary, "applied": summary},
    )
    roster_import.progress_done = roster_import.progress_total
    roster_import.error = ""  # a failed earlier try's reason no longer holds
    roster_import.save(update_fields=["status", "summary", "progress_done", "error"])
    audit_record(actor=actor, library=library, action="roster.import", obj=cohort, changes=summary)
    # the new people get an emailed link to set their password, by the worker once this commits
    invitations_send(actor=actor, library=library, user_ids=list(created.values()), base_url=base_url)
    return summary


@transaction.atomic
def roster_import_cancel(*, actor: Any, roster_import: Any) -> None:
    from lentera.delivery.models import RosterImport

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != RosterImport.Status.PREVIEW:
        raise ValidationError(_("This list was already imported or cancelled."))
    roster_import.status = RosterImport.Status.CANCELLED
    roster_import.rows = []
    roster_import.save(update_fields=["status", "rows"])
    audit_record(
        actor=actor,
        library=roster_import.library,
        action="roster.cancel",
        obj=roster_import.cohort,
        changes={"file": [roster_import.file_name, None]},
    )
