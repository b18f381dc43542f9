"""A person's personal data across every app (UU PDP): export it as one ZIP, or erase it.

``accounts`` owns the export and the erasure, but the data sits in the apps above it, which
``accounts`` must not import. So this module keeps a registry: every app that holds something
about a person has a ``personal_data.py`` that registers its sections here (``register``), and
its ``AppConfig.ready()`` imports that module. A section has an exporter (what goes under its
key in ``data.json``) and, where there is something to erase, an eraser. The export and the
erasure walk the registry in ``order``; this module never names an app above ``accounts``.
The reads are person-wide (``user=...`` across libraries), unlike the apps' selectors, which
are scoped by the current library and role for their pages; the erasure test walks every table
to catch one that no section erases.

Erasure pseudonymises instead of deleting the person's row: attendance counts, test scores and
their gain, feedback counts and averages, and certificate numbers keep adding up, while nothing
left can be traced back to the person (name, email, phone, NIP, work unit, username, uploaded
files, free text they wrote, and the same values wherever a log line quoted them).
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lentera.accounts.audit import action_label, audit_record
from lentera.accounts.data_summary import summary_html
from lentera.accounts.models import AuditEntry, Library, Membership, User
from lentera.accounts.services import login_lockout_clear

EXPORT_FORMAT = 1
SUMMARY_NAME = "ringkasan.html"  # data.json in words, for reading (the ZIP's readers are Indonesian)
_RESERVED = frozenset({"format", "exported_at", "about"})


# The registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """What an exporter returns when the section comes with files: the data and the files to add.

    ``files`` are ``(path in the ZIP, stored name)`` pairs.
    """

    data: Any
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ErasureContext:
    """What every eraser gets besides the (already pseudonymised) user.

    ``new_name`` is what the person is called from now on; ``scrub`` replaces their old name,
    email, phone, NIP, username and work unit in a piece of text; files named to
    ``delete_file`` are deleted once the erasure is committed (a rolled-back one keeps them).
    """

    new_name: str
    olds: list[str]
    scrub: Callable[[str], str]
    files_to_delete: list[str] = field(default_factory=list)

    def scrub_json(self, value: Any) -> Any:
        return _scrub_json(value, self.scrub)

    def mentioning(self, model: type[Model], fields: list[str], json_fields: Iterable[str] = ()) -> Any:
        """Rows of ``model`` where a text or JSON column contains one of the old values."""
        return _mentioning(model, fields, self.olds, json_fields)

    def delete_file(self, name: str) -> None:
        self.files_to_delete.append(name)


@dataclass(frozen=True)
class PersonalDataProvider:
    section: str
    export: Callable[[User], Any]
    erase: Callable[[User, ErasureContext], None] | None
    order: int


_providers: dict[str, PersonalDataProvider] = {}


def register(
    section: str,
    *,
    export: Callable[[User], Any],
    erase: Callable[[User, ErasureContext], None] | None = None,
    order: int,
) -> None:
    """Add a section to the export (key ``section`` in ``data.json``) and, optionally, an eraser.

    Called when an app's ``personal_data`` module is imported from its ``AppConfig.ready()``.
    Sections are exported and erased by ascending ``order``.
    """
    if section in _RESERVED or section in _providers:
        raise ValueError(f"personal-data section {section!r} is already taken")
    _providers[section] = PersonalDataProvider(section=section, export=export, erase=erase, order=order)


def providers() -> list[PersonalDataProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.section))


# Helpers for the sections ----------------------------------------------------------------------


def when(value: datetime | date | None) -> str | None:
    """A time or day as ISO text, times in the library's time zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def safe_name(name: str) -> str:
    """A stored file's name, fit to be a path inside the ZIP."""
    base = PurePosixPath(name).name or "file"
    return re.sub(r"[^\w.\-]+", "_", base)[:120]


# Exporting -------------------------------------------------------------------------------------


