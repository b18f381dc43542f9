"""Writes for delivery: discussion groups."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import User
from lentera.delivery.models import (
    Cohort,
    Enrolment,
)

# Discussion groups --------------------------------------------------------------------------------


@transaction.atomic
def groups_form(*, actor: Any, cohort: Cohort, group_count: int, seed: int = 0) -> list[Any]:
    """Replace the cohort's groups with ``group_count`` balanced groups of its enrolled participants."""
    from lentera.delivery.grouping import Person, balanced_groups
    from lentera.delivery.models import DiscussionGroup, GroupMember

    if group_count < 1:
        raise ValidationError({"group_count": _("Form at least one group.")})
    people = [
        Person(key=e.user_id, unit=e.user.work_unit, level=str(e.user.functional_level or ""))
        for e in cohort.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("user__functional_level")
    ]
    if not people:
        raise ValidationError(_("Nobody is enrolled yet; enrol participants before forming groups."))
    if group_count > len(people):
        raise ValidationError({"group_count": _("There are only %(n)s participants.") % {"n": len(people)}})
    DiscussionGroup.objects.filter(cohort=cohort).delete()
    groups = []
    for number, keys in enumerate(balanced_groups(people, group_count, seed=seed), start=1):
        group = DiscussionGroup.objects.create(
            library=cohort.library, cohort=cohort, name=_("Group %(n)s") % {"n": number}
        )
        GroupMember.objects.bulk_create(
            [GroupMember(library=cohort.library, cohort=cohort, group=group, user_id=key) for key in keys]
        )
        groups.append(group)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="groups.form",
        obj=cohort,
        changes={"groups": [None, group_count], "people": [None, len(people)]},
    )
    return groups


@transaction.atomic
def group_move(*, actor: Any, cohort: Cohort, user: User, group: Any | None) -> None:
    """Put a participant in ``group`` (or in no group), by hand."""
    from lentera.delivery.models import GroupMember

    if group is not None and group.cohort_id != cohort.pk:
        raise ValidationError({"group": _("Choose a group of this cohort.")})
    if not cohort.enrolments.filter(user=user, status=Enrolment.Status.ENROLLED).exists():
        raise ValidationError(_("%(name)s is not enrolled in this cohort.") % {"name": user.full_name})
    GroupMember.objects.filter(cohort=cohort, user=user).delete()
    if group is not None:
        GroupMember.objects.create(library=cohort.library, cohort=cohort, group=group, user=user)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="groups.move",
        obj=user,
        changes={"group": [None, str(group) if group else None]},
    )
