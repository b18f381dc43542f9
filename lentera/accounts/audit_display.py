"""The audit log as sentences a coordinator reads: who (or "Sistem"), what, and each change as
"field name: old → new" with the field's verbose name, values in the reader's language and
times in the library's time zone. Counts (an import's summary, forms installed, files exported)
read as counts. Nothing here writes; ``audit.py`` records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.accounts.audit import action_label
from lentera.accounts.models import AuditEntry

# Keys of ``changes`` that are not model fields (summaries, counts, settings): their labels.
KEY_LABELS: dict[str, Any] = {
    "new_people": gettext_lazy("new people"),
    "existing_people": gettext_lazy("people already in Lentera"),
    "enrolled": gettext_lazy("enrolled"),
    "waitlisted": gettext_lazy("on the waitlist"),
    "skipped": gettext_lazy("rows skipped"),
    "forms": gettext_lazy("forms"),
    "files": gettext_lazy("files"),
    "failed_logins": gettext_lazy("failed logins"),
    "role": gettext_lazy("role"),
    "starts_at": gettext_lazy("starts"),
    "ends_at": gettext_lazy("ends"),
    "room": gettext_lazy("room"),
    "participant": gettext_lazy("participant"),
    "score": gettext_lazy("score"),
    "review": gettext_lazy("review"),
    "about": gettext_lazy("about"),
    "email": gettext_lazy("email"),
    "numbers": gettext_lazy("numbers"),
    "issued": gettext_lazy("issued"),
    "reason": gettext_lazy("reason"),
    "month": gettext_lazy("month"),
}

# Values that are codes: how they read.
VALUE_LABELS: dict[str, Any] = {
    "shown": gettext_lazy("shown"),
    "hidden": gettext_lazy("hidden"),
    "pending": gettext_lazy("to review"),
    "coordinator": gettext_lazy("Coordinator"),
    "instructor": gettext_lazy("Instructor"),
    "participant": gettext_lazy("Participant"),
    "partner": gettext_lazy("Partner"),
}


@dataclass
class AuditChange:
    label: str
    old: str
    new: str
    count: bool = False  # a count or summary figure: shown as "label: new", without an arrow


@dataclass
class AuditLine:
    entry: AuditEntry
    when: str
    who: str
    what: str
    target: str
    changes: list[AuditChange] = field(default_factory=list)


def _model(object_type: str) -> type[Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[Model] | None, key: str) -> tuple[str, Any]:
    """The verbose name of ``key`` on ``model`` (and the field, for its choices), else a known label."""
    if model is not None:
        try:
            found = model._meta.get_field(key)
        except FieldDoesNotExist:
            found = None
        verbose = getattr(found, "verbose_name", None)
        if verbose:
            return str(verbose), found
    if key in KEY_LABELS:
        return str(KEY_LABELS[key]), None
    return key.replace("_", " "), None


def _moment(text: str) -> str | None:
    """An ISO date or date-time written by a service, in the library's time zone; None if it is not one."""
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        return formats.date_format(parsed.date(), "j M Y")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return formats.date_format(timezone.localtime(parsed), "j M Y H.i")


def value_text(value: Any, found: Any = None) -> str:
    """One value as a person reads it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, found) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H.i")
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    text = str(value)
    choices = dict(getattr(found, "flatchoices", None) or [])
    if text in choices:
        return str(choices[text])
    if text in VALUE_LABELS:
        return str(VALUE_LABELS[text])
    return _moment(text) or text


def _changes(entry: AuditEntry) -> list[AuditChange]:
    model = _model(entry.object_type)
    # PostgreSQL's jsonb does not keep the keys' order: show them in a fixed one (the model's field
    # order, then the known summary keys' order), the same on every database
    fields = [f.name for f in model._meta.get_fields()] if model is not None else []
    known = list(KEY_LABELS)

    def place(key: str) -> tuple[int, int]:
        return (
            (fields.index(key), 0) if key in fields else (len(fields), known.index(key) if key in known else len(known))
        )

    lines = []
    for key, pair in sorted((entry.changes or {}).items(), key=lambda item: place(item[0])):
        label, found = _field_label(model, key)
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
            if old is None or old == "":  # set for the first time: the new value alone reads best
                lines.append(AuditChange(label, "", value_text(new, found), count=True))
            else:
                lines.append(AuditChange(label, value_text(old, found), value_text(new, found)))
        else:  # a summary figure (an import's counts, files exported)
            lines.append(AuditChange(label, "", value_text(pair, found), count=True))
    return lines


def describe(entries: list[AuditEntry]) -> list[AuditLine]:
    """The entries (actors already selected) as lines of the audit log page."""
    system = _("System")
    return [
        AuditLine(
            entry=entry,
            when=formats.date_format(timezone.localtime(entry.created_at), "j M Y H.i"),
            who=entry.actor.full_name or entry.actor.username if entry.actor is not None else system,
            what=action_label(entry.action),
            target=entry.object_repr,
            changes=_changes(entry),
        )
        for entry in entries
    ]
