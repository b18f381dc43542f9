"""The audit log: every write with business meaning records who did what to which object.

Services call ``audit_record`` inside their transaction. ``snapshot`` and ``changed``
produce the before/after pairs kept in ``AuditEntry.changes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from lentera.accounts.models import AuditEntry, Library

# Human labels for the action codes, shown in the coordinator's audit log.
ACTION_LABELS: dict[str, Any] = {
    "library.create": _("Library set up"),
    "library.update": _("Library settings changed"),
    "user.create": _("Person added"),
    "user.update": _("Profile changed"),
    "membership.grant": _("Role granted"),
    "membership.revoke": _("Role revoked"),
    "user.unlock": _("Login unlocked"),
    "user.export": _("Personal data exported"),
    "user.erase": _("Personal data erased"),
    "signin_code.create": _("Invitation or sign-in code made"),
    "signin_code.use": _("Password set with an invitation or sign-in code"),
    "programme.create": _("Programme created"),
    "programme.update": _("Programme changed"),
    "objective.create": _("Objective created"),
    "objective.update": _("Objective changed"),
    "module.create": _("Module created"),
    "module.update": _("Module changed"),
    "competency.create": _("Competency unit added"),
    "competency.update": _("Competency unit changed"),
    "programme.copy": _("Programme copied for another year"),
    "session_plan.create": _("Session plan created"),
    "session_plan.update": _("Session plan changed"),
    "material.add": _("Material added"),
    "material.remove": _("Material removed"),
    "instructor.register": _("Instructor registered"),
    "instructor.update": _("Instructor changed"),
    "cohort.create": _("Cohort created"),
    "cohort.update": _("Cohort changed"),
    "enrolment.create": _("Participant enrolled"),
    "enrolment.withdraw": _("Participant withdrawn"),
    "enrolment.promote": _("Moved up from the waitlist"),
    "session.schedule": _("Session scheduled"),
    "session.reschedule": _("Session moved"),
    "attendance.mark": _("Attendance marked"),
    "checkin.blocked": _("Check-in blocked after too many wrong codes"),
    "roster.import": _("Participant list imported"),
    "roster.cancel": _("Participant list not imported"),
    "groups.form": _("Discussion groups formed"),
    "groups.move": _("Participant moved to another group"),
    "question.create": _("Question added"),
    "question.update": _("Question changed"),
    "question.archive": _("Question taken out of use"),
    "question.restore": _("Question back in use"),
    "certificate.issue": _("Certificates issued"),
    "certificate.revoke": _("Certificate revoked"),
    "certificate.reissue": _("Certificate reissued"),
    "certificate_settings.update": _("Certificate settings changed"),
    "rubric.create": _("Rubric made"),
    "rubric.update": _("Rubric changed"),
    "assignment.create": _("Assignment added"),
    "assignment.update": _("Assignment changed"),
    "submission.create": _("Work handed in"),
    "submission.update": _("Work handed in again"),
    "submission.grade": _("Grade released"),
    "submission.regrade": _("Released grade changed"),
    "indicators.update": _("Library indicators changed"),
    "indicators.import": _("Library indicators imported"),
    "indicators.import_cancel": _("Library indicators not imported"),
    "feedback.follow_up_open": _("Follow-up round opened"),
    "feedback.supervisor_invite": _("Supervisor asked for feedback"),
    "feedback_form.create": _("Feedback form created"),
    "feedback_form.update": _("Feedback form changed"),
    "feedback_form.copy": _("Feedback form copied"),
    "feedback_form.activate": _("Feedback form put in use"),
    "feedback_form.deactivate": _("Feedback form taken out of use"),
    "feedback_section.create": _("Feedback form section added"),
    "feedback_section.update": _("Feedback form section renamed"),
    "feedback_section.move": _("Feedback form section moved"),
    "feedback_section.remove": _("Feedback form section removed"),
    "feedback_item.create": _("Feedback item added"),
    "feedback_item.update": _("Feedback item changed"),
    "feedback_item.move": _("Feedback item moved"),
    "feedback_item.remove": _("Feedback item removed"),
}


# Inside ``system_actions()`` every audit row is credited to the system (no actor): what the demo
# seeding or a maintenance command does is not the work of the person it happens to act through.
_SYSTEM: ContextVar[bool] = ContextVar("lentera_audit_system", default=False)


@contextmanager
def system_actions() -> Iterator[None]:
    """Credit the audit rows written inside the block to "Sistem" instead of the given actor."""
    token = _SYSTEM.set(True)
    try:
        yield
    finally:
        _SYSTEM.reset(token)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``obj``, as JSON-safe plain values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def audit_record(
    *,
    actor: Any,
    library: Library | None,
    action: str,
    obj: Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        library=library,
        actor=actor if getattr(actor, "pk", None) and not _SYSTEM.get() else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )


def update_with_audit(
    *,
    actor: Any,
    library: Library | None,
    obj: Model,
    action: str,
    fields: dict[str, Any],
    allowed: Iterable[str],
    m2m: Mapping[str, Iterable[Model]] | None = None,
) -> Model:
    """Set ``fields`` (and many-to-many ``m2m``) on ``obj``, validate, save, and audit what changed.

    Call inside the service's transaction. Raises ``ValueError`` for a field outside ``allowed``.
    """
    allowed = tuple(allowed)
    unknown = (set(fields) | set(m2m or {})) - set(allowed)
    if unknown:
        raise ValueError(f"fields not allowed here: {sorted(unknown)}")
    plain_fields = [name for name in allowed if name not in (m2m or {})]
    before = snapshot(obj, plain_fields)
    before_m2m = {name: sorted(str(o) for o in getattr(obj, name).all()) for name in (m2m or {})}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    diff = changed(before, snapshot(obj, plain_fields))
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
        after = sorted(str(o) for o in values)
        if after != before_m2m[name]:
            diff[name] = [before_m2m[name], after]
    if diff:
        audit_record(actor=actor, library=library, action=action, obj=obj, changes=diff)
    return obj
