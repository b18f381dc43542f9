"""A person's personal data across every app (UU PDP): export it as one ZIP, or erase it.

Why here and not in ``accounts``: both read (and erasure writes) the tables of every app that
holds something about a person, and ``accounts`` must not import the apps that depend on it.
``lentera.lib`` is the shared package with no models that any app may import and that may
import any app; nothing in an app imports this module at import time (only the account views
call it), so there is no import cycle. The reads are person-wide (``user=...`` across libraries),
unlike the apps' selectors, which are scoped by the current library and role for their pages;
keeping them beside the one export and the one erasure that use them keeps the list of tables
reviewable in one place, and the erasure test walks every table to catch one that is missed.

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
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Prefetch, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import AuditEntry, Library, Membership, User
from lentera.accounts.services import login_lockout_clear
from lentera.assessment.models import Answer as ExamAnswer
from lentera.assessment.models import (
    Attempt,
    AttemptGrant,
    Choice,
    CompletionOverride,
    ObservationSheet,
    RubricScore,
    Submission,
)
from lentera.certificates.models import Certificate
from lentera.delivery.models import Attendance, CalendarFeed, Enrolment, GroupMember, InstructorProfile, RosterImport
from lentera.delivery.services import calendar_feed_revoke
from lentera.evaluation.models import Answer as FeedbackAnswer
from lentera.evaluation.models import ImprovementAction, Invitation, Response

EXPORT_FORMAT = 1


# Reading ---------------------------------------------------------------------------------------


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


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
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    return [
        {"library": m.library.name, "role": m.role, "active": m.is_active, "since": _when(m.created_at)}
        for m in Membership.objects.filter(user=user).select_related("library").order_by("library__name", "role")
    ]


def _instructor_profiles(user: User) -> list[InstructorProfile]:
    return list(InstructorProfile.objects.filter(user=user).select_related("library").prefetch_related("expertise"))


def _enrolments(user: User) -> list[dict[str, Any]]:
    rows = Enrolment.objects.filter(user=user).select_related("library", "cohort__programme").order_by("created_at")
    return [
        {
            "library": e.library.name,
            "programme": e.cohort.programme.title,
            "cohort": e.cohort.name,
            "status": e.status,
            "enrolled": _when(e.created_at),
            "changed": _when(e.changed_at),
        }
        for e in rows
    ]


def _attendance(user: User) -> list[dict[str, Any]]:
    rows = (
        Attendance.objects.filter(user=user)
        .select_related("session__plan", "session__cohort")
        .order_by("session__starts_at")
    )
    return [
        {
            "cohort": a.session.cohort.name,
            "session": a.session.plan.title,
            "starts": _when(a.session.starts_at),
            "ends": _when(a.session.ends_at),
            "status": a.status,
            "recorded_by": a.method,
            "time_in": _when(a.checked_in_at),
            "note": a.note,
        }
        for a in rows
    ]


def _groups(user: User) -> list[dict[str, Any]]:
    rows = GroupMember.objects.filter(user=user).select_related("group", "cohort").order_by("cohort__starts_on")
    return [{"cohort": m.cohort.name, "group": m.group.name} for m in rows]


def _calendar_feeds(user: User) -> list[dict[str, Any]]:
    return [
        {"created": _when(f.created_at), "revoked": _when(f.revoked_at)}
        for f in CalendarFeed.objects.filter(user=user).order_by("created_at")
    ]


def _tests(user: User) -> list[dict[str, Any]]:
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("test__cohort")
        .prefetch_related(Prefetch("answers", queryset=ExamAnswer.objects.select_related("question").order_by("id")))
        .order_by("started_at", "number")
    )
    chosen_ids = {int(pk) for a in attempts for answer in a.answers.all() for pk in answer.chosen or []}
    choices = dict(Choice.objects.filter(pk__in=chosen_ids).values_list("pk", "text")) if chosen_ids else {}
    return [
        {
            "cohort": a.test.cohort.name,
            "test": a.test.title,
            "kind": a.test.kind,
            "attempt": a.number,
            "started": _when(a.started_at),
            "submitted": _when(a.submitted_at),
            "correct": a.correct,
            "questions": a.total,
            "score_percent": a.score,
            "answers": [
                {
                    "question": answer.question.text,
                    "chosen": [choices.get(int(pk), "") for pk in answer.chosen or []],
                    "text": answer.text,
                    "correct": answer.is_correct,
                }
                for answer in a.answers.all()
            ],
        }
        for a in attempts
    ]


def _decisions(user: User) -> dict[str, list[dict[str, Any]]]:
    grants = AttemptGrant.objects.filter(user=user).select_related("test__cohort").order_by("created_at")
    overrides = CompletionOverride.objects.filter(user=user).select_related("cohort").order_by("created_at")
    return {
        "extra_attempts_allowed": [
            {"test": g.test.title, "cohort": g.test.cohort.name, "reason": g.reason, "when": _when(g.created_at)}
            for g in grants
        ],
        "completion_decisions": [
            {"cohort": o.cohort.name, "status": o.status, "reason": o.reason, "when": _when(o.created_at)}
            for o in overrides
        ],
    }


_SCORES = Prefetch("scores", queryset=RubricScore.objects.select_related("criterion", "level").order_by("id"))


def _scores(scores: Iterable[RubricScore]) -> list[dict[str, Any]]:
    return [
        {"criterion": s.criterion.name, "level": s.level.label, "points": s.level.points, "comment": s.comment}
        for s in scores
    ]


def _submissions(user: User) -> list[Submission]:
    return list(
        Submission.objects.filter(user=user)
        .select_related("assignment__session__cohort")
        .prefetch_related(_SCORES)
        .order_by("submitted_at")
    )


def _observations(user: User) -> list[dict[str, Any]]:
    sheets = (
        ObservationSheet.objects.filter(participant=user)
        .select_related("assignment__session__cohort")
        .prefetch_related(_SCORES)
        .order_by("updated_at")
    )
    return [
        {
            "cohort": s.assignment.session.cohort.name,
            "assignment": s.assignment.title,
            "score_percent": s.score_percent,
            "comment": s.comment,
            "criteria": _scores(s.scores.all()),
        }
        for s in sheets
    ]


def _certificates(user: User) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "name_on_it": c.participant_name,
            "nip_on_it": c.participant_nip,
            "programme": c.programme_title,
            "cohort": c.cohort_name,
            "from": _when(c.starts_on),
            "to": _when(c.ends_on),
            "jp": c.jp,
            "competencies": c.competencies,
            "issued": _when(c.issued_at),
            "revoked": _when(c.revoked_at),
            "revoked_reason": c.revoked_reason,
            "check_at": c.verify_url,
        }
        for c in Certificate.objects.filter(user=user).order_by("issued_at")
    ]


def _feedback(user: User) -> dict[str, Any]:
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("survey__cohort", "survey__session__plan")
        .prefetch_related(
            Prefetch("answers", queryset=FeedbackAnswer.objects.select_related("item", "instructor").order_by("pk"))
        )
        .order_by("submitted_on")
    )
    invitations = (
        Invitation.objects.filter(Q(user=user) | Q(about=user))
        .select_related("survey__cohort", "survey__session__plan")
        .order_by("survey__opens_at")
    )
    asked, about = [], []
    for invitation in invitations:
        if invitation.user_id == user.pk:
            asked.append({"round": str(invitation.survey), "answered": invitation.answered})
        else:
            about.append(
                {"round": str(invitation.survey), "supervisor_email": invitation.email, "answered": invitation.answered}
            )
    return {
        "about_anonymous_feedback": _(
            "Anonymous feedback is stored without any link to the person who gave it, so it cannot be "
            "found or exported as yours. Lentera keeps only whether you were asked and whether you answered."
        ),
        "rounds_you_were_asked_to_answer": asked,
        "your_named_answers": [
            {
                "round": str(r.survey),
                "day": _when(r.submitted_on),
                "answers": [
                    {
                        "item": a.item.text,
                        "about_instructor": str(a.instructor) if a.instructor else "",
                        "rating": a.rating,
                        "not_applicable": a.not_applicable,
                        "choices": a.choices,
                        "text": a.text,
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "your_supervisor_was_asked": about,
    }


def _audit(user: User) -> list[dict[str, Any]]:
    from lentera.accounts.audit import action_label

    entries = (
        AuditEntry.objects.filter(Q(object_type="accounts.user", object_id=str(user.pk)) | Q(actor=user))
        .select_related("actor", "library")
        .order_by("created_at", "id")
    )
    return [
        {
            "when": _when(e.created_at),
            "library": e.library.name if e.library else "",
            "by": str(e.actor) if e.actor else "",
            "action": action_label(e.action),
            "object": e.object_repr,
            "changes": e.changes,
        }
        for e in entries
    ]


def _safe_name(name: str) -> str:
    base = PurePosixPath(name).name or "file"
    return re.sub(r"[^\w.\-]+", "_", base)[:120]


def personal_data_export(*, actor: Any, user: User, library: Library | None = None) -> bytes:
    """Everything Lentera holds about ``user``, as one ZIP: ``data.json`` and the files they uploaded.

    The number of queries is the same whatever the number of rows. Audited.
    """
    user = User.objects.select_related("functional_level").get(pk=user.pk)
    files: list[tuple[str, str]] = []  # (path in the ZIP, stored name)
    profiles = _instructor_profiles(user)
    for profile in profiles:
        if profile.photo:
            files.append((f"files/photo/{profile.library.slug}-{_safe_name(profile.photo.name)}", profile.photo.name))
    submissions = _submissions(user)
    for submission in submissions:
        if submission.file:
            shown = _safe_name(submission.original_name or submission.file.name)
            files.append((f"files/submissions/{submission.pk}-{shown}", submission.file.name))
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _when(timezone.now()),
        "about": _(
            "Everything Lentera holds about you, exported at your request (Law 27/2022 on Personal Data "
            "Protection). Times are in the library's time zone. Files you uploaded are in the files folder."
        ),
        "profile": _profile(user),
        "memberships": _memberships(user),
        "instructor_profiles": [
            {
                "library": p.library.name,
                "kind": p.kind,
                "organisation": p.organisation,
                "years_experience": p.years_experience,
                "bio": p.bio,
                "certifications": p.certifications,
                "expertise": [str(c) for c in p.expertise.all()],
                "photo": p.photo.name if p.photo else "",
            }
            for p in profiles
        ],
        "enrolments": _enrolments(user),
        "attendance": _attendance(user),
        "discussion_groups": _groups(user),
        "calendar_feeds": _calendar_feeds(user),
        "tests": _tests(user),
        **_decisions(user),
        "assignments": [
            {
                "cohort": s.assignment.session.cohort.name,
                "assignment": s.assignment.title,
                "handed_in": _when(s.submitted_at),
                "text": s.text,
                "link": s.link,
                "file": s.original_name,
                "graded": _when(s.graded_at),
                "score_percent": s.score_percent,
                "comment": s.comment,
                "criteria": _scores(s.scores.all()),
            }
            for s in submissions
        ],
        "observed_role_plays": _observations(user),
        "certificates": _certificates(user),
        "feedback": _feedback(user),
        "audit_log": _audit(user),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
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
    olds = list(replacements)
    to_delete: list[str] = []

    # The person's own rows in accounts, and the lockout records of their old username.
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

    # delivery: photo and bio of an instructor, notes on their attendance, their calendar address.
    for profile in InstructorProfile.objects.filter(user=user):
        if profile.photo:
            to_delete.append(profile.photo.name)
        InstructorProfile.objects.filter(pk=profile.pk).update(photo="", bio="", certifications="", organisation="")
    Attendance.objects.filter(user=user).exclude(note="").update(note="")
    calendar_feed_revoke(user=user)
    for roster in _mentioning(RosterImport, ["file_name", "error"], olds, ["rows", "summary"]):
        if roster.upload:
            to_delete.append(roster.upload.name)
        RosterImport.objects.filter(pk=roster.pk).update(
            upload="",
            file_name=scrub(roster.file_name),
            error=scrub(roster.error),
            rows=_scrub_json(roster.rows, scrub),
            summary=_scrub_json(roster.summary, scrub),
        )

    # assessment: what they handed in goes (the grade stays); reasons and comments lose their name.
    for submission in Submission.objects.filter(user=user):
        if submission.file:
            to_delete.append(submission.file.name)
    Submission.objects.filter(user=user).update(text="", link="", file="", original_name="", content_type="")
    for model, columns in (
        (Submission, ["comment"]),
        (ObservationSheet, ["comment"]),
        (AttemptGrant, ["reason"]),
        (CompletionOverride, ["reason"]),
        (ExamAnswer, ["text"]),
    ):
        for row in _mentioning(model, columns, olds):
            model._default_manager.filter(pk=row.pk).update(**{c: scrub(getattr(row, c)) for c in columns})
    for score in _mentioning(RubricScore, ["comment"], olds):
        RubricScore.objects.filter(pk=score.pk).update(comment=scrub(score.comment))

    # certificates: the number stays verifiable ("valid", held by an erased participant).
    Certificate.objects.filter(user=user).update(participant_name=new_name, participant_nip="")
    for certificate in _mentioning(Certificate, ["revoked_reason"], olds):
        Certificate.objects.filter(pk=certificate.pk).update(revoked_reason=scrub(certificate.revoked_reason))

    # evaluation: named answers become anonymous ones (counts and averages unchanged); supervisors'
    # addresses and their unused links go; a comment or an action owner loses the name.
    Response.objects.filter(respondent=user).update(respondent=None)
    Invitation.objects.filter(Q(user=user) | Q(about=user)).exclude(email="", token_hash="").update(
        email="", token_hash=""
    )
    for answer in _mentioning(FeedbackAnswer, ["text"], olds):
        FeedbackAnswer.objects.filter(pk=answer.pk).update(text=scrub(answer.text))
    for action in _mentioning(ImprovementAction, ["owner", "what"], olds):
        ImprovementAction.objects.filter(pk=action.pk).update(owner=scrub(action.owner), what=scrub(action.what))

    # Logs that quoted the person: the audit log and Django's admin log.
    for entry in _mentioning(AuditEntry, ["object_repr"], olds, ["changes"]):
        AuditEntry.objects.filter(pk=entry.pk).update(
            object_repr=scrub(entry.object_repr), changes=_scrub_json(entry.changes, scrub)
        )
    from django.contrib.admin.models import LogEntry

    for log in _mentioning(LogEntry, ["object_repr", "change_message"], olds):
        LogEntry.objects.filter(pk=log.pk).update(
            object_repr=scrub(log.object_repr), change_message=scrub(log.change_message)
        )

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
