"""Writes of the evaluation: ready-made forms, opening rounds, answering, reviewing comments, actions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import (
    Answer,
    CohortFeedback,
    Comments,
    FeedbackForm,
    FeedbackSettings,
    FormItem,
    FormSection,
    ImprovementAction,
    Invitation,
    Response,
    Survey,
)
from lentera.evaluation.ready_forms import READY_FORMS
from lentera.evaluation.tallies import comment_digest, sort_entries, tallies_add, tallies_ensure


def settings_for(library: Library) -> FeedbackSettings:
    return FeedbackSettings.objects.get_or_create(library=library)[0]


def cohort_feedback_for(cohort: Any) -> CohortFeedback:
    return CohortFeedback.objects.get_or_create(cohort=cohort)[0]


@transaction.atomic
def ready_forms_install(*, actor: Any, library: Library) -> list[FeedbackForm]:
    """Add the ready-made Indonesian forms the library does not have yet (by title)."""
    made = []
    for spec in READY_FORMS:
        if FeedbackForm.objects.filter(library=library, title=spec["title"]).exists():
            continue
        form = FeedbackForm.objects.create(
            library=library, title=spec["title"], kind=spec["kind"], introduction=spec["introduction"]
        )
        sections: dict[str, FormSection] = {}
        for order, (section, text, kind, dimension, options) in enumerate(spec["items"]):
            if section not in sections:
                sections[section] = FormSection.objects.create(form=form, order=len(sections), title=section)
            FormItem.objects.create(
                form=form,
                section=sections[section],
                order=order,
                text=text,
                kind=kind,
                dimension=dimension,
                options=options,
                allows_not_applicable=kind == FormItem.Kind.LIKERT,
            )
        made.append(form)
    if made:
        audit_record(actor=actor, library=library, action="feedback_form.install", changes={"forms": [None, len(made)]})
    return made


def _form_of(library: Library, kind: str) -> FeedbackForm | None:
    return FeedbackForm.objects.filter(library=library, kind=kind, is_active=True).order_by("created_at").first()


def _eligible_for_session(session: Any) -> list[int]:
    """Who attended (present or late); when nobody is marked yet, everyone enrolled."""
    from lentera.delivery.models import Attendance, Enrolment

    attended = list(
        Attendance.objects.filter(session=session, status__in=Attendance.COUNTS_FOR_JP).values_list(
            "user_id", flat=True
        )
    )
    if attended or Attendance.objects.filter(session=session).exists():
        return attended
    return list(
        Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.ENROLLED).values_list(
            "user_id", flat=True
        )
    )


def _invite(survey: Survey, user_ids: Sequence[int]) -> None:
    Invitation.objects.bulk_create([Invitation(survey=survey, user_id=pk) for pk in user_ids], ignore_conflicts=True)


@transaction.atomic
def surveys_ensure(*, cohort: Any, now: datetime | None = None) -> list[Survey]:
    """Open the rounds that are due: each ended session's, and the cohort's after its last session.

    Safe to call again and again (pages and the periodic job both do): rounds and invitations are
    made once; people marked present later are invited then.
    """
    from lentera.delivery.models import Enrolment

    now = now or timezone.now()
    library = cohort.library
    conf = settings_for(library)
    anonymous = cohort_feedback_for(cohort).is_anonymous
    session_form, instructor_form = _form_of(library, "session"), _form_of(library, "instructor")
    surveys = []
    sessions = list(cohort.sessions.filter(ends_at__lte=now).order_by("starts_at"))
    if session_form is not None:
        for session in sessions:
            survey, created = Survey.objects.get_or_create(
                session=session,
                kind=Survey.Kind.SESSION,
                defaults={
                    "library": library,
                    "cohort": cohort,
                    "opens_at": session.ends_at,
                    "closes_at": session.ends_at + timedelta(hours=conf.session_window_hours),
                    "is_anonymous": anonymous,
                },
            )
            if created:
                survey.forms.set([f for f in (session_form, instructor_form) if f is not None])
                tallies_ensure(survey=survey)
            if survey.closes_at > now:
                _invite(survey, _eligible_for_session(session))
            surveys.append(survey)
    cohort_form = _form_of(library, "cohort")
    last = cohort.sessions.order_by("-ends_at").first()
    if cohort_form is not None and last is not None and last.ends_at <= now:
        survey, created = Survey.objects.get_or_create(
            cohort=cohort,
            session=None,
            kind=Survey.Kind.COHORT,
            defaults={
                "library": library,
                "opens_at": last.ends_at,
                "closes_at": last.ends_at + timedelta(days=conf.cohort_window_days),
                "is_anonymous": anonymous,
            },
        )
        if created:
            survey.forms.set([cohort_form])
            tallies_ensure(survey=survey)
            _invite(
                survey,
                list(
                    Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).values_list(
                        "user_id", flat=True
                    )
                ),
            )
        surveys.append(survey)
    return surveys


@transaction.atomic
def cohort_anonymity_set(*, actor: Any, cohort: Any, is_anonymous: bool) -> CohortFeedback:
    """Choose whether the cohort's feedback is anonymous; fixed once anyone has answered."""
    feedback = cohort_feedback_for(cohort)
    if feedback.is_anonymous == is_anonymous:
        return feedback
    answered = Q(participant_responses__gt=0) | Q(supervisor_responses__gt=0)
    if Survey.objects.filter(answered, cohort=cohort).exists():
        raise ValidationError(_("People have already answered, so the anonymity of this cohort's feedback stays."))
    feedback.is_anonymous = is_anonymous
    feedback.save(update_fields=["is_anonymous"])
    Survey.objects.filter(cohort=cohort).update(is_anonymous=is_anonymous)
    audit_record(
        actor=actor,
        library=cohort.library,
        action="feedback.anonymity",
        obj=cohort,
        changes={"anonymous": [not is_anonymous, is_anonymous]},
    )
    return feedback