def personal_data_export(*, actor: Any, user: User, library: Library | None = None) -> bytes:
    """Everything Lentera holds about ``user``, as one ZIP: ``data.json``, the same as a page to read
    (``ringkasan.html``), and the files they uploaded.

    The number of queries is the same whatever the number of rows. Audited.
    """
    user = User.objects.select_related("functional_level").get(pk=user.pk)
    files: list[tuple[str, str]] = []  # (path in the ZIP, stored name)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": when(timezone.now()),
        "about": _(
            "Everything Lentera holds about you, exported at your request (Law 27/2022 on Personal Data "
            "Protection). Times are in the library's time zone. Files you uploaded are in the files folder."
        ),
    }
    for provider in providers():
        value = provider.export(user)
        if isinstance(value, Exported):
            files.extend(value.files)
            value = value.data
        data[provider.section] = value
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(SUMMARY_NAME, summary_html(data, name=user.full_name or user.username))
        missing = []
        for path, stored in files:
            try:
                with default_storage.open(stored, "rb") as handle:
                    archive.writestr(path, handle.read())
            except OSError:
                missing.append(path)
        if missing:
            archive.writestr("files/missing.txt", "\n".join(missing))
    audit_record(actor=actor, library=library, action="user.export", obj=user, changes={"files": len(files)})
    return buffer.getvalue()


# Erasing ---------------------------------------------------------------------------------------


@dataclass
class ErasureResult:
    erased: bool
    other_libraries: list[Library] = field(default_factory=list)
    memberships_removed: int = 0


def pseudonym(user: User) -> str:
    """What an erased person is called from then on, in the site's language ("Peserta terhapus #12")."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased participant #%(id)s") % {"id": user.pk}


def _scrubber(values: dict[str, str]) -> Callable[[str], str]:
    """Replace each old value (as a whole word, any case) by its replacement in a piece of text."""
    pairs = [
        (re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE), new)
        for old, new in sorted(values.items(), key=lambda kv: -len(kv[0]))
    ]

    def scrub(text: str) -> str:
        for pattern, new in pairs:
            text = pattern.sub(new, text)
        return text

    return scrub


def _scrub_json(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_json(v, scrub) for v in value]
    if isinstance(value, dict):
        return {scrub(k): _scrub_json(v, scrub) for k, v in value.items()}
    return value


def _mentioning(model: type[Model], fields: list[str], olds: list[str], json_fields: Iterable[str] = ()) -> Any:
    """Rows of ``model`` where a text or JSON column contains one of the old values."""
    condition = Q()
    queryset = model._default_manager.all()
    for name in json_fields:
        queryset = queryset.annotate(**{f"{name}_text": Cast(name, output_field=TextField())})
    for old in olds:
        escaped = json.dumps(old)[1:-1]  # SQLite keeps JSON with \u escapes
        for name in fields:
            condition |= Q(**{f"{name}__icontains": old})
        for name in json_fields:
            condition |= Q(**{f"{name}_text__icontains": old}) | Q(**{f"{name}_text__icontains": escaped})
    return queryset.filter(condition) if condition else queryset.none()


def _check_can_erase(*, actor: Any, library: Library, user: User) -> None:
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("You cannot erase your own personal data here. Ask another coordinator."))
    if user.is_superuser:
        raise ValidationError(_("The server administrator's account cannot be erased from a library."))
    if user.erased_at is not None:
        raise ValidationError(_("This person's personal data was already erased."))
    if not Membership.objects.filter(user=user, library=library).exists():
        raise ValidationError(_("This person is not a member of your library."))


@transaction.atomic
def user_erase(*, actor: Any, library: Library, user: User, reason: str) -> ErasureResult:
    """Erase a person's personal data at their library's request (a coordinator of ``library``).

    Refused for the actor themselves and for a superuser. A person who also belongs to another
    library keeps their data (that library still works with them): only their roles in
    ``library`` are removed, and the result names the other libraries.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the data is erased (it is kept in the audit log).")})
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_can_erase(actor=actor, library=library, user=user)
    others = list(
        Library.objects.filter(memberships__user=user, memberships__is_active=True)
        .exclude(pk=library.pk)
        .distinct()
        .order_by("name")
    )
    if others:
        removed = 0
        for membership in Membership.objects.filter(user=user, library=library, is_active=True):
            membership.is_active = False
            membership.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                library=library,
                action="membership.revoke",
                obj=user,
                changes={"role": [membership.role, None]},
            )
            removed += 1
        return ErasureResult(erased=False, other_libraries=others, memberships_removed=removed)

    new_name = pseudonym(user)
    replacements = {user.full_name: new_name}
    for old in (user.email, user.phone, user.nip, user.username, user.work_unit):
        if old and len(old) >= 3:
            replacements.setdefault(old, "–")
    replacements = {old: new for old, new in replacements.items() if old and len(old) >= 3}
    scrub = _scrubber(replacements)
    context = ErasureContext(new_name=new_name, olds=list(replacements), scrub=scrub)

    # The person's own row, their roles, and the lockout records of their old username.
    login_lockout_clear(user=user)
    memberships_removed = Membership.objects.filter(user=user, is_active=True).update(is_active=False)
    user.full_name = new_name
    user.email = user.phone = user.nip = user.work_unit = ""
    user.functional_level = None
    user.username = f"terhapus-{user.pk}-{secrets.token_hex(8)}"
    user.set_unusable_password()  # also ends every session the person still has
    user.is_active = user.is_staff = False
    user.erased_at = timezone.now()
    user.save()

    # Every app's rows, in the registry's order (the logs that quoted the person come last).
    for provider in providers():
        if provider.erase is not None:
            provider.erase(user, context)

    to_delete = context.files_to_delete
    audit_record(
        actor=actor,
        library=library,
        action="user.erase",
        obj=user,
        changes={"user_id": user.pk, "reason": scrub(reason), "files_deleted": len(to_delete)},
    )
    transaction.on_commit(lambda: _delete_files(to_delete))
    return ErasureResult(erased=True, memberships_removed=memberships_removed)


