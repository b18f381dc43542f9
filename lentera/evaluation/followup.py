"""Kirkpatrick level 3: the follow-up round some months after a cohort, answered by each participant
and, through a one-time link and without an account, by their supervisor; reminders before a round
closes; and the periodic sync that opens what is due (``manage.py feedback_sync``).

A supervisor's response is about a named participant, but it is stored like every other response:
no person on it, only its role. Only the token's SHA-256 is kept; the token itself goes out in the
email and is never stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.evaluation.models import FeedbackForm, FeedbackSettings, Invitation, Survey
from lentera.evaluation.services import cohort_feedback_for, surveys_ensure, token_hash
from lentera.evaluation.tallies import tallies_ensure

FOLLOW_UP_WINDOW_DAYS = 21  # how long a follow-up round stays open
RECENT_SESSION_DAYS = 30  # the sync looks after cohorts with a session ended this recently
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 url-safe characters
TOKEN_LENGTHS = range(32, 100)  # anything else is not a token: 404 without a database query


def _settings(library: Library) -> FeedbackSettings:
    """The library's rules without writing a row (the periodic job only reads)."""
    return FeedbackSettings.objects.filter(library=library).first() or FeedbackSettings(library=library)


def follow_up_due_on(cohort: Any) -> date:
    return cohort.ends_on + timedelta(days=_settings(cohort.library).follow_up_days)


def cohort_has_ended(cohort: Any, now: datetime) -> bool:
    from lentera.delivery.models import Cohort

    return cohort.status == Cohort.Status.FINISHED or cohort.ends_on < timezone.localdate(now)


def follow_up_of(cohort: Any) -> Survey | None:
    return Survey.objects.filter(cohort=cohort, session=None, kind=Survey.Kind.FOLLOW_UP).first()


def _active_form(library: Library, kind: str) -> FeedbackForm | None:
    return FeedbackForm.objects.filter(library=library, kind=kind, is_active=True).order_by("created_at").first()


def _is_open(survey: Survey, now: datetime) -> bool:
    return survey.opens_at <= now < survey.closes_at


# Opening ----------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_open(*, actor: Any, cohort: Any, now: datetime | None = None, early: bool = False) -> Survey:
    """Open the cohort's follow-up round (once): the participant and supervisor forms, every enrolled
    participant invited, open ``FOLLOW_UP_WINDOW_DAYS`` days.

    Due ``follow_up_days`` after the cohort's last day; the coordinator may open it earlier by hand
    (``early``), but never before the cohort has finished. Opening it again returns the same round.
    """
    from lentera.delivery.models import Enrolment

    now = now or timezone.now()
    existing = follow_up_of(cohort)
    if existing is not None:
        return existing
    if not cohort_has_ended(cohort, now):
        raise ValidationError(_("The cohort has not finished yet."))
    due = follow_up_due_on(cohort)
    if not early and timezone.localdate(now) < due:
        raise ValidationError(_("The follow-up is due on %(day)s.") % {"day": due.strftime("%d-%m-%Y")})
    library = cohort.library
    participant_form = _active_form(library, FeedbackForm.Kind.FOLLOW_UP)
    if participant_form is None:
        raise ValidationError(_("There is no follow-up form in use. Add the ready-made forms first."))
    supervisor_form = _active_form(library, FeedbackForm.Kind.SUPERVISOR)
    survey, created = Survey.objects.get_or_create(
        cohort=cohort,
        session=None,
        kind=Survey.Kind.FOLLOW_UP,
        defaults={
            "library": library,
            "opens_at": now,
            "closes_at": now + timedelta(days=FOLLOW_UP_WINDOW_DAYS),
            "is_anonymous": cohort_feedback_for(cohort).is_anonymous,
        },
    )
    if not created:  # opened at the same moment by another process
        return survey
    survey.forms.set([f for f in (participant_form, supervisor_form) if f is not None])
    tallies_ensure(survey=survey)  # every aggregate row before anyone answers (models.py)
    people = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).values_list("user_id", flat=True)
    )
    Invitation.objects.bulk_create(
        [Invitation(survey=survey, user_id=pk, role=Invitation.Role.PARTICIPANT) for pk in people],
        ignore_conflicts=True,
    )
    audit_record(
        actor=actor,
        library=library,
        action="feedback.follow_up_open",
        obj=survey,
        changes={"invited": [None, len(people)], "early": [None, timezone.localdate(now) < due]},
    )
    if _is_open(survey, timezone.now()):  # not for a round opened in the past (the demo)
        ids = list(Invitation.objects.filter(survey=survey, user__isnull=False).values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue_notices(ids))
    return survey


