"""Certificates' part of a person's personal data (UU PDP): what ``accounts`` exports and erases.

Registered with ``lentera.accounts.personal_data`` from ``CertificatesConfig.ready()``. After an
erasure the number stays verifiable ("valid", held by an erased participant).
"""

from __future__ import annotations

from typing import Any

from lentera.accounts.models import User
from lentera.accounts.personal_data import ErasureContext, register, when
from lentera.certificates.models import Certificate


def _certificates(user: User) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "name_on_it": c.participant_name,
            "nip_on_it": c.participant_nip,
            "programme": c.programme_title,
            "cohort": c.cohort_name,
            "from": when(c.starts_on),
            "to": when(c.ends_on),
            "jp": c.jp,
            "competencies": c.competencies,
            "issued": when(c.issued_at),
            "revoked": when(c.revoked_at),
            "revoked_reason": c.revoked_reason,
            "check_at": c.verify_url,
        }
        for c in Certificate.objects.filter(user=user).order_by("issued_at")
    ]


def _erase_certificates(user: User, context: ErasureContext) -> None:
    Certificate.objects.filter(user=user).update(participant_name=context.new_name, participant_nip="")
    for certificate in context.mentioning(Certificate, ["revoked_reason"]):
        Certificate.objects.filter(pk=certificate.pk).update(revoked_reason=context.scrub(certificate.revoked_reason))


register("certificates", export=_certificates, erase=_erase_certificates, order=130)
