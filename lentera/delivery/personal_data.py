"""Delivery's part of a person's personal data (UU PDP): what ``accounts`` exports and erases.

Registered with ``lentera.accounts.personal_data`` from ``DeliveryConfig.ready()``: the
instructor register, enrolments (and the roster lists people were enrolled from), attendance,
discussion groups, calendar addresses and wrong check-in codes.
"""

from __future__ import annotations

from typing import Any

from lentera.accounts.models import User
from lentera.accounts.personal_data import ErasureContext, Exported, register, safe_name, when
from lentera.delivery.models import (
    Attendance,
    CalendarFeed,
    CheckinFailure,
    Enrolment,
    GroupMember,
    InstructorProfile,
    RosterImport,
)
from lentera.delivery.services import calendar_feed_revoke


def _instructor_profiles(user: User) -> Exported:
    profiles = list(InstructorProfile.objects.filter(user=user).select_related("library").prefetch_related("expertise"))
    return Exported(
        data=[
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
        files=[(f"files/photo/{p.library.slug}-{safe_name(p.photo.name)}", p.photo.name) for p in profiles if p.photo],
    )


def _erase_instructor_profiles(user: User, context: ErasureContext) -> None:
    """The photo and bio of an instructor go; the register keeps the row (their sessions point to it)."""
    for profile in InstructorProfile.objects.filter(user=user):
        if profile.photo:
            context.delete_file(profile.photo.name)
        InstructorProfile.objects.filter(pk=profile.pk).update(photo="", bio="", certifications="", organisation="")


def _enrolments(user: User) -> list[dict[str, Any]]:
    rows = Enrolment.objects.filter(user=user).select_related("library", "cohort__programme").order_by("created_at")
    return [
        {
            "library": e.library.name,
            "programme": e.cohort.programme.title,
            "cohort": e.cohort.name,
            "status": e.status,
            "enrolled": when(e.created_at),
            "changed": when(e.changed_at),
        }
        for e in rows
    ]


def _erase_from_roster_imports(user: User, context: ErasureContext) -> None:
    """The lists people were enrolled from: the uploaded file goes, the rows lose the person's values."""
    for roster in context.mentioning(RosterImport, ["file_name", "error"], ["rows", "summary"]):
        if roster.upload:
            context.delete_file(roster.upload.name)
        RosterImport.objects.filter(pk=roster.pk).update(
            upload="",
            file_name=context.scrub(roster.file_name),
            error=context.scrub(roster.error),
            rows=context.scrub_json(roster.rows),
            summary=context.scrub_json(roster.summary),
        )


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
            "starts": when(a.session.starts_at),
            "ends": when(a.session.ends_at),
            "status": a.status,
            "recorded_by": a.method,
            "time_in": when(a.checked_in_at),
            "note": a.note,
        }
        for a in rows
    ]


def _erase_attendance_notes(user: User, context: ErasureContext) -> None:
    """Notes on their attendance go; the attendance itself stays (the cohort's figures add up)."""
    Attendance.objects.filter(user=user).exclude(note="").update(note="")


def _groups(user: User) -> list[dict[str, Any]]:
    rows = GroupMember.objects.filter(user=user).select_related("group", "cohort").order_by("cohort__starts_on")
    return [{"cohort": m.cohort.name, "group": m.group.name} for m in rows]


def _calendar_feeds(user: User) -> list[dict[str, Any]]:
    return [
        {"created": when(f.created_at), "revoked": when(f.revoked_at)}
        for f in CalendarFeed.objects.filter(user=user).order_by("created_at")
    ]


def _erase_calendar_feeds(user: User, context: ErasureContext) -> None:
    calendar_feed_revoke(user=user)


def _checkin_failures(user: User) -> list[dict[str, Any]]:
    rows = (
        CheckinFailure.objects.filter(user=user)
        .select_related("session__plan", "session__cohort")
        .order_by("session__starts_at")
    )
    return [
        {
            "cohort": f.session.cohort.name,
            "session": f.session.plan.title,
            "starts": when(f.session.starts_at),
            "wrong_codes": f.wrong,
            "last_wrong_code": when(f.last_at),
        }
        for f in rows
    ]


def _erase_checkin_failures(user: User, context: ErasureContext) -> None:
    CheckinFailure.objects.filter(user=user).delete()


register("instructor_profiles", export=_instructor_profiles, erase=_erase_instructor_profiles, order=30)
register("enrolments", export=_enrolments, erase=_erase_from_roster_imports, order=40)
register("attendance", export=_attendance, erase=_erase_attendance_notes, order=50)
register("discussion_groups", export=_groups, order=60)
register("calendar_feeds", export=_calendar_feeds, erase=_erase_calendar_feeds, order=70)
register("wrong_checkin_codes", export=_checkin_failures, erase=_erase_checkin_failures, order=75)