def _enqueue_notices(invitation_ids: Iterable[int]) -> None:
    from lentera.evaluation.tasks import send_follow_up_notice

    for pk in invitation_ids:
        send_follow_up_notice.enqueue(pk)


# Supervisors ------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def supervisor_invite(
    *,
    actor: Any,
    survey: Survey,
    participant: Any,
    email: str,
    base_url: str = "",
    now: datetime | None = None,
) -> str:
    """Ask the participant's supervisor (by email, no account) to answer the supervisor form about
    them. Returns the one-time token, which is emailed and never stored.

    Asking again (a typo in the address, a lost email) replaces the unused link; once the supervisor
    has answered, nobody can be asked again about that participant.
    """
    now = now or timezone.now()
    email = (email or "").strip()
    if survey.kind != Survey.Kind.FOLLOW_UP:
        raise ValidationError(_("Supervisors are asked only in a follow-up round."))
    if now >= survey.closes_at:
        raise ValidationError(_("This follow-up round is closed."))
    if not survey.forms.filter(kind=FeedbackForm.Kind.SUPERVISOR).exists():
        raise ValidationError(_("This round has no supervisor form."))
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid email address.")}) from error
    token = new_token()
    with transaction.atomic():
        if not Invitation.objects.filter(survey=survey, user=participant, role=Invitation.Role.PARTICIPANT).exists():
            raise ValidationError(_("This person is not a participant of the cohort."))
        invitation = (
            Invitation.objects.select_for_update()
            .filter(survey=survey, role=Invitation.Role.SUPERVISOR, about=participant)
            .first()
        )
        before = invitation.email if invitation is not None else None
        if invitation is not None and invitation.answered:
            raise ValidationError(_("The supervisor has already answered about this participant."))
        if invitation is None:
            invitation = Invitation(survey=survey, role=Invitation.Role.SUPERVISOR, about=participant)
        invitation.email, invitation.token_hash, invitation.reminded = email, token_hash(token), False
        invitation.save()
        audit_record(
            actor=actor,
            library=survey.library,
            action="feedback.supervisor_invite",
            obj=survey,
            changes={"about": [None, str(participant)], "email": [before, email]},
        )
        if now < survey.closes_at and timezone.now() < survey.closes_at:
            pk = invitation.pk
            transaction.on_commit(lambda: _enqueue_invitation(pk, token, base_url))
    return token


def _enqueue_invitation(pk: int, token: str, base_url: str) -> None:
    from lentera.evaluation.tasks import send_supervisor_invitation

    send_supervisor_invitation.enqueue(pk, token, base_url)


def supervisor_invitation_for_token(token: str) -> Invitation | None:
    """The supervisor invitation a link's token belongs to: compared by hash, never by the token."""
    if len(token) not in TOKEN_LENGTHS:
        return None
    return (
        Invitation.objects.select_related("survey__cohort", "about")
        .filter(role=Invitation.Role.SUPERVISOR, token_hash=token_hash(token))
        .first()
    )


