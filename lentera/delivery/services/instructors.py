"""Writes for delivery: instructors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library, Role, User
from lentera.curriculum.models import Competency
from lentera.delivery.models import (
    InstructorProfile,
)
from lentera.delivery.services.common import INSTRUCTOR_FIELDS, _ensure_role
from lentera.lib.tenancy import same_library

# Instructors ---------------------------------------------------------------------------------


@transaction.atomic
def instructor_register(
    *,
    actor: Any,
    library: Library,
    user: User,
    kind: str = InstructorProfile.Kind.INTERNAL,
    organisation: str = "",
    years_experience: int = 0,
    bio: str = "",
    certifications: str = "",
    photo: Any = None,
    expertise: Iterable[Competency] = (),
) -> InstructorProfile:
    """Put a person in the instructor register (and give them the instructor role)."""
    profile = InstructorProfile(
        library=library,
        user=user,
        kind=kind,
        organisation=organisation,
        years_experience=years_experience,
        bio=bio,
        certifications=certifications,
    )
    if photo:
        profile.photo = photo
    profile.full_clean()
    profile.save()
    profile.expertise.set(same_library(library, "expertise", expertise))
    _ensure_role(actor=actor, library=library, user=user, role=Role.INSTRUCTOR)
    audit_record(actor=actor, library=library, action="instructor.register", obj=profile)
    return profile


@transaction.atomic
def instructor_update(
    *, actor: Any, profile: InstructorProfile, expertise: Iterable[Competency] | None = None, **fields: Any
) -> InstructorProfile:
    m2m = {} if expertise is None else {"expertise": same_library(profile.library, "expertise", expertise)}
    update_with_audit(
        actor=actor,
        library=profile.library,
        obj=profile,
        action="instructor.update",
        fields=fields,
        allowed=INSTRUCTOR_FIELDS,
        m2m=m2m,
    )
    return profile
