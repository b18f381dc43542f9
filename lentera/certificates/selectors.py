"""Reads for certificates, with the access rule for each object.

Coordinators see every certificate of their library; a participant sees their own; nobody
else sees any. Another library's objects are 404. The public check finds one certificate
by its exact number or by its token, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lentera.certificates.masking import mask_name, names_match
from lentera.certificates.models import Certificate, IssueRun
from lentera.lib.tenancy import scoped

if TYPE_CHECKING:
    from lentera.accounts.access import LibraryAccess
    from lentera.delivery.models import Cohort


def certificate_get_for_user(*, access: LibraryAccess, pk: int) -> Certificate:
    """A certificate for the coordinator of its library, or for the person it belongs to."""
    certificate = scoped(Certificate, access.library).select_related("cohort", "user").filter(pk=pk).first()
    if certificate is None:
        raise Http404
    if access.is_coordinator:
        return certificate
    if access.is_participant:
        if certificate.user_id == access.user.pk:
            return certificate
        raise Http404  # someone else's: not even its existence is shown
    raise PermissionDenied


def my_certificates(*, access: LibraryAccess) -> list[Certificate]:
    """The participant's own certificates in the current library, newest first (one query)."""
    if not access.is_participant:
        raise PermissionDenied
    return list(scoped(Certificate, access.library).filter(user=access.user).order_by("-issued_at", "-seq"))


def cohort_certificates(*, cohort: Cohort) -> list[Certificate]:
    """Every certificate of the cohort, valid and revoked, by name then newest first (one query)."""
    return list(
        Certificate.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("participant_name", "-issued_at", "-seq")
    )


def valid_certificates(*, cohort: Cohort) -> list[Certificate]:
    return list(Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True).order_by("participant_name", "seq"))


@dataclass(frozen=True)
class CohortCertificateRow:
    user: Any
    status: str
    certificate: Certificate | None  # the valid one, if any
    revoked: list[Certificate]


def cohort_certificate_rows(*, cohort: Cohort, certificates: list[Certificate]) -> list[CohortCertificateRow]:
    """Each enrolled participant's completion status beside their certificates (a fixed number of queries)."""
    from lentera.assessment.exam_selectors import cohort_completion

    valid: dict[int, Certificate] = {}
    revoked: dict[int, list[Certificate]] = {}
    for c in certificates:
        if c.revoked_at is None:
            valid[c.user_id] = c
        else:
            revoked.setdefault(c.user_id, []).append(c)
    rows = [
        CohortCertificateRow(r.user, r.status, valid.get(r.user.pk), revoked.get(r.user.pk, []))
        for r in cohort_completion(cohort=cohort)
    ]
    listed = {r.user.pk for r in rows}
    # people who hold a certificate but are no longer enrolled (withdrawn afterwards) stay visible
    for user_id in sorted(set(valid) - listed, key=lambda pk: valid[pk].participant_name):
        rows.append(CohortCertificateRow(valid[user_id].user, "", valid[user_id], revoked.get(user_id, [])))
    return rows


def latest_run(*, cohort: Cohort) -> IssueRun | None:
    return IssueRun.objects.filter(cohort=cohort).first()


def issue_run_get_for_user(*, access: LibraryAccess, pk: int) -> IssueRun:
    if not access.is_coordinator:
        raise PermissionDenied
    run = scoped(IssueRun, access.library).select_related("cohort").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def certificate_lookup(*, number: str = "", token: str = "") -> Certificate | None:
    """The public check: one certificate by its exact number (as typed, then in capitals) or its token."""
    if token:
        return Certificate.objects.filter(token=token).first() if len(token) <= 32 else None
    number = " ".join(number.split())
    if not number or len(number) > 60:
        return None
    found = Certificate.objects.filter(number=number).first()
    if found is None and number.upper() != number:
        found = Certificate.objects.filter(number=number.upper()).first()
    return found


@dataclass(frozen=True)
class PublicCheck:
    """What the public check shows of one certificate."""

    certificate: Certificate
    name: str  # in full, or masked to initials
    name_is_full: bool
    typed_name_matches: bool | None  # None: no name was typed


def certificate_public_check(*, number: str = "", token: str = "", typed_name: str = "") -> PublicCheck | None:
    """The public check of one certificate (one query). By its number the holder's name shows masked,
    unless ``typed_name`` is the holder's name; by the QR code's token it shows in full."""
    certificate = certificate_lookup(number=number, token=token)
    if certificate is None:
        return None
    matches = names_match(typed_name, certificate.participant_name) if typed_name.strip() else None
    full = bool(token) or bool(matches)
    name = certificate.participant_name if full else mask_name(certificate.participant_name)
    return PublicCheck(certificate=certificate, name=name, name_is_full=full, typed_name_matches=matches)