# Reminders --------------------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """One reminder to each person who has not answered a round closing within the library's
    ``reminder_hours``, once. A supervisor's reminder carries a fresh link (only the hash was kept);
    the earlier one stops working. The email itself goes through the task backend."""
    now = now or timezone.now()
    candidates = (
        Survey.objects.filter(
            opens_at__lte=now,
            closes_at__gt=now,
            invitations__answered=False,
            invitations__reminded=False,
        )
        .distinct()
        .select_related("library")
        .order_by("closes_at")
    )
    windows: dict[int, timedelta] = {}
    sent = 0
    for survey in candidates:
        if survey.library_id not in windows:
            windows[survey.library_id] = timedelta(hours=_settings(survey.library).reminder_hours)
        if survey.closes_at - now <= windows[survey.library_id]:
            sent += _remind(survey, now)
    return sent


@transaction.atomic
def _remind(survey: Survey, now: datetime) -> int:
    to_send: list[tuple[int, str]] = []
    for invitation in (
        Invitation.objects.select_for_update(of=("self",))  # the user is a nullable join: lock only the invitation
        .filter(survey=survey, answered=False, reminded=False)
        .select_related("user")
        .order_by("pk")
    ):
        token = ""
        fields = ["reminded"]
        if invitation.role == Invitation.Role.SUPERVISOR:
            token = new_token()
            invitation.token_hash = token_hash(token)
            fields.append("token_hash")
        invitation.reminded = True
        invitation.save(update_fields=fields)
        address = invitation.user.email if invitation.user is not None else invitation.email
        if address:
            to_send.append((invitation.pk, token))
    survey.reminded_at = now
    survey.save(update_fields=["reminded_at"])
    if to_send:
        transaction.on_commit(lambda: _enqueue_reminders(to_send))
    return len(to_send)


def _enqueue_reminders(pairs: list[tuple[int, str]]) -> None:
    from lentera.evaluation.tasks import send_feedback_reminder

    for pk, token in pairs:
        send_feedback_reminder.enqueue(pk, token)


# The periodic job -------------------------------------------------------------------------------


def feedback_sync(*, now: datetime | None = None) -> dict[str, int]:
    """What the cron job runs every 15 minutes; safe to run again and again.

    Opens the rounds of sessions that have ended (and the end-of-cohort round), opens the follow-ups
    that have come due (automatically only within their window: an older cohort is opened by hand),
    and sends the reminders.
    """
    from lentera.delivery.models import Cohort

    now = now or timezone.now()
    before = Survey.objects.count()
    recent = Cohort.objects.filter(
        sessions__ends_at__lte=now, sessions__ends_at__gt=now - timedelta(days=RECENT_SESSION_DAYS)
    ).distinct()
    for cohort in recent.select_related("library"):
        surveys_ensure(cohort=cohort, now=now)
    rounds = Survey.objects.count() - before
    follow_ups = 0
    today = timezone.localdate(now)
    for library in Library.objects.all():
        days = _settings(library).follow_up_days
        due = (
            Cohort.objects.filter(
                library=library,
                ends_on__lte=today - timedelta(days=days),
                ends_on__gt=today - timedelta(days=days + FOLLOW_UP_WINDOW_DAYS),
            )
            .exclude(surveys__kind=Survey.Kind.FOLLOW_UP)
            .select_related("library")
        )
        for cohort in due:
            try:
                follow_up_open(actor=None, cohort=cohort, now=now)
            except ValidationError:
                continue  # no follow-up form in this library: nothing to open
            follow_ups += 1
    return {"rounds": rounds, "follow_ups": follow_ups, "reminders": reminders_send(now=now)}


# Reads for the coordinator's page ---------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantRow:
    participant: Any
    supervisor: Invitation | None  # the supervisor's invitation, if one was sent


@dataclass(frozen=True)
class FollowUpStatus:
    survey: Survey
    participants_invited: int
    participants_answered: int
    supervisors_invited: int
    supervisors_answered: int
    rows: list[ParticipantRow]


def follow_up_status(*, survey: Survey) -> FollowUpStatus:
    """Counts only for the participants (their answers are anonymous); per participant, whether
    their supervisor was asked and has answered. Three queries whatever the size of the cohort."""
    counts = survey.invitations.aggregate(
        p_invited=Count("pk", filter=Q(role=Invitation.Role.PARTICIPANT)),
        p_answered=Count("pk", filter=Q(role=Invitation.Role.PARTICIPANT, answered=True)),
        s_invited=Count("pk", filter=Q(role=Invitation.Role.SUPERVISOR)),
        s_answered=Count("pk", filter=Q(role=Invitation.Role.SUPERVISOR, answered=True)),
    )
    supervisors = {
        i.about_id: i for i in Invitation.objects.filter(survey=survey, role=Invitation.Role.SUPERVISOR).order_by("pk")
    }
    participants = (
        Invitation.objects.filter(survey=survey, role=Invitation.Role.PARTICIPANT, user__isnull=False)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    rows = [ParticipantRow(i.user, supervisors.get(i.user_id)) for i in participants]
    return FollowUpStatus(
        survey,
        counts["p_invited"],
        counts["p_answered"],
        counts["s_invited"],
        counts["s_answered"],
        rows,
    )


def follow_up_row(*, survey: Survey, participant: Any) -> ParticipantRow:
    supervisor = Invitation.objects.filter(survey=survey, role=Invitation.Role.SUPERVISOR, about=participant).first()
    return ParticipantRow(participant, supervisor)