def _delete_files(names: list[str]) -> None:
    """After the erasure is committed: the stored files go (a rolled-back erasure keeps them)."""
    for name in names:
        if name:
            default_storage.delete(name)


# accounts' own sections: the profile, the roles, and the audit log --------------------------------


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "nip": user.nip,
        "functional_level": str(user.functional_level) if user.functional_level else "",
        "work_unit": user.work_unit,
        "language": user.language,
        "joined": when(user.date_joined),
        "last_login": when(user.last_login),
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    return [
        {"library": m.library.name, "role": m.role, "active": m.is_active, "since": when(m.created_at)}
        for m in Membership.objects.filter(user=user).select_related("library").order_by("library__name", "role")
    ]


def _audit(user: User) -> list[dict[str, Any]]:
    entries = (
        AuditEntry.objects.filter(Q(object_type="accounts.user", object_id=str(user.pk)) | Q(actor=user))
        .select_related("actor", "library")
        .order_by("created_at", "id")
    )
    return [
        {
            "when": when(e.created_at),
            "library": e.library.name if e.library else "",
            "by": str(e.actor) if e.actor else "",
            "action": action_label(e.action),
            "object": e.object_repr,
            "changes": e.changes,
        }
        for e in entries
    ]


def _erase_from_logs(user: User, context: ErasureContext) -> None:
    """Logs that quoted the person: the audit log and Django's admin log."""
    for entry in context.mentioning(AuditEntry, ["object_repr"], ["changes"]):
        AuditEntry.objects.filter(pk=entry.pk).update(
            object_repr=context.scrub(entry.object_repr), changes=context.scrub_json(entry.changes)
        )
    for log in context.mentioning(LogEntry, ["object_repr", "change_message"]):
        LogEntry.objects.filter(pk=log.pk).update(
            object_repr=context.scrub(log.object_repr), change_message=context.scrub(log.change_message)
        )


register("profile", export=_profile, order=10)
register("memberships", export=_memberships, order=20)
register("audit_log", export=_audit, erase=_erase_from_logs, order=1000)  # last: every other eraser has run