class AlreadyAnswered(Exception):
    """The person's answer to this round is already recorded (a double tap, a retry): not an error."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def response_submit(
    *,
    survey: Survey,
    answers: Sequence[Cleaned],
    user: Any = None,
    token: str = "",
    invitation: Invitation | None = None,
    now: datetime | None = None,
    items: Sequence[FormItem] | None = None,
    instructors: Sequence[Any] | None = None,
) -> None:
    """Record one person's answers exactly once. The invitation is marked answered in the same
    transaction; a second submission (double tap, retry after a timeout) raises ``AlreadyAnswered``.

    The answers go into the round's aggregates (``tallies.tallies_add``): nothing of this
    submission is a row of its own, so nothing in the database pairs it with the invitation. Only
    a named round also keeps the person's answers as theirs (``Response``).

    ``items`` (with their form) and ``instructors``: what the page already read for this round
    (saves reading them again). ``invitation`` is the one the page already read for ``user``. Whether
    it was answered is decided under the row's lock either way: the first statement of the
    transaction marks it answered only if it was not, and every later write waits for that.
    """
    now = now or timezone.now()
    if not (survey.opens_at <= now < survey.closes_at):
        raise ValidationError(_("This form is not open."))
    with transaction.atomic():
        if invitation is None or (invitation.survey_id, invitation.user_id) != (survey.pk, getattr(user, "pk", None)):
            invitations = Invitation.objects.filter(survey=survey)
            if user is not None:
                invitation = invitations.filter(user=user).first()
            else:
                invitation = invitations.filter(token_hash=token_hash(token)).first() if token else None
        if invitation is None:
            raise ValidationError(_("You are not invited to answer this form."))
        # the claim: an UPDATE takes the row lock, so a concurrent submission waits here and then
        # finds it answered (0 rows); rolled back with everything else if a write below fails
        if not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True):
            raise AlreadyAnswered
        known = None
        if items is not None and instructors is not None:
            known = (list(items), [person.pk for person in instructors])
        tallies_add(survey=survey, role=invitation.role, answers=answers, known=known)
        if not survey.is_anonymous and user is not None:
            response = Response.objects.create(
                survey=survey, role=invitation.role, submitted_on=timezone.localdate(now), respondent=user
            )
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    item=a.item,
                    instructor=a.instructor,
                    rating=a.rating,
                    not_applicable=a.not_applicable,
                    choices=a.choices,
                    text=a.text,
                )
                for a in answers
            )
    invitation.answered = True


@transaction.atomic
def comment_review(*, actor: Any, comments: Comments, digest: str, show: bool) -> tuple[str, str, int] | None:
    """The coordinator shows a comment to the instructor or hides it (abusive, identifying); audited.

    The comment is named by ``comment_digest`` of its text; the same text given twice is reviewed
    as one. Returns the comment's text, review and how many wrote it, or None when no comment has
    that digest.
    """
    state = Comments.Review.SHOWN if show else Comments.Review.HIDDEN
    comments = Comments.objects.select_for_update().select_related("survey__library").get(pk=comments.pk)
    found = [(text, review) for text, review in comments.entries if comment_digest(text) == digest]
    if not found:
        return None
    text, before = found[0]
    if any(review != state for _text, review in found):
        comments.entries = sort_entries([t, state if t == text else r] for t, r in comments.entries)
        comments.save(update_fields=["entries"])
        audit_record(
            actor=actor,
            library=comments.survey.library,
            action="feedback.comment_shown" if show else "feedback.comment_hidden",
            obj=comments.survey,
            changes={"review": [before, state]},
        )
    return text, state, len(found)


@transaction.atomic
def improvement_action_save(
    *,
    actor: Any,
    cohort: Any,
    what: str,
    owner: str,
    due_on: Any,
    item: FormItem | None = None,
    baseline_top2: float | None = None,
    status: str = ImprovementAction.Status.OPEN,
    action: ImprovementAction | None = None,
) -> ImprovementAction:
    creating = action is None
    action = action or ImprovementAction(library=cohort.library, programme=cohort.programme, cohort=cohort)
    before = action.status
    action.what, action.owner, action.due_on, action.status = what.strip(), owner.strip(), due_on, status
    if creating:
        action.item, action.baseline_top2 = item, baseline_top2
    action.full_clean()
    try:
        action.save()
    except IntegrityError as error:  # pragma: no cover - no unique constraint today
        raise ValidationError(str(error)) from error
    audit_record(
        actor=actor,
        library=cohort.library,
        action="improvement.create" if creating else "improvement.update",
        obj=action,
        changes={"status": [None if creating else before, action.status]},
    )
    return action


@transaction.atomic
def phillips_save(*, actor: Any, cohort: Any, costs: Any, benefits: Any, note: str = "") -> CohortFeedback:
    """The optional Phillips inputs of a cohort (costs and monetised benefits, in rupiah)."""
    feedback = cohort_feedback_for(cohort)
    before = [str(feedback.costs), str(feedback.benefits)]
    feedback.costs, feedback.benefits, feedback.benefits_note = costs, benefits, note.strip()
    feedback.full_clean()
    feedback.save()
    audit_record(
        actor=actor,
        library=cohort.library,
        action="feedback.phillips",
        obj=cohort,
        changes={"costs": [before[0], str(costs)], "benefits": [before[1], str(benefits)]},
    )
    return feedback


@transaction.atomic
def feedback_settings_save(*, actor: Any, library: Library, values: dict[str, Any]) -> FeedbackSettings:
    current = settings_for(library)
    changes = {k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v}
    for key, value in values.items():
        setattr(current, key, value)
    current.full_clean()
    current.save()
    if changes:
        audit_record(actor=actor, library=library, action="feedback.settings", changes=changes)
    return current
